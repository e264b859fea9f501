"""Tags of buses and rules: TagResource, UntagResource, ListTagsForResource by ARN."""

from __future__ import annotations

from services.core import describe
from services.core.context import CallContext
from services.core.operations import operation
from services.events import errors
from services.events.models import EventBus, Rule

MAX_TAGS = 50


def tags_from(tags: list[dict] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in tags or []:
        describe.validate_tag(tag.get("Key", ""), tag.get("Value", ""))
        out[tag["Key"]] = tag.get("Value", "")
    if len(out) > MAX_TAGS:
        raise errors.ValidationException("The number of tags exceeds the limit of 50.")
    return out


def resource_for_arn(ctx: CallContext, arn: str, *, for_update: bool = False) -> EventBus | Rule:
    """The caller's bus or rule with this ARN, or ResourceNotFoundException."""
    from services.events import buses, rules

    prefix = f"arn:aws:events:{ctx.region}:{ctx.account.id}:"
    if arn.startswith(prefix + "event-bus/"):
        return buses.get_bus(ctx, arn[len(prefix) + len("event-bus/") :], for_update=for_update)
    if arn.startswith(prefix + "rule/"):
        path = arn[len(prefix) + len("rule/") :]
        bus, _, name = path.rpartition("/")
        return rules.get_rule(ctx, name, bus or None, for_update=for_update)
    raise errors.ResourceNotFoundException(f"Resource {arn} does not exist.")


@operation("events", "TagResource")
def tag_resource(ctx: CallContext, params: dict) -> dict:
    row = resource_for_arn(ctx, params["ResourceARN"], for_update=True)
    row.tags = {**row.tags, **tags_from(params.get("Tags"))}
    if len(row.tags) > MAX_TAGS:
        raise errors.ValidationException("The number of tags exceeds the limit of 50.")
    row.save(update_fields=["tags"])
    ctx.touch(row)
    return {}


@operation("events", "UntagResource")
def untag_resource(ctx: CallContext, params: dict) -> dict:
    row = resource_for_arn(ctx, params["ResourceARN"], for_update=True)
    for key in params.get("TagKeys") or []:
        row.tags.pop(key, None)
    row.save(update_fields=["tags"])
    ctx.touch(row)
    return {}


@operation("events", "ListTagsForResource")
def list_tags_for_resource(ctx: CallContext, params: dict) -> dict:
    row = resource_for_arn(ctx, params["ResourceARN"])
    return {"Tags": row.tag_list()}
