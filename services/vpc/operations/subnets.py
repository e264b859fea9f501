"""Subnet operations: CreateSubnet, DeleteSubnet, DescribeSubnets, ModifySubnetAttribute
(VPC-01, VPC-03, VPC-04, VPC-16)."""

from __future__ import annotations

from django.db.models import Count, Func, IntegerField, OuterRef, Subquery, Value

from services.core import constraints, describe, filters, ids, lookups, regions
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.vpc import cidr, errors, quotas
from services.vpc.models import NatGateway, NetworkInterface, Subnet, Vpc
from services.vpc.models.network import SUBNET_FIELDS, describe_subnet_row

FILTERS = filters.Spec(
    "DescribeSubnets",
    {
        "subnet-id": "resource_id",
        "vpc-id": "vpc__resource_id",
        "cidr-block": "cidr_block",
        "cidr": "cidr_block",
        "cidrBlock": "cidr_block",
        "availability-zone": "availability_zone",
        "availabilityZone": "availability_zone",
        "availability-zone-id": lambda values: describe.any_of("availability_zone")(
            [z.name for code in values if (z := _zone_by_id(code))]
        ),
        "default-for-az": describe.boolean("default_for_az"),
        "defaultForAz": describe.boolean("default_for_az"),
        "map-public-ip-on-launch": describe.boolean("map_public_ip_on_launch"),
        "owner-id": "account_id",
        "state": "state",
        "subnet-arn": lambda values: describe.any_of("resource_id")(
            [v.rsplit("/", 1)[-1] for v in values]
        ),
    },
    rows=lambda qs: describe.values_of(qs, _COLUMNS),
    items=lambda rows: _subnets(rows),
)


def _zone_by_id(zone_id: str) -> regions.AvailabilityZone | None:
    for region in regions.REGIONS.values():
        for zone in region.zones:
            if zone.zone_id == zone_id:
                return zone
    return None


def _zone(ctx: CallContext, params: dict, vpc: Vpc) -> str:
    names = regions.REGIONS[ctx.region].zone_names
    if params.get("AvailabilityZoneId") and not params.get("AvailabilityZone"):
        zone = _zone_by_id(params["AvailabilityZoneId"])
        if zone is None or zone.region != ctx.region:
            raise errors.InvalidParameterValue(
                f"Value ({params['AvailabilityZoneId']}) for parameter availabilityZoneId is "
                "invalid. Subnets can currently only be created in the following availability "
                "zones: " + ", ".join(z.zone_id for z in regions.REGIONS[ctx.region].zones) + "."
            )
        return zone.name
    name = params.get("AvailabilityZone")
    if not name:
        # AWS picks a zone; spread subnets over the zones like it does.
        used = Subnet.objects.filter(vpc=vpc).values_list("availability_zone", flat=True)
        return min(names, key=lambda z: (list(used).count(z), z))
    if name not in names:
        raise errors.InvalidParameterValue(
            f"Value ({name}) for parameter availabilityZone is invalid. Subnets can currently "
            "only be created in the following availability zones: " + ", ".join(names) + "."
        )
    return name


