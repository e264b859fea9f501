"""What SNS calls act on, for IAM: the topic ARN they name (a subscription's calls act
on no resource, as in the Service Authorization Reference), a new topic's ARN for
CreateTopic, "*" for the List calls."""

from __future__ import annotations

from services.core import authz
from services.core.authz import Target
from services.core.context import CallContext
from services.sns.models import Topic

_ON_NOTHING = {
    "ListTopics", "ListSubscriptions", "GetSubscriptionAttributes",
    "SetSubscriptionAttributes", "Unsubscribe",
}  # fmt: skip


def _topic(arn: str) -> Target:
    row = Topic.objects.filter(resource_id=arn).first() if isinstance(arn, str) else None
    return Target(arn, row.tags if row is not None else {})


@authz.resources("sns:*")
def sns_targets(ctx: CallContext, action: str, params: dict) -> list[Target]:
    if action in _ON_NOTHING:
        return [Target("*")]
    if action == "CreateTopic" and isinstance(params.get("Name"), str):
        return [Target(f"arn:aws:sns:{ctx.region}:{ctx.account.id}:{params['Name']}")]
    for key in ("TopicArn", "ResourceArn", "TargetArn"):
        if isinstance(params.get(key), str) and params[key]:
            return [_topic(params[key])]
    return [Target("*")]
