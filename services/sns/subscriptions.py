"""Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions,
ListSubscriptionsByTopic, Get/SetSubscriptionAttributes.

An SQS queue of the subscriber's own account and an SMS number are confirmed at once;
HTTP/S endpoints and email addresses (and a queue of another account) get a
SubscriptionConfirmation (posted by the worker, or put in the Outbox) and stay pending
until ConfirmSubscription is called with its token, through the API or by following
the SubscribeURL.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from urllib.parse import urlsplit

from django.db.models import Q

from services.core import locks, publisher
from services.core.context import CallContext
from services.core.operations import operation
from services.sns import attributes, common, errors, filtering
from services.sns.models import Subscription

PROTOCOLS = (
    "http",
    "https",
    "email",
    "email-json",
    "sms",
    "sqs",
    "application",
    "lambda",
    "firehose",
)
DELIVERED = ("http", "https", "email", "email-json", "sms", "sqs")
NEEDS_CONFIRMATION = ("http", "https", "email", "email-json")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{7,15}$")
_SQS_ARN = re.compile(r"^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def is_local(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def _check_endpoint(protocol: str, endpoint: str, fifo_topic: bool) -> None:
    if protocol not in PROTOCOLS:
        raise errors.invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    if fifo_topic and protocol not in ("sqs", "firehose"):
        raise errors.invalid(f"Invalid protocol type: {protocol}")
    if protocol not in DELIVERED:
        raise errors.invalid(
            f"Stratolab does not deliver to {protocol} endpoints yet; subscribe an SQS "
            "queue, an HTTP/S endpoint, an email address or a phone number."
        )
    if protocol == "sqs":
        if not _SQS_ARN.match(endpoint):
            raise errors.invalid("SQS endpoint ARN")
        if endpoint.endswith(".fifo") and not fifo_topic:
            raise errors.invalid(
                "Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"
            )
    elif protocol in ("http", "https"):
        if not endpoint.lower().startswith(f"{protocol}://") or not urlsplit(endpoint).hostname:
            raise errors.invalid("Endpoint must match the specified protocol")
        if not is_local(endpoint):
            raise errors.invalid(
                "Endpoint Reason: Stratolab delivers only to endpoints on this machine "
                "(localhost, 127.0.0.1 or a *.localhost name)"
            )
    elif protocol in ("email", "email-json"):
        if not _EMAIL.match(endpoint):
            raise errors.invalid("Email address")
    elif protocol == "sms" and not _PHONE.match(endpoint):
        raise errors.invalid("Invalid SMS endpoint")


def _checked_attributes(protocol: str, fifo: bool, given: dict) -> dict[str, str]:
    stored = {
        k: attributes.check_subscription_attribute(protocol, fifo, k, v) for k, v in given.items()
    }
    if stored.get("FilterPolicy"):
        scope = stored.get("FilterPolicyScope", "MessageAttributes")
        filtering.check(stored["FilterPolicy"], scope, subscribe=True)
    return stored


def _after_commit_confirmation(sub: Subscription) -> None:
    from services.sns import tasks

    pk = sub.pk
    publisher.send_on_commit(lambda: tasks.send_confirmation.delay(pk))


@operation("sns", "Subscribe")
def subscribe(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"), for_update=True)
    protocol = params.get("Protocol") or ""
    endpoint = params.get("Endpoint") or ""
    if not endpoint and protocol in PROTOCOLS:
        raise errors.invalid("Endpoint")
    _check_endpoint(protocol, endpoint, topic.fifo)
    stored = _checked_attributes(protocol, topic.fifo, dict(params.get("Attributes") or {}))
    existing = topic.subscriptions.filter(protocol=protocol, endpoint=endpoint).first()
    if existing is not None:
        if any(existing.attributes.get(k, "") != v for k, v in stored.items()):
            raise errors.invalid(
                "Attributes Reason: Subscription already exists with different attributes"
            )
        ctx.touch(existing)
        arn = (
            existing.resource_id
            if existing.confirmed or params.get("ReturnSubscriptionArn")
            else "pending confirmation"
        )
        return {"SubscriptionArn": arn}
    confirmed = protocol == "sms" or (
        protocol == "sqs" and endpoint.split(":")[4] == ctx.principal.account_id
    )
    sub = Subscription.objects.create(
        account_id=topic.account_id,
        region=topic.region,
        resource_id=f"{topic.resource_id}:{uuid.uuid4()}",
        topic=topic,
        protocol=protocol,
        endpoint=endpoint,
        owner=ctx.principal.account_id or ctx.account.id,
        confirmed=confirmed,
        token="" if confirmed else secrets.token_hex(64),
        attributes=stored,
    )
    ctx.touch(sub)
    if not confirmed:
        _after_commit_confirmation(sub)
    if confirmed or params.get("ReturnSubscriptionArn"):
        return {"SubscriptionArn": sub.resource_id}
    return {"SubscriptionArn": "pending confirmation"}


@operation("sns", "ConfirmSubscription")
def confirm_subscription(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"))
    token = params.get("Token") or ""
    qs = (
        Subscription.objects.filter(topic=topic, token=token)
        if token
        else Subscription.objects.none()
    )
    sub = locks.rows(qs).first()
    if sub is None:
        raise errors.invalid("Invalid token")
    if not sub.confirmed:
        sub.confirmed = True
        sub.authenticated_unsubscribe = (
            params.get("AuthenticateOnUnsubscribe") or ""
        ).lower() == "true"
        sub.save(update_fields=["confirmed", "authenticated_unsubscribe"])
    ctx.touch(sub)
    return {"SubscriptionArn": sub.resource_id}


def unsubscribe_row(sub: Subscription) -> None:
    topic = sub.topic
    sub.delete()
    type(topic).objects.filter(pk=topic.pk).update(
        subscriptions_deleted=topic.subscriptions_deleted + 1
    )


@operation("sns", "Unsubscribe")
def unsubscribe(ctx: CallContext, params: dict) -> dict:
    sub = common.subscription(ctx, params.get("SubscriptionArn"), for_update=True)
    if (
        sub.authenticated_unsubscribe
        and ctx.door == "system"
        and ctx.user_agent == "unsubscribe-url"
    ):
        raise errors.AuthorizationError("Unsubscribe requires authentication for this subscription")
    ctx.touch(sub)
    unsubscribe_row(sub)
    return {}


def _listed(sub: Subscription) -> dict:
    return sub.describe()


def _mine(ctx: CallContext):
    return Subscription.objects.filter(
        Q(account_id=ctx.account.id) | Q(owner=ctx.account.id), region=ctx.region
    ).select_related("topic")


@operation("sns", "ListSubscriptions")
def list_subscriptions(ctx: CallContext, params: dict) -> dict:
    items, token = common.page(_mine(ctx).order_by("created_at", "pk"), params, _listed)
    out: dict = {"Subscriptions": items}
    if token:
        out["NextToken"] = token
    return out


@operation("sns", "ListSubscriptionsByTopic")
def list_subscriptions_by_topic(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"))
    qs = topic.subscriptions.select_related("topic").order_by("created_at", "pk")
    items, token = common.page(qs, params, _listed)
    out: dict = {"Subscriptions": items}
    if token:
        out["NextToken"] = token
    return out


@operation("sns", "GetSubscriptionAttributes")
def get_subscription_attributes(ctx: CallContext, params: dict) -> dict:
    sub = common.subscription(ctx, params.get("SubscriptionArn"))
    return {"Attributes": attributes.subscription_attributes(sub)}


@operation("sns", "SetSubscriptionAttributes")
def set_subscription_attributes(ctx: CallContext, params: dict) -> dict:
    sub = common.subscription(ctx, params.get("SubscriptionArn"), for_update=True)
    name = params.get("AttributeName") or ""
    value = params.get("AttributeValue") or ""
    value = attributes.check_subscription_attribute(sub.protocol, sub.topic.fifo, name, value)
    if name == "FilterPolicy" and value:
        filtering.check(value, sub.attributes.get("FilterPolicyScope", "MessageAttributes"))
    if name == "FilterPolicyScope" and sub.attributes.get("FilterPolicy"):
        filtering.check(sub.attributes["FilterPolicy"], value)
    if value == "":
        sub.attributes.pop(name, None)
        if name == "FilterPolicy":
            sub.attributes.pop("FilterPolicyScope", None)
    else:
        sub.attributes[name] = value
    sub.save(update_fields=["attributes"])
    ctx.touch(sub)
    return {}


def confirmation_message(sub: Subscription) -> dict:
    """The SubscriptionConfirmation document (unsigned) for `sub`."""
    from services.sns import signing

    topic = sub.topic
    url = signing.subscribe_url(topic.region, topic.resource_id, sub.token)
    return {
        "Type": "SubscriptionConfirmation",
        "MessageId": str(uuid.uuid4()),
        "Token": sub.token,
        "TopicArn": topic.resource_id,
        "Message": (
            f"You have chosen to subscribe to the topic {topic.resource_id}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        ),
        "SubscribeURL": url,
    }


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))