@operation("ec2", "CreateSubnet")
def create_subnet(ctx: CallContext, params: dict) -> dict:
    # Lock the VPC: subnets of one VPC are created one at a time, so the overlap check and
    # the quota below see each other; the exclusion constraint backs the overlap check up.
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    if params.get("Ipv6Native") or params.get("Ipv6CidrBlock"):
        raise errors.InvalidParameterValue("IPv6 subnets are not simulated.")
    if not params.get("CidrBlock"):
        raise missing_parameter("cidrBlock")
    block = cidr.subnet_block(params["CidrBlock"])
    if not any(vb.contains(block) for vb in vpc.blocks()):
        raise errors.InvalidSubnetRange(f"The CIDR '{block.text}' is invalid.")
    overlapping = Subnet.objects.filter(
        vpc=vpc, first_address__lte=block.last, last_address__gte=block.first
    ).exists()
    if overlapping:
        raise _conflict(block.text)
    zone = _zone(ctx, params, vpc)
    tags = describe.tags_from_specifications(params, "subnet")
    quotas.check(
        Subnet.objects.filter(vpc=vpc).count(),
        quotas.SUBNETS_PER_VPC,
        "SubnetLimitExceeded",
        "The maximum number of subnets has been reached.",
    )
    subnet = Subnet(
        account=ctx.account,
        region=ctx.region,
        vpc=vpc,
        availability_zone=zone,
        cidr_block=block.text,
        first_address=block.first,
        last_address=block.last,
        network_acl=vpc.default_network_acl,
        acl_association_id=ids.resource_id("aclassoc"),
        tags=tags,
    )
    subnet.save()  # VPC-04 under concurrency: the exclusion constraint decides
    ctx.touch(subnet)
    return {"Subnet": subnet.describe()}


def _conflict(cidr_block: str) -> AwsError:
    return errors.InvalidSubnetConflict(f"The CIDR '{cidr_block}' conflicts with another subnet")


constraints.on_protected(Subnet, constraints.has_dependencies("subnet"))
constraints.on_violation(Subnet, "subnet_no_overlap_in_vpc", lambda v: _conflict(v.row.cidr_block))


@operation("ec2", "DeleteSubnet")
def delete_subnet(ctx: CallContext, params: dict) -> dict:
    subnet = lookups.get(ctx, Subnet, params["SubnetId"], for_update=True)
    # VPC-16: interfaces (instances, NAT gateways, endpoints) keep the subnet in use.
    in_use = (
        NetworkInterface.objects.filter(subnet=subnet).exists()
        or NatGateway.objects.filter(subnet=subnet).exclude(state="deleted").exists()
    )
    if in_use:
        raise constraints.dependency_error(Subnet, subnet.resource_id)
    ctx.touch(subnet)
    NatGateway.objects.filter(subnet=subnet).delete()
    subnet.delete()
    return {}


@operation("ec2", "DescribeSubnets")
def describe_subnets(ctx: CallContext, params: dict) -> dict:
    qs, named = describe.named_ids(
        Subnet.objects.visible_to(ctx), Subnet, params.get("SubnetIds"), params
    )
    return describe.page_of_rows(
        qs, params, FILTERS, "Subnets", _COLUMNS, _subnets, ids=(Subnet, named)
    )


# Each subnet's used addresses counted by a subquery per row of the page (a join and
# GROUP BY counted them for every subnet the filters kept, then sorted them DISTINCT).
_COLUMNS = {
    **{name: name for name in SUBNET_FIELDS if name != "pk"},
    "vpc_resource_id": "vpc__resource_id",
    "used_addresses": Func(
        Subquery(
            NetworkInterface.objects.filter(subnet=OuterRef("pk"))
            .order_by()
            .values("subnet")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
        function="COALESCE",
        output_field=IntegerField(),
    ),
}


def _subnets(rows: list[dict]) -> list[dict]:
    return [describe_subnet_row(r) for r in rows]


@operation("ec2", "ModifySubnetAttribute")
def modify_subnet_attribute(ctx: CallContext, params: dict) -> dict:
    subnet = lookups.get(ctx, Subnet, params["SubnetId"], for_update=True)
    if "MapPublicIpOnLaunch" not in params:
        unsupported = [k for k in params if k != "SubnetId"]
        if unsupported:
            raise errors.InvalidParameterValue(f"The attribute {unsupported[0]} is not simulated.")
        raise errors.MissingParameter("The request must contain an attribute to modify.")
    subnet.map_public_ip_on_launch = bool(params["MapPublicIpOnLaunch"].get("Value"))
    subnet.save(update_fields=["map_public_ip_on_launch"])
    ctx.touch(subnet)
    return {}
