"""DescribeAvailabilityZones, DescribeRegions and DescribeAccountAttributes: the static
facts of the simulated cloud (GLB-01, GLB-02)."""

from __future__ import annotations

from services.core import filters, regions
from services.core.context import CallContext
from services.core.operations import operation
from services.vpc import errors, network, quotas

# Every documented name is derived from the response shape (services/core/filters.py).
_ZONE_FILTERS = filters.Spec(
    "DescribeAvailabilityZones",
    # Not documented, but answered by AWS (the zone's NetworkBorderGroup).
    aliases={"network-border-group": ("NetworkBorderGroup",)},
)
_REGION_FILTERS = filters.Spec("DescribeRegions")


def _zone_shape(region: regions.Region, zone: regions.AvailabilityZone) -> dict:
    return {
        "ZoneName": zone.name,
        "ZoneId": zone.zone_id,
        "RegionName": region.code,
        "State": "available",
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "GroupName": region.code,
        "NetworkBorderGroup": region.code,
        "ZoneType": "availability-zone",
        "GroupLongName": region.name,
    }


@operation("ec2", "DescribeAvailabilityZones")
def describe_availability_zones(ctx: CallContext, params: dict) -> dict:
    region = regions.REGIONS[ctx.region]
    zones = [_zone_shape(region, z) for z in region.zones]
    for key, param in (("ZoneName", "ZoneNames"), ("ZoneId", "ZoneIds")):
        wanted = params.get(param)
        if wanted:
            known = {z[key] for z in zones}
            for value in wanted:
                if value not in known:
                    raise errors.InvalidParameterValue(
                        f"The {'zone' if key == 'ZoneName' else 'zone ID'} '{value}' does not exist"
                    )
            zones = [z for z in zones if z[key] in wanted]
    zones = filters.filter_items(zones, params.get("Filters"), _ZONE_FILTERS)
    return {"AvailabilityZones": zones}


@operation("ec2", "DescribeRegions")
def describe_regions(ctx: CallContext, params: dict) -> dict:
    found = [
        {
            "RegionName": r.code,
            "Endpoint": f"ec2.{r.code}.amazonaws.com",
            "OptInStatus": "opt-in-not-required",
        }
        for r in regions.REGIONS.values()
    ]
    wanted = params.get("RegionNames")
    if wanted:
        for name in wanted:
            if not regions.is_region(name):
                raise errors.InvalidParameterValue(f"Invalid region: {name}")
        found = [r for r in found if r["RegionName"] in wanted]
    return {"Regions": filters.filter_items(found, params.get("Filters"), _REGION_FILTERS)}


# EC2's default On-Demand instance limit of a new account, as vCPUs AWS now counts;
# DescribeAccountAttributes still reports the old instance count.
MAX_INSTANCES = 20


@operation("ec2", "DescribeAccountAttributes")
def describe_account_attributes(ctx: CallContext, params: dict) -> dict:
    vpc = network.default_vpc(ctx)
    values = {
        "supported-platforms": ["VPC"],
        "default-vpc": [vpc.resource_id if vpc else "none"],
        "max-instances": [str(MAX_INSTANCES)],
        "vpc-max-security-groups-per-interface": [str(quotas.SECURITY_GROUPS_PER_INTERFACE)],
        "max-elastic-ips": [str(quotas.ELASTIC_IPS_PER_REGION)],
        "vpc-max-elastic-ips": [str(quotas.ELASTIC_IPS_PER_REGION)],
    }
    wanted = params.get("AttributeNames") or list(values)
    attributes = []
    for name in wanted:
        if name not in values:
            raise errors.InvalidParameterValue(
                f"Value ({name}) for parameter attributeName is invalid."
            )
        attributes.append(
            {
                "AttributeName": name,
                "AttributeValues": [{"AttributeValue": v} for v in values[name]],
            }
        )
    return {"AccountAttributes": attributes}
