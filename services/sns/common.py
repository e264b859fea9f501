"""Lookups every SNS operation shares: topics and subscriptions by ARN, paging."""

from __future__ import annotations

import re

from services.core import describe, locks
from services.core.context import CallContext
from services.sns import errors
from services.sns.models import TOPIC_ARN, Subscription, Topic

PAGE = 100  # ListTopics and ListSubscriptions* answer 100 at a time
_TOPIC = re.compile("^" + TOPIC_ARN + "$")
_SUBSCRIPTION = re.compile("^" + TOPIC_ARN + ":[0-9a-f-]{36}$")


def topic(
    ctx: CallContext, arn: str, *, for_update: bool = False, param: str = "TopicArn"
) -> Topic:
    """The topic `arn` names. Another account's topic is found too: the topic policy
    (services/sns/policies.py) has already decided whether the caller may use it."""
    if not isinstance(arn, str) or not _TOPIC.match(arn):
        raise errors.invalid(param)
    if arn.split(":")[3] != ctx.region:
        raise errors.invalid(param)
    qs = Topic.objects.filter(resource_id=arn)
    found = (locks.rows(qs) if for_update else qs).first()
    if found is None:
        raise Topic.not_found(arn)
    return found


def subscription(ctx: CallContext, arn: str, *, for_update: bool = False) -> Subscription:
    if not isinstance(arn, str) or not _SUBSCRIPTION.match(arn):
        raise errors.invalid("SubscriptionArn")
    qs = Subscription.objects.filter(resource_id=arn).select_related("topic")
    found = (locks.rows(qs) if for_update else qs).first()
    if found is None or ctx.account.id not in (found.account_id, found.owner):
        raise Subscription.not_found(arn)
    return found


def page(qs, params: dict, render) -> tuple[list, str | None]:
    """One page of `qs` and the NextToken of the next, if any."""
    token = params.get("NextToken")
    start = 0
    if token:
        start = describe.read_token(token, "sns", errors.invalid("NextToken"))
    rows = list(qs[start : start + PAGE + 1])
    more = len(rows) > PAGE
    items = [render(r) for r in rows[:PAGE]]
    return items, (describe.make_token("sns", start + PAGE) if more else None)
