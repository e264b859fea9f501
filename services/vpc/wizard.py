"""The console's "Create VPC" page: what "VPC only" and "VPC and more" will create (the
preview) and the operations that create it, one after another, as the AWS console runs
them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms

from services.core import regions
from services.core.errors import AwsError
from services.vpc import cidr

NAT_NONE, NAT_ONE, NAT_PER_AZ = "none", "1", "per-az"


class CreateVpcForm(forms.Form):
    """Every setting of the Create VPC page; the "VPC and more" ones are ignored for
    "VPC only"."""

    mode = forms.ChoiceField(
        label="Resources to create",
        choices=[("vpc-only", "VPC only"), ("vpc-and-more", "VPC and more")],
        initial="vpc-only",
        widget=forms.RadioSelect,
    )
    auto_name = forms.BooleanField(label="Auto-generate", required=False, initial=True)
    name = forms.CharField(label="Name", required=False, max_length=200, initial="project")
    cidr_block = forms.CharField(label="IPv4 CIDR block", initial="10.0.0.0/16")
    tenancy = forms.ChoiceField(
        label="Tenancy", choices=[("default", "Default"), ("dedicated", "Dedicated")]
    )
    az_count = forms.TypedChoiceField(
        label="Number of Availability Zones (AZs)",
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3")],
        initial=2,
        required=False,
        empty_value=2,
        widget=forms.RadioSelect,
    )
    public_subnets = forms.TypedChoiceField(
        label="Number of public subnets",
        coerce=int,
        choices=[],
        required=False,
        empty_value=0,
        widget=forms.RadioSelect,
    )
    private_subnets = forms.TypedChoiceField(
        label="Number of private subnets",
        coerce=int,
        choices=[],
        required=False,
        empty_value=0,
        widget=forms.RadioSelect,
    )
    nat_gateways = forms.ChoiceField(
        label="NAT gateways",
        choices=[(NAT_NONE, "None"), (NAT_ONE, "In 1 AZ"), (NAT_PER_AZ, "1 per AZ")],
        initial=NAT_NONE,
        required=False,
        widget=forms.RadioSelect,
    )
    dns_hostnames = forms.BooleanField(label="Enable DNS hostnames", required=False, initial=True)
    dns_support = forms.BooleanField(label="Enable DNS resolution", required=False, initial=True)

    SEGMENTS = ("az_count", "public_subnets", "private_subnets", "nat_gateways")

    def __init__(self, data=None, *args, region: str, **kwargs) -> None:
        zones = regions.REGIONS[region].zone_names
        most = min(3, len(zones))
        azs = 2
        if data is not None:
            data = data.copy()
            try:
                azs = max(1, min(most, int(data.get("az_count") or 2)))
            except ValueError:
                azs = 2
            # Subnet counts follow the AZ count: a choice made for another AZ count
            # becomes the same number of subnets per AZ for this one.
            for key, per_az in (("public_subnets", (0, 1)), ("private_subnets", (0, 1, 2))):
                try:
                    asked = int(data.get(key) or 0)
                except ValueError:
                    asked = 0
                if asked not in [n * azs for n in per_az]:
                    data[key] = str(azs if asked else 0)
        super().__init__(data, *args, **kwargs)
        self.fields["az_count"].choices = [(n, str(n)) for n in range(1, most + 1)]
        self.fields["public_subnets"].choices = [(0, "0"), (azs, str(azs))]
        self.fields["private_subnets"].choices = [
            (0, "0"),
            (azs, str(azs)),
            (2 * azs, str(2 * azs)),
        ]
        self.fields["public_subnets"].initial = azs
        self.fields["private_subnets"].initial = azs

    @property
    def segments(self) -> list:
        return [self[name] for name in self.SEGMENTS]


@dataclass
class Step:
    """One operation of the plan. `params` gets the ids made by earlier steps; `keep`
    names the id this step makes (read from the response with `pick`)."""

    label: str
    action: str
    params: Callable[[dict[str, str]], dict]
    keep: str = ""
    pick: Callable[[dict], str] | None = None


@dataclass
class Plan:
    vpc: dict
    subnets: list[dict] = field(default_factory=list)  # {name, cidr, az, public}
    route_tables: list[dict] = field(default_factory=list)  # {name, subnets, target}
    gateways: list[dict] = field(default_factory=list)  # {kind, name, az}
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def zones(self) -> list[str]:
        return sorted({s["az"] for s in self.subnets})


def _tags(resource_type: str, name: str) -> list[dict]:
    if not name:
        return []
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def subnet_blocks(vpc: cidr.Block, public: int, private: int) -> tuple[list[str], list[str]]:
    """CIDRs as the console lays them out: subnets four bits smaller than the VPC (at
    most /28), public ones from the start, private ones from the middle."""
    prefix = min(vpc.prefix + 4, cidr.MAX_PREFIX)
    network = vpc.network
    half = [network] if network.prefixlen == cidr.MAX_PREFIX else list(network.subnets(1))
    first_half = list(half[0].subnets(new_prefix=prefix)) if prefix >= half[0].prefixlen else []
    second = half[-1] if len(half) > 1 else None
    second_half = (
        list(second.subnets(new_prefix=prefix)) if second and prefix >= second.prefixlen else []
    )
    if public > len(first_half) or private > len(second_half):
        raise ValueError(
            f"The VPC CIDR block {vpc.text} is too small for {public + private} subnets "
            f"of /{prefix}."
        )
    return [str(b) for b in first_half[:public]], [str(b) for b in second_half[:private]]


def plan(data: dict, region: str) -> Plan:
    """What the page will create from its cleaned form data."""
    auto = data.get("auto_name", True)
    project = (data.get("name") or "").strip()
    prefix = project if auto else ""

    def named(suffix: str) -> str:
        return f"{prefix}-{suffix}" if prefix else ""

    vpc_name = named("vpc") if auto else project
    result = Plan(vpc={"name": vpc_name, "cidr": data.get("cidr_block", "")})
    try:
        block = cidr.vpc_block(data.get("cidr_block", ""))
    except AwsError as error:
        result.problems.append(error.message)
        return result
    result.vpc["cidr"] = block.text
    vpc_params = {
        "CidrBlock": block.text,
        "InstanceTenancy": data.get("tenancy") or "default",
        "TagSpecifications": _tags("vpc", vpc_name),
    }
    steps = [
        Step(
            f"Create VPC {vpc_name or block.text}",
            "CreateVpc",
            lambda ids: vpc_params,
            keep="vpc",
            pick=lambda r: r["Vpc"]["VpcId"],
        )
    ]
    if data.get("mode") != "vpc-and-more":
        result.steps = steps
        return result

    if not data.get("dns_support", True):
        steps.append(
            Step(
                "Disable DNS resolution",
                "ModifyVpcAttribute",
                lambda ids: {"VpcId": ids["vpc"], "EnableDnsSupport": {"Value": False}},
            )
        )
    if data.get("dns_hostnames", True):
        if not data.get("dns_support", True):
            result.problems.append("DNS hostnames need DNS resolution.")
        steps.append(
            Step(
                "Enable DNS hostnames",
                "ModifyVpcAttribute",
                lambda ids: {"VpcId": ids["vpc"], "EnableDnsHostnames": {"Value": True}},
            )
        )

    zones = regions.REGIONS[region].zone_names[: data.get("az_count", 2)]
    public_count = data.get("public_subnets", 0)
    private_count = data.get("private_subnets", 0)
    nat_mode = data.get("nat_gateways") or NAT_NONE
    try:
        public_blocks, private_blocks = subnet_blocks(block, public_count, private_count)
    except ValueError as exc:
        result.problems.append(str(exc))
        return result
    if nat_mode != NAT_NONE and not public_count:
        result.problems.append("NAT gateways need public subnets to live in.")
    if nat_mode != NAT_NONE and not private_count:
        result.problems.append("NAT gateways serve private subnets; there are none.")

    def add_subnet(kind: str, number: int, az: str, block_text: str) -> str:
        name = named(f"subnet-{kind}{number}-{az}")
        key = f"subnet-{kind}{number}"
        result.subnets.append(
            {"name": name or block_text, "cidr": block_text, "az": az, "public": kind == "public"}
        )
        steps.append(
            Step(
                f"Create subnet {name or block_text}",
                "CreateSubnet",
                lambda ids, az=az, b=block_text, n=name: {
                    "VpcId": ids["vpc"],
                    "CidrBlock": b,
                    "AvailabilityZone": az,
                    "TagSpecifications": _tags("subnet", n),
                },
                keep=key,
                pick=lambda r: r["Subnet"]["SubnetId"],
            )
        )
        return key

    # Public subnets: one per AZ. Private ones: one or two per AZ, round the AZs.
    public_keys = {
        zones[i]: add_subnet("public", i + 1, zones[i], block_text)
        for i, block_text in enumerate(public_blocks)
    }
    private_keys = []
    for i, block_text in enumerate(private_blocks):
        az = zones[i % len(zones)]
        private_keys.append((az, add_subnet("private", i + 1, az, block_text)))

    if public_count:
        igw_name = named("igw")
        result.gateways.append({"kind": "Internet gateway", "name": igw_name or "internet gateway"})
        steps += [
            Step(
                f"Create internet gateway {igw_name}".strip(),
                "CreateInternetGateway",
                lambda ids: {"TagSpecifications": _tags("internet-gateway", igw_name)},
                keep="igw",
                pick=lambda r: r["InternetGateway"]["InternetGatewayId"],
            ),
            Step(
                "Attach internet gateway to the VPC",
                "AttachInternetGateway",
                lambda ids: {"InternetGatewayId": ids["igw"], "VpcId": ids["vpc"]},
            ),
        ]
        rtb_name = named("rtb-public")
        result.route_tables.append(
            {
                "name": rtb_name or "public route table",
                "subnets": [s["name"] for s in result.subnets if s["public"]],
                "target": "Internet gateway",
            }
        )
        steps += [
            Step(
                f"Create route table {rtb_name}".strip(),
                "CreateRouteTable",
                lambda ids: {
                    "VpcId": ids["vpc"],
                    "TagSpecifications": _tags("route-table", rtb_name),
                },
                keep="rtb-public",
                pick=lambda r: r["RouteTable"]["RouteTableId"],
            ),
            Step(
                "Add route 0.0.0.0/0 to the internet gateway",
                "CreateRoute",
                lambda ids: {
                    "RouteTableId": ids["rtb-public"],
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": ids["igw"],
                },
            ),
        ]
        for i in range(public_count):
            steps.append(
                Step(
                    f"Associate public subnet {i + 1} with the public route table",
                    "AssociateRouteTable",
                    lambda ids, k=f"subnet-public{i + 1}": {
                        "RouteTableId": ids["rtb-public"],
                        "SubnetId": ids[k],
                    },
                )
            )

    nat_zones: list[str] = []
    if nat_mode != NAT_NONE and public_count and private_count:
        nat_zones = zones[:1] if nat_mode == NAT_ONE else zones
        for az in nat_zones:
            nat_name = named(f"nat-public{zones.index(az) + 1}-{az}")
            eip_name = named(f"eip-{az}")
            result.gateways.append(
                {"kind": "NAT gateway", "name": nat_name or "NAT gateway", "az": az}
            )
            steps += [
                Step(
                    f"Allocate Elastic IP {eip_name}".strip(),
                    "AllocateAddress",
                    lambda ids, n=eip_name: {
                        "Domain": "vpc",
                        "TagSpecifications": _tags("elastic-ip", n),
                    },
                    keep=f"eip-{az}",
                    pick=lambda r: r["AllocationId"],
                ),
                Step(
                    f"Create NAT gateway {nat_name}".strip(),
                    "CreateNatGateway",
                    lambda ids, az=az, n=nat_name: {
                        "SubnetId": ids[public_keys[az]],
                        "AllocationId": ids[f"eip-{az}"],
                        "TagSpecifications": _tags("natgateway", n),
                    },
                    keep=f"nat-{az}",
                    pick=lambda r: r["NatGateway"]["NatGatewayId"],
                ),
            ]

    # One route table per private subnet's AZ, as the console makes them.
    for az in sorted({az for az, _ in private_keys}, key=zones.index):
        keys = [k for a, k in private_keys if a == az]
        number = zones.index(az) + 1
        rtb_name = named(f"rtb-private{number}-{az}")
        nat_az = az if az in nat_zones else (nat_zones[0] if nat_zones else "")
        result.route_tables.append(
            {
                "name": rtb_name or f"private route table {az}",
                "subnets": [s["name"] for s in result.subnets if not s["public"] and s["az"] == az],
                "target": "NAT gateway" if nat_az else "",
            }
        )
        key = f"rtb-private-{az}"
        steps.append(
            Step(
                f"Create route table {rtb_name}".strip(),
                "CreateRouteTable",
                lambda ids, n=rtb_name: {
                    "VpcId": ids["vpc"],
                    "TagSpecifications": _tags("route-table", n),
                },
                keep=key,
                pick=lambda r: r["RouteTable"]["RouteTableId"],
            )
        )
        if nat_az:
            steps.append(
                Step(
                    f"Add route 0.0.0.0/0 to the NAT gateway in {nat_az}",
                    "CreateRoute",
                    lambda ids, k=key, n=nat_az: {
                        "RouteTableId": ids[k],
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "NatGatewayId": ids[f"nat-{n}"],
                    },
                )
            )
        for subnet_key in keys:
            steps.append(
                Step(
                    f"Associate {subnet_key.replace('subnet-', '')} subnet with its route table",
                    "AssociateRouteTable",
                    lambda ids, k=key, s=subnet_key: {"RouteTableId": ids[k], "SubnetId": ids[s]},
                )
            )
    result.steps = steps
    return result
