"""The VPC console's simple create pages, as Django forms whose cleaned data become the
parameters of one operation."""

from __future__ import annotations

from django import forms

from services.core import shapes
from services.core.context import CallContext
from services.core.views.access import readable
from services.vpc.models import Address, SecurityGroup, Subnet, Vpc


def name_tag(resource_type: str, name: str) -> list[dict]:
    """TagSpecifications giving the new resource its Name tag (none when blank)."""
    if not name:
        return []
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def _vpc_choices(ctx: CallContext | None) -> list[tuple[str, str]]:
    if ctx is None:
        return []
    return [
        (v.resource_id, f"{v.resource_id} ({v.name})" if v.name else v.resource_id)
        for v in readable(ctx, Vpc).order_by("-is_default", "created_at")
    ]


class NameField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Name tag")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 256)
        kwargs.setdefault("help_text", "Creates a tag with a key of 'Name' and this value.")
        super().__init__(**kwargs)


class VpcOnlyForm(forms.Form):
    """Create VPC, 'VPC only'."""

    Name = NameField()
    CidrBlock = forms.CharField(
        label="IPv4 CIDR",
        initial="10.0.0.0/16",
        help_text="The CIDR block size must have a size between /16 and /28.",
    )
    InstanceTenancy = forms.ChoiceField(
        label="Tenancy",
        choices=shapes.lazy_enum_choices(
            "ec2", "Tenancy", {"default": "Default", "dedicated": "Dedicated"}
        ),
    )

    sections = [("VPC settings", ["Name", "CidrBlock", "InstanceTenancy"])]


def vpc_params(data: dict) -> dict:
    return {
        "CidrBlock": data["CidrBlock"].strip(),
        "InstanceTenancy": data["InstanceTenancy"],
        "TagSpecifications": name_tag("vpc", data.get("Name", "")),
    }


