"""Placement groups: CreatePlacementGroup, DescribePlacementGroups, DeletePlacementGroup.

A group is known by name in its region (unique per account and region) and has an id
(`pg-...`); its ARN names it by name (`placement-group/<name>`). The strategy's rules
are the ones EC2 checks: a partition group has 1 to 7 partitions (2 unless given), a
spread group spreads across racks (`host` is for Outposts only), and PartitionCount and
SpreadLevel belong to their own strategies. A new group is pending, then available
(the lifecycle engine); a deleted one is deleting until it is gone.

RunInstances with `Placement.GroupName` launches into a group (`group_for_launch`): the
instance names it (DescribeInstances' Placement.GroupName, the `placement-group-name`
filter); a cluster group holds instances of one Availability Zone only, and a group
with instances that are not terminated cannot be deleted (InvalidPlacementGroup.InUse).
"""

from __future__ import annotations

from django.db.models import Q

from services.core import authz, constraints, describe, locks, lookups
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.ec2 import errors
from services.ec2.models import Instance, PlacementGroup
from services.ec2.models.placement_groups import DEFAULT_PARTITIONS, MAX_PARTITIONS, STRATEGIES


def _arns(values: list[str]) -> Q:
    """group-arn: the ARN names the group by name, in one region of one account."""
    q = Q(pk__in=[])
    for value in values:
        head, _, name = value.partition(":placement-group/")
        parts = head.split(":")
        if len(parts) == 5 and name:
            q |= Q(region=parts[3], account_id=parts[4], group_name=name)
    return q


FILTERS: describe.FilterSpec = {
    "group-name": "group_name",
    "group-arn": _arns,
    "spread-level": "spread_level",
    "state": "state",
    "strategy": "strategy",
}


def _invalid(name: str, value: object, why: str) -> AwsError:
    return errors.InvalidParameterValue(f"Value ({value}) for parameter {name} is invalid. {why}")


def _settings(params: dict) -> tuple[str, int | None, str]:
    """(strategy, partition count, spread level) as EC2 validates them."""
    strategy = params.get("Strategy")
    if not strategy:
        raise missing_parameter("strategy")
    if strategy not in STRATEGIES:
        raise _invalid("strategy", strategy, "Valid values: " + ", ".join(STRATEGIES) + ".")
    count = params.get("PartitionCount")
    level = params.get("SpreadLevel") or ""
    if count is not None and strategy != "partition":
        raise errors.InvalidParameterCombination(
            "PartitionCount is valid only when Strategy is set to partition."
        )
    if level and strategy != "spread":
        raise errors.InvalidParameterCombination(
            "SpreadLevel is valid only when Strategy is set to spread."
        )
    if strategy == "partition":
        count = DEFAULT_PARTITIONS if count is None else count
        if not 1 <= count <= MAX_PARTITIONS:
            raise _invalid(
                "partitionCount",
                count,
                f"The partition count must be between 1 and {MAX_PARTITIONS}.",
            )
    if strategy == "spread":
        if level == "host":
            raise errors.InvalidParameterValue(
                "The spread level 'host' can be used only with placement groups on an Outpost."
            )
        level = level or "rack"
    return strategy, count, level


def _check_name(name: str) -> None:
    if not name:
        raise missing_parameter("groupName")
    if len(name) > 255 or not name.isascii():
        raise _invalid("groupName", name, "Names are up to 255 ASCII characters.")


def _duplicate(name: str) -> AwsError:
    return errors.InvalidPlacementGroupDuplicate(f"The Placement Group '{name}' already exists.")


constraints.on_violation(
    PlacementGroup, "placement_group_name_unique", lambda v: _duplicate(v.row.group_name)
)


@operation("ec2", "CreatePlacementGroup")
def create_placement_group(ctx: CallContext, params: dict) -> dict:
    name = params.get("GroupName") or ""
    _check_name(name)
    strategy, count, level = _settings(params)
    tags = describe.tags_from_specifications(params, "placement-group")
    if PlacementGroup.objects.visible_to(ctx).filter(group_name=name).exists():
        raise _duplicate(name)
    group = PlacementGroup(
        account=ctx.account,
        region=ctx.region,
        group_name=name,
        strategy=strategy,
        partition_count=count,
        spread_level=level,
        tags=tags,
    )
    group.begin("pending")  # a concurrent create of the name loses on the constraint
    ctx.touch(group)
    return {"PlacementGroup": group.describe()}


@operation("ec2", "DescribePlacementGroups")
def describe_placement_groups(ctx: CallContext, params: dict) -> dict:
    qs = PlacementGroup.objects.visible_to(ctx)
    qs = lookups.only_ids(qs, PlacementGroup, params.get("GroupNames"), field="group_name")
    qs = lookups.only_ids(qs, PlacementGroup, params.get("GroupIds"))
    qs = describe.apply_filters(qs, params.get("Filters"), FILTERS).order_by("group_name")
    return {"PlacementGroups": [g.describe() for g in qs]}


# An instance is in its group until it is terminated (shutting-down still counts).
GONE_STATES = ("terminated", "gone")


def members(group: PlacementGroup):
    """The group's instances that are not terminated."""
    return Instance.objects.filter(
        account_id=group.account_id, region=group.region, placement_group_name=group.group_name
    ).exclude(state__in=GONE_STATES)


def group_for_launch(ctx: CallContext, params: dict) -> PlacementGroup | None:
    """The group RunInstances' `Placement.GroupName` names, locked so a racing
    DeletePlacementGroup waits for the launch (and then sees its instances)."""
    name = (params.get("Placement") or {}).get("GroupName") or ""
    if not name:
        return None
    group = locks.rows(PlacementGroup.objects.visible_to(ctx).filter(group_name=name)).first()
    if group is None or group.state == "deleting":
        raise PlacementGroup.not_found(name)
    return group


def check_zone(group: PlacementGroup, zone: str) -> None:
    """A cluster group packs its instances in one Availability Zone: a launch into
    another zone than its running members' is refused, in EC2's words."""
    if group.strategy != "cluster":
        return
    other = (
        members(group).exclude(availability_zone=zone).values_list("availability_zone", flat=True)
    )
    elsewhere = other.first()
    if elsewhere:
        raise errors.InvalidPlacementGroupInUse(
            f"The placement group '{group.group_name}' is in use in another availability "
            f"zone: {elsewhere}"
        )


@operation("ec2", "DeletePlacementGroup")
def delete_placement_group(ctx: CallContext, params: dict) -> dict:
    name = params.get("GroupName") or ""
    if not name:
        raise missing_parameter("groupName")
    group = locks.rows(PlacementGroup.objects.visible_to(ctx).filter(group_name=name)).first()
    if group is None or group.state == "deleting":
        raise PlacementGroup.not_found(name)
    if members(group).exists():
        raise errors.InvalidPlacementGroupInUse(
            f"The placement group '{name}' is in use and may not be deleted."
        )
    group.begin("deleting")
    ctx.touch(group)
    return {}


@authz.resources("ec2:CreatePlacementGroup")
@authz.resources("ec2:DeletePlacementGroup")
def _targets(ctx: CallContext, action: str, params: dict) -> list[authz.Target]:
    """Both act on the group's ARN, which names it by name."""
    name = params.get("GroupName") or "*"
    arn = f"arn:aws:ec2:{ctx.region}:{ctx.account.id}:placement-group/{name}"
    row = PlacementGroup.objects.visible_to(ctx).filter(group_name=name).first()
    return [authz.Target(arn, row.tags if row is not None else {})]
