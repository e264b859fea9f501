"""Topics: CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes,
AddPermission, RemovePermission.

A topic is named in its account and region; CreateTopic of an existing name answers
that topic (SNS's CreateTopic is idempotent) unless the attributes differ. A FIFO
topic's name ends in `.fifo` and it is made with FifoTopic=true; that never changes.
"""

from __future__ import annotations

import re

from services.core import constraints, locks
from services.core.context import CallContext
from services.core.operations import operation
from services.sns import attributes, common, errors, policies
from services.sns.models import Topic
from services.sns.tags import MAX_TAGS, check_tags

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
FIFO_NAME_RULE = (
    "Fifo Topic names must end with .fifo and must be made up of only uppercase and "
    "lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 "
    "and 256 characters long."
)


def _check_name(name: str, fifo: bool) -> None:
    if fifo:
        if not name.endswith(".fifo") or not _NAME.match(name[:-5]) or len(name) > 256:
            raise errors.invalid(FIFO_NAME_RULE)
    elif not _NAME.match(name):
        raise errors.invalid("Topic Name")


def _same(topic: Topic, stored: dict[str, str], fifo: bool) -> bool:
    if topic.fifo != fifo:
        return False
    return all(topic.attributes.get(k, "") == v for k, v in stored.items())


constraints.on_violation(
    Topic,
    "sns_topic_name_unique",
    lambda v: errors.invalid("Topic already exists with different attributes"),
)


# Two CreateTopic calls of one new name at once: the second finds the row made under it.
constraints.on_violation(
    Topic,
    "resource_id",
    lambda v: errors.ConcurrentAccess(
        "Can't perform multiple operations on a topic simultaneously. Perform the "
        "operations sequentially."
    ),
)


@operation("sns", "CreateTopic")
def create_topic(ctx: CallContext, params: dict) -> dict:
    name = params.get("Name") or ""
    given = dict(params.get("Attributes") or {})
    fifo_text = given.pop("FifoTopic", "false")
    if fifo_text.lower() not in ("true", "false"):
        raise errors.invalid("Attributes Reason: FifoTopic: Invalid value. Must be true or false.")
    fifo = fifo_text.lower() == "true"
    _check_name(name, fifo)
    stored = {k: attributes.check_topic_attribute(name, fifo, k, v) for k, v in given.items()}
    tags = check_tags(params.get("Tags") or [])
    if len(tags) > MAX_TAGS:
        raise errors.TagLimitExceeded(
            "Could not complete request: tag quota of per resource exceeded"
        )
    arn = f"arn:aws:sns:{ctx.region}:{ctx.account.id}:{name}"
    existing = Topic.objects.filter(resource_id=arn).first()
    if existing is not None:
        if not _same(existing, stored, fifo):
            raise errors.invalid(
                "Attributes Reason: Topic already exists with different attributes"
            )
        ctx.touch(existing)
        return {"TopicArn": arn}
    topic = Topic.objects.create(
        account=ctx.account,
        region=ctx.region,
        resource_id=arn,
        topic_name=name,
        fifo=fifo,
        attributes=stored,
        tags=tags,
    )
    ctx.touch(topic)
    return {"TopicArn": arn}


@operation("sns", "DeleteTopic")
def delete_topic(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"), for_update=True)
    ctx.touch(topic)
    locks.rows(topic.subscriptions.all()).count()  # the subscriptions go with it
    topic.delete()
    return {}


@operation("sns", "ListTopics")
def list_topics(ctx: CallContext, params: dict) -> dict:
    qs = Topic.objects.visible_to(ctx).order_by("topic_name", "pk")
    items, token = common.page(qs, params, lambda t: {"TopicArn": t.resource_id})
    out: dict = {"Topics": items}
    if token:
        out["NextToken"] = token
    return out


@operation("sns", "GetTopicAttributes")
def get_topic_attributes(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"))
    return {"Attributes": attributes.topic_attributes(topic)}


@operation("sns", "SetTopicAttributes")
def set_topic_attributes(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"), for_update=True)
    name = params.get("AttributeName") or ""
    value = params.get("AttributeValue") or ""
    if name == "FifoTopic":
        raise errors.invalid("AttributeName")
    value = attributes.check_topic_attribute(topic.topic_name, topic.fifo, name, value)
    if value == "" and name in topic.attributes:
        del topic.attributes[name]
    else:
        topic.attributes[name] = value
    topic.save(update_fields=["attributes"])
    ctx.touch(topic)
    return {}


@operation("sns", "AddPermission")
def add_permission(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"), for_update=True)
    actions = params.get("ActionName") or []
    accounts = params.get("AWSAccountId") or []
    if not actions:
        raise errors.invalid("ActionName")
    if not accounts:
        raise errors.invalid("AWSAccountId")
    for action in actions:
        if action not in policies.ACTIONS and action != "*":
            raise errors.invalid("Policy statement action out of service scope!")
    topic.attributes["Policy"] = policies.with_permission(
        topic, params.get("Label") or "", accounts, actions
    )
    topic.save(update_fields=["attributes"])
    ctx.touch(topic)
    return {}


@operation("sns", "RemovePermission")
def remove_permission(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"), for_update=True)
    policy = policies.without_permission(topic, params.get("Label") or "")
    if policy is not None:
        topic.attributes["Policy"] = policy
        topic.save(update_fields=["attributes"])
    ctx.touch(topic)
    return {}