class SubnetForm(forms.Form):
    VpcId = forms.ChoiceField(label="VPC ID", help_text="Create subnets in this VPC.")
    Name = NameField(label="Subnet name")
    AvailabilityZone = forms.ChoiceField(label="Availability Zone", required=False)
    CidrBlock = forms.CharField(
        label="IPv4 subnet CIDR block",
        initial="10.0.0.0/24",
        help_text="Inside the VPC's CIDR, between /16 and /28.",
    )

    sections = [
        ("VPC", ["VpcId"]),
        ("Subnet settings", ["Name", "AvailabilityZone", "CidrBlock"]),
    ]

    def __init__(self, *args, ctx: CallContext | None = None, zones=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["VpcId"].choices = _vpc_choices(ctx)
        self.fields["AvailabilityZone"].choices = [("", "No preference")] + [(z, z) for z in zones]


def subnet_params(data: dict) -> dict:
    params = {
        "VpcId": data["VpcId"],
        "CidrBlock": data["CidrBlock"].strip(),
        "TagSpecifications": name_tag("subnet", data.get("Name", "")),
    }
    if data.get("AvailabilityZone"):
        params["AvailabilityZone"] = data["AvailabilityZone"]
    return params


class InternetGatewayForm(forms.Form):
    Name = NameField()

    sections = [("Internet gateway settings", ["Name"])]


def internet_gateway_params(data: dict) -> dict:
    return {"TagSpecifications": name_tag("internet-gateway", data.get("Name", ""))}


class RouteTableForm(forms.Form):
    Name = NameField(label="Name - optional")
    VpcId = forms.ChoiceField(label="VPC", help_text="The VPC to use for this route table.")

    sections = [("Route table settings", ["Name", "VpcId"])]

    def __init__(self, *args, ctx: CallContext | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["VpcId"].choices = _vpc_choices(ctx)


def route_table_params(data: dict) -> dict:
    return {"VpcId": data["VpcId"], "TagSpecifications": name_tag("route-table", data["Name"])}


class NetworkAclForm(RouteTableForm):
    sections = [("Network ACL settings", ["Name", "VpcId"])]


def network_acl_params(data: dict) -> dict:
    return {"VpcId": data["VpcId"], "TagSpecifications": name_tag("network-acl", data["Name"])}


class SecurityGroupForm(forms.Form):
    GroupName = forms.CharField(label="Security group name", max_length=255)
    Description = forms.CharField(
        label="Description", max_length=255, initial="", help_text="Required by AWS."
    )
    VpcId = forms.ChoiceField(label="VPC")
    Name = NameField()

    sections = [("Basic details", ["GroupName", "Description", "VpcId"]), ("Tags", ["Name"])]

    def __init__(self, *args, ctx: CallContext | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["VpcId"].choices = _vpc_choices(ctx)


def security_group_params(data: dict) -> dict:
    return {
        "GroupName": data["GroupName"],
        "Description": data["Description"],
        "VpcId": data["VpcId"],
        "TagSpecifications": name_tag("security-group", data.get("Name", "")),
    }


class NatGatewayForm(forms.Form):
    Name = NameField(label="Name - optional")
    SubnetId = forms.ChoiceField(label="Subnet", help_text="The subnet to create the NAT in.")
    ConnectivityType = forms.ChoiceField(
        label="Connectivity type",
        choices=shapes.lazy_enum_choices(
            "ec2", "ConnectivityType", {"public": "Public", "private": "Private"}
        ),
    )
    AllocationId = forms.ChoiceField(
        label="Elastic IP allocation ID",
        required=False,
        help_text="A public NAT gateway needs an Elastic IP address.",
    )

    sections = [("NAT gateway settings", ["Name", "SubnetId", "ConnectivityType", "AllocationId"])]

    def __init__(self, *args, ctx: CallContext | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        subnets = readable(ctx, Subnet).order_by("vpc_id", "cidr_block") if ctx else []
        self.fields["SubnetId"].choices = [
            (s.resource_id, f"{s.resource_id} ({s.name or s.cidr_block})") for s in subnets
        ]
        free = readable(ctx, Address).filter(network_interface__isnull=True) if ctx else []
        self.fields["AllocationId"].choices = [("", "Choose an Elastic IP")] + [
            (a.resource_id, f"{a.resource_id} ({a.public_ip})") for a in free
        ]


def nat_gateway_params(data: dict) -> dict:
    params = {
        "SubnetId": data["SubnetId"],
        "ConnectivityType": data["ConnectivityType"],
        "TagSpecifications": name_tag("natgateway", data.get("Name", "")),
    }
    if data.get("AllocationId"):
        params["AllocationId"] = data["AllocationId"]
    return params


class ElasticIpForm(forms.Form):
    Name = NameField()

    sections = [("Elastic IP address settings", ["Name"])]


def elastic_ip_params(data: dict) -> dict:
    return {"Domain": "vpc", "TagSpecifications": name_tag("elastic-ip", data.get("Name", ""))}


class NetworkInterfaceForm(forms.Form):
    """EC2's Create network interface page: a subnet, its VPC's security groups."""

    Description = forms.CharField(label="Description - optional", max_length=255, required=False)
    SubnetId = forms.ChoiceField(label="Subnet", help_text="The subnet of the interface.")
    PrivateIpAddress = forms.GenericIPAddressField(
        label="Private IPv4 address - optional",
        protocol="IPv4",
        required=False,
        help_text="Empty: auto-assign an address of the subnet.",
    )
    Groups = forms.MultipleChoiceField(
        label="Security groups",
        required=False,
        help_text="Of the subnet's VPC; none chosen: the VPC's default security group.",
    )
    Name = NameField()

    sections = [
        ("Details", ["Description", "SubnetId", "PrivateIpAddress"]),
        ("Security groups", ["Groups"]),
        ("Tags", ["Name"]),
    ]

    def __init__(self, *args, ctx: CallContext | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        subnets = readable(ctx, Subnet).select_related("vpc") if ctx else []
        self.fields["SubnetId"].choices = (
            [
                (
                    s.resource_id,
                    f"{s.resource_id} ({s.name or s.cidr_block}, {s.availability_zone})",
                )
                for s in subnets.order_by("vpc_id", "cidr_block")
            ]
            if ctx
            else []
        )
        groups = readable(ctx, SecurityGroup).select_related("vpc") if ctx else []
        self.fields["Groups"].choices = (
            [
                (g.resource_id, f"{g.resource_id} ({g.group_name}, {g.vpc.resource_id})")
                for g in groups.order_by("vpc_id", "group_name")
            ]
            if ctx
            else []
        )


def network_interface_params(data: dict) -> dict:
    params = {
        "SubnetId": data["SubnetId"],
        "Description": data.get("Description", ""),
        "TagSpecifications": name_tag("network-interface", data.get("Name", "")),
    }
    if data.get("PrivateIpAddress"):
        params["PrivateIpAddress"] = data["PrivateIpAddress"]
    if data.get("Groups"):
        params["Groups"] = list(data["Groups"])
    return params
