"""Topic and subscription attributes: what may be set, how each is checked, and what
Get*Attributes answers (stored values plus the computed ones: Owner, counts, the
effective delivery policy)."""

from __future__ import annotations

import json

from services.sns import errors
from services.sns.models import Subscription, Topic

# SNS's own default delivery policy for HTTP/S endpoints (EffectiveDeliveryPolicy).
DEFAULT_HTTP_POLICY = {
    "minDelayTarget": 20,
    "maxDelayTarget": 20,
    "numRetries": 3,
    "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0,
    "numMinDelayRetries": 0,
    "backoffFunction": "linear",
}
DEFAULT_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": DEFAULT_HTTP_POLICY,
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}
BACKOFF_FUNCTIONS = ("linear", "arithmetic", "geometric", "exponential")

_FEEDBACK = tuple(
    f"{protocol}{kind}"
    for protocol in ("HTTP", "Firehose", "Lambda", "SQS", "Application")
    for kind in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")
)
TOPIC_SETTABLE = (
    "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId",
    "SignatureVersion", "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope",
    "DataProtectionPolicy", *_FEEDBACK,
)  # fmt: skip
FIFO_ONLY = ("ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope")
SUBSCRIPTION_SETTABLE = (
    "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
    "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy",
)  # fmt: skip
RAW_PROTOCOLS = ("sqs", "http", "https", "firehose")
FILTER_SCOPES = ("MessageAttributes", "MessageBody")


def default_policy(topic_arn: str, account_id: str) -> str:
    """The access policy SNS gives a new topic: the owner's account may do everything
    (AWS:SourceOwner), nobody else anything."""
    return json.dumps(
        {
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "SNS:GetTopicAttributes",
                        "SNS:SetTopicAttributes",
                        "SNS:AddPermission",
                        "SNS:RemovePermission",
                        "SNS:DeleteTopic",
                        "SNS:Subscribe",
                        "SNS:ListSubscriptionsByTopic",
                        "SNS:Publish",
                    ],  # fmt: skip
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}},
                }
            ],
        },
        separators=(",", ":"),
    )


