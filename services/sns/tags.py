"""TagResource, UntagResource, ListTagsForResource on topics."""

from __future__ import annotations

import re

from services.core import locks
from services.core.context import CallContext
from services.core.operations import operation
from services.sns import errors
from services.sns.models import Topic

MAX_TAGS = 50
_KEY = re.compile(r"^[\w\s+=.:/@-]*$", re.UNICODE)


def check_tags(tags: list[dict]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in tags or []:
        key, value = tag.get("Key", ""), tag.get("Value", "")
        if not key or len(key) > 128 or not _KEY.match(key) or key.lower().startswith("aws:"):
            raise errors.invalid("Tags Reason: Invalid tag key")
        if len(value) > 256 or not _KEY.match(value):
            raise errors.invalid("Tags Reason: Invalid tag value")
        out[key] = value
    return out


def _topic(ctx: CallContext, arn: str, *, for_update: bool = False) -> Topic:
    qs = Topic.objects.filter(resource_id=arn, account_id=ctx.account.id, region=ctx.region)
    found = (locks.rows(qs) if for_update else qs).first()
    if found is None:
        raise errors.ResourceNotFound("Resource does not exist")
    return found


@operation("sns", "TagResource")
def tag_resource(ctx: CallContext, params: dict) -> dict:
    topic = _topic(ctx, params.get("ResourceArn", ""), for_update=True)
    tags = {**topic.tags, **check_tags(params.get("Tags") or [])}
    if len(tags) > MAX_TAGS:
        raise errors.TagLimitExceeded(
            "Could not complete request: tag quota of per resource exceeded"
        )
    topic.tags = tags
    topic.save(update_fields=["tags"])
    ctx.touch(topic)
    return {}


@operation("sns", "UntagResource")
def untag_resource(ctx: CallContext, params: dict) -> dict:
    topic = _topic(ctx, params.get("ResourceArn", ""), for_update=True)
    for key in params.get("TagKeys") or []:
        topic.tags.pop(key, None)
    topic.save(update_fields=["tags"])
    ctx.touch(topic)
    return {}


@operation("sns", "ListTagsForResource")
def list_tags_for_resource(ctx: CallContext, params: dict) -> dict:
    topic = _topic(ctx, params.get("ResourceArn", ""))
    return {"Tags": topic.tag_list()}
