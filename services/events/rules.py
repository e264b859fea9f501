"""Rules: PutRule (create or update), Describe/List, Enable/Disable, DeleteRule."""

from __future__ import annotations

from django.utils import timezone

from services.core import constraints, locks, lookups, patterns
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.events import errors, paging, schedules, tagging
from services.events.buses import get_bus
from services.events.models import DEFAULT_BUS, MAX_RULES_PER_BUS, Rule


def not_found(name: str, bus: str) -> AwsError:
    return errors.ResourceNotFoundException(f"Rule {name} does not exist on EventBus {bus}.")


def get_rule(
    ctx: CallContext, name: str, bus: str | None = None, *, for_update: bool = False
) -> Rule:
    """The caller's rule `name` on the bus named by `bus` (a name or ARN; the default
    bus when None), or ResourceNotFoundException in AWS's words."""
    found = get_bus(ctx, bus)
    qs = Rule.objects.visible_to(ctx).filter(bus=found, resource_id=name).select_related("bus")
    rule = lookups.visible(ctx, Rule, for_update=for_update, qs=qs).first()
    if rule is None:
        raise not_found(name, found.resource_id)
    return rule


def validate_pattern(text: str) -> str:
    """The pattern text as given when AWS accepts it, else InvalidEventPatternException."""
    try:
        patterns.validate_event_pattern(text)
    except patterns.PatternError as error:
        raise errors.InvalidEventPatternException(error.message) from None
    return text


constraints.on_violation(
    Rule,
    "events_rule_name_unique",
    lambda v: errors.ConcurrentModificationException(
        f"Rule {v.params.get('Name', '')} was modified concurrently; try again."
    ),
)


@operation("events", "PutRule")
def put_rule(ctx: CallContext, params: dict) -> dict:
    name = params["Name"]
    bus = get_bus(ctx, params.get("EventBusName"), for_update=True)
    pattern = params.get("EventPattern")
    schedule = params.get("ScheduleExpression")
    if not pattern and not schedule:
        raise errors.ValidationException(
            "Parameter(s) EventPattern or ScheduleExpression must be specified."
        )
    if schedule:
        if not bus.is_default:
            raise errors.ValidationException(
                "ScheduleExpression is supported only on the default event bus."
            )
        schedules.validate(schedule)
    if pattern:
        validate_pattern(pattern)
    rule = locks.rows(Rule.objects.filter(bus=bus, resource_id=name)).first()
    if rule is None:
        if Rule.objects.filter(bus=bus).count() >= MAX_RULES_PER_BUS:
            raise errors.LimitExceededException(
                "The requested resource exceeds the maximum number allowed."
            )
        rule = Rule(
            account=ctx.account,
            region=ctx.region,
            bus=bus,
            resource_id=name,
            tags=tagging.tags_from(params.get("Tags")),
        )
    rule.event_pattern = pattern or ""
    rule.schedule_expression = schedule or ""
    rule.state = params.get("State") or "ENABLED"
    # An update replaces the rule's settings: what the call leaves out is not kept (the
    # API reference's PutRule); tags are set only when the rule is made.
    rule.description = params.get("Description", "")
    rule.role_arn = params.get("RoleArn", "")
    _reschedule(rule)
    rule.save()
    ctx.touch(rule)
    return {"RuleArn": rule.arn}


def _reschedule(rule: Rule) -> None:
    """Set when a scheduled, enabled rule fires next (the beat task fires due rules)."""
    if rule.schedule_expression and rule.enabled:
        rule.next_fire_at = schedules.next_fire(rule.schedule_expression, timezone.now())
    else:
        rule.next_fire_at = None


@operation("events", "DescribeRule")
def describe_rule(ctx: CallContext, params: dict) -> dict:
    return get_rule(ctx, params["Name"], params.get("EventBusName")).describe(full=True)


@operation("events", "ListRules")
def list_rules(ctx: CallContext, params: dict) -> dict:
    bus = get_bus(ctx, params.get("EventBusName"))
    qs = Rule.objects.filter(bus=bus).select_related("bus")
    if params.get("NamePrefix"):
        qs = qs.filter(resource_id__startswith=params["NamePrefix"])
    rows, token = paging.page(qs.order_by("resource_id"), params)
    result: dict = {"Rules": [r.describe() for r in rows]}
    if token:
        result["NextToken"] = token
    return result


def _set_state(ctx: CallContext, params: dict, state: str) -> dict:
    rule = get_rule(ctx, params["Name"], params.get("EventBusName"), for_update=True)
    rule.state = state
    _reschedule(rule)
    rule.save(update_fields=["state", "next_fire_at"])
    ctx.touch(rule)
    return {}


@operation("events", "EnableRule")
def enable_rule(ctx: CallContext, params: dict) -> dict:
    return _set_state(ctx, params, "ENABLED")


@operation("events", "DisableRule")
def disable_rule(ctx: CallContext, params: dict) -> dict:
    return _set_state(ctx, params, "DISABLED")


@operation("events", "DeleteRule")
def delete_rule(ctx: CallContext, params: dict) -> dict:
    bus = get_bus(ctx, params.get("EventBusName"))
    qs = Rule.objects.filter(bus=bus, resource_id=params["Name"])
    rule = lookups.visible(ctx, Rule, for_update=True, qs=qs).first()
    if rule is None:
        return {}  # deleting a rule that is not there succeeds, as on AWS
    if rule.targets.exists():
        raise errors.ValidationException("Rule can't be deleted since it has targets.")
    ctx.touch(rule)
    rule.delete()
    return {}


def rules_on_default_bus_enabled(account_id: str, region: str) -> bool:
    """Whether the account has an enabled rule with a pattern on its default bus in
    `region` (when it has none, the cloud's own events need not be sent anywhere)."""
    return (
        Rule.objects.filter(account_id=account_id, region=region, bus__resource_id=DEFAULT_BUS)
        .exclude(state="DISABLED")
        .exclude(event_pattern="")
        .exists()
    )