def _bool(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise errors.invalid(f"{name}: Invalid value [{value}]. Must be true or false.")
    return value.lower()


def _json(name: str, value: str) -> dict:
    try:
        data = json.loads(value)
    except ValueError:
        raise errors.invalid(f"{name}: failed to parse JSON.") from None
    if not isinstance(data, dict):
        raise errors.invalid(f"{name}: failed to parse JSON.")
    return data


def _retry_policy(name: str, policy: object) -> None:
    if not isinstance(policy, dict):
        raise errors.invalid(f"{name}: healthyRetryPolicy must be an object.")
    for key in ("minDelayTarget", "maxDelayTarget", "numRetries"):
        value = policy.get(key, DEFAULT_HTTP_POLICY[key])
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise errors.invalid(f"{name}: {key} must be a non-negative integer.")
    if policy.get("numRetries", 3) > 100:
        raise errors.invalid(f"{name}: numRetries must be between 0 and 100.")
    if policy.get("minDelayTarget", 20) > policy.get("maxDelayTarget", 20):
        raise errors.invalid(f"{name}: minDelayTarget must be less than maxDelayTarget.")
    backoff = policy.get("backoffFunction", "linear")
    if backoff not in BACKOFF_FUNCTIONS:
        raise errors.invalid(f"{name}: backoffFunction must be one of {list(BACKOFF_FUNCTIONS)}.")


def check_delivery_policy(name: str, value: str, *, topic: bool) -> None:
    data = _json(name, value)
    if topic:
        http = data.get("http", {})
        if not isinstance(http, dict):
            raise errors.invalid(f"{name}: http must be an object.")
        if "defaultHealthyRetryPolicy" in http:
            _retry_policy(name, http["defaultHealthyRetryPolicy"])
    elif "healthyRetryPolicy" in data:
        _retry_policy(name, data["healthyRetryPolicy"])


def check_topic_attribute(topic_name: str, fifo: bool, name: str, value: str) -> str:
    """The value to store for topic attribute `name`, or SNS's InvalidParameter."""
    if name not in TOPIC_SETTABLE:
        raise errors.invalid("AttributeName")
    if name in FIFO_ONLY and not fifo:
        raise errors.invalid(f"{name} Reason: {name} can only be set for FIFO topics")
    if name == "SignatureVersion" and value not in ("1", "2"):
        raise errors.invalid(f"SignatureVersion: Invalid value [{value}]. Valid values: 1, 2")
    if name == "TracingConfig" and value not in ("PassThrough", "Active"):
        raise errors.invalid(
            f"TracingConfig: Invalid value [{value}]. Valid values: PassThrough, Active"
        )
    if name == "ContentBasedDeduplication":
        return _bool(name, value)
    if name == "FifoThroughputScope" and value not in ("Topic", "MessageGroup"):
        raise errors.invalid(
            f"FifoThroughputScope: Invalid value [{value}]. Valid values: Topic, MessageGroup"
        )
    if name == "DeliveryPolicy" and value:
        check_delivery_policy(name, value, topic=True)
    if name == "DisplayName" and len(value) > 100:
        raise errors.invalid("DisplayName: must be at most 100 characters")
    if name == "Policy":
        from services.sns import policies

        policies.check(value)
    return value


def topic_attributes(topic: Topic) -> dict[str, str]:
    """GetTopicAttributes' answer."""
    subs = list(topic.subscriptions.values_list("confirmed", flat=True))
    stored = dict(topic.attributes)
    out = {
        "Policy": stored.pop("Policy", "") or default_policy(topic.arn, topic.account_id),
        "Owner": topic.account_id,
        "SubscriptionsPending": str(sum(1 for c in subs if not c)),
        "TopicArn": topic.arn,
        "EffectiveDeliveryPolicy": json.dumps(effective_topic_policy(topic), separators=(",", ":")),
        "SubscriptionsConfirmed": str(sum(1 for c in subs if c)),
        "DisplayName": stored.pop("DisplayName", ""),
        "SubscriptionsDeleted": str(topic.subscriptions_deleted),
    }
    if topic.fifo:
        out["FifoTopic"] = "true"
        out["ContentBasedDeduplication"] = stored.pop("ContentBasedDeduplication", "false")
    out.update({k: v for k, v in stored.items() if v != ""})
    return out


def effective_topic_policy(topic: Topic) -> dict:
    raw = topic.attributes.get("DeliveryPolicy")
    if not raw:
        return DEFAULT_DELIVERY_POLICY
    data = json.loads(raw)
    http = dict(DEFAULT_DELIVERY_POLICY["http"])
    http.update(data.get("http") or {})
    return {**data, "http": http}


def retry_policy(subscription: Subscription) -> dict:
    """The HTTP/S retry policy that applies to `subscription`: its own, unless the topic
    disables overrides, else the topic's default."""
    topic_http = effective_topic_policy(subscription.topic)["http"]
    policy = dict(DEFAULT_HTTP_POLICY)
    policy.update(topic_http.get("defaultHealthyRetryPolicy") or {})
    own = subscription.attributes.get("DeliveryPolicy")
    if own and not topic_http.get("disableSubscriptionOverrides"):
        policy.update(json.loads(own).get("healthyRetryPolicy") or {})
    return policy


def check_subscription_attribute(protocol: str, fifo_topic: bool, name: str, value: str) -> str:
    if name not in SUBSCRIPTION_SETTABLE:
        raise errors.invalid("AttributeName")
    if name == "RawMessageDelivery":
        value = _bool(name, value)
        if protocol not in RAW_PROTOCOLS:
            raise errors.invalid(
                f"Attributes Reason: Delivery protocol [{protocol}] does not support raw "
                "message delivery."
            )
    if name == "FilterPolicyScope" and value not in FILTER_SCOPES:
        raise errors.invalid(
            f"FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or "
            "MessageAttributes"
        )
    if name == "DeliveryPolicy" and value:
        if protocol not in ("http", "https"):
            raise errors.invalid(
                f"DeliveryPolicy: Delivery protocol [{protocol}] does not support delivery policies"
            )
        check_delivery_policy(name, value, topic=False)
    if name == "RedrivePolicy" and value:
        data = _json(name, value)
        target = data.get("deadLetterTargetArn")
        parts = target.split(":") if isinstance(target, str) else []
        if len(parts) != 6 or parts[:3] != ["arn", "aws", "sqs"] or not parts[5]:
            raise errors.invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
        if fifo_topic != parts[5].endswith(".fifo"):
            raise errors.invalid(
                "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO topic subscription"
                if fifo_topic
                else "RedrivePolicy: must use a standard queue as DLQ for a standard topic "
                "subscription"
            )
    return value


def subscription_attributes(sub: Subscription) -> dict[str, str]:
    out = {
        "ConfirmationWasAuthenticated": "true" if sub.authenticated_unsubscribe else "false",
        "Owner": sub.owner,
        "PendingConfirmation": "false" if sub.confirmed else "true",
        "Protocol": sub.protocol,
        "Endpoint": sub.endpoint,
        "SubscriptionArn": sub.resource_id,
        "TopicArn": sub.topic.resource_id,
        "SubscriptionPrincipal": f"arn:aws:iam::{sub.owner}:root",
    }
    if sub.protocol in RAW_PROTOCOLS:
        out["RawMessageDelivery"] = sub.attributes.get("RawMessageDelivery", "false")
    if sub.protocol in ("http", "https"):
        policy = {"healthyRetryPolicy": retry_policy(sub)}
        out["EffectiveDeliveryPolicy"] = json.dumps(policy, separators=(",", ":"))
    for name, value in sub.attributes.items():
        if value != "":
            out[name] = value
    if sub.attributes.get("FilterPolicy"):
        out.setdefault("FilterPolicyScope", "MessageAttributes")
    return out
