"""What each EventBridge call acts on, for IAM: the bus or rule ARNs it names (AWS's
service authorization reference), with the row's tags for `aws:ResourceTag` conditions."""

from __future__ import annotations

from services.core import authz
from services.core.authz import Target
from services.core.context import CallContext
from services.events.buses import bus_name
from services.events.models import DEFAULT_BUS, EventBus, Rule

_BUS_ACTIONS = {"CreateEventBus", "DeleteEventBus", "DescribeEventBus", "UpdateEventBus"}
_RULE_ACTIONS = {
    "PutRule", "DeleteRule", "DescribeRule", "EnableRule", "DisableRule", "PutTargets",
    "RemoveTargets", "ListTargetsByRule",
}  # fmt: skip


def _prefix(ctx: CallContext) -> str:
    return f"arn:aws:events:{ctx.region}:{ctx.account.id}:"


def _bus_target(ctx: CallContext, value: str | None) -> Target:
    name = bus_name(value)
    row = EventBus.objects.visible_to(ctx).filter(resource_id=name).first()
    return Target(f"{_prefix(ctx)}event-bus/{name}", row.tags if row else {})


def _rule_target(ctx: CallContext, name: str, bus: str | None) -> Target:
    bus = bus_name(bus)
    path = name if bus == DEFAULT_BUS else f"{bus}/{name}"
    row = Rule.objects.visible_to(ctx).filter(bus__resource_id=bus, resource_id=name).first()
    return Target(f"{_prefix(ctx)}rule/{path}", row.tags if row else {})


@authz.resources("events:*")
def targets(ctx: CallContext, action: str, params: dict) -> list[Target]:
    if action in _BUS_ACTIONS:
        return [_bus_target(ctx, params.get("Name"))]
    if action in _RULE_ACTIONS:
        name = params.get("Name") or params.get("Rule") or ""
        return [_rule_target(ctx, name, params.get("EventBusName"))]
    if action == "PutEvents":
        names = dict.fromkeys(e.get("EventBusName") for e in params.get("Entries") or [])
        return [_bus_target(ctx, n) for n in names]
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [Target(params.get("ResourceARN") or "*")]
    return [Target("*")]
