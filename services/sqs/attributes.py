"""Queue attributes: what CreateQueue and SetQueueAttributes accept (names, ranges,
policies) and what GetQueueAttributes answers."""

from __future__ import annotations

import json

from django.db.models import Count, Q
from django.utils import timezone

from services.core import shapes
from services.core.errors import AwsError
from services.iam.policy_language import parse_policy
from services.sqs import errors, names
from services.sqs.models import (
    MAX_DELAY,
    MAX_MESSAGE_SIZE,
    MAX_RETENTION,
    MAX_VISIBILITY,
    MAX_WAIT,
    MIN_MESSAGE_SIZE,
    MIN_RETENTION,
    Message,
    Queue,
)

# attribute -> (model field, low, high)
_INTEGERS = {
    "DelaySeconds": ("delay", 0, MAX_DELAY),
    "MaximumMessageSize": ("max_size", MIN_MESSAGE_SIZE, MAX_MESSAGE_SIZE),
    "MessageRetentionPeriod": ("retention", MIN_RETENTION, MAX_RETENTION),
    "ReceiveMessageWaitTimeSeconds": ("receive_wait", 0, MAX_WAIT),
    "VisibilityTimeout": ("visibility_timeout", 0, MAX_VISIBILITY),
    "KmsDataKeyReusePeriodSeconds": ("kms_reuse", 60, 86400),
}
_READ_ONLY = {
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    "QueueArn",
}  # fmt: skip
_FIFO_ONLY = {"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
SETTABLE = set(_INTEGERS) | {
    "Policy", "RedrivePolicy", "RedriveAllowPolicy", "FifoQueue", "KmsMasterKeyId",
    "SqsManagedSseEnabled",
} | _FIFO_ONLY  # fmt: skip


def all_names() -> list[str]:
    return [n for n in shapes.enum_values("sqs", "QueueAttributeName") if n != "All"]


def _bad(name: str) -> AwsError:
    return errors.InvalidAttributeValue(f"Invalid value for the parameter {name}.")


def _boolean(name: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise _bad(name)
    return value.lower() == "true"


def _redrive(queue: Queue, value: str, fifo: bool) -> str:
    if value == "":
        return ""
    try:
        policy = json.loads(value)
    except ValueError:
        raise errors.invalid_value(
            "RedrivePolicy", value, "Redrive policy is not a valid JSON map."
        ) from None
    if not isinstance(policy, dict):
        raise errors.invalid_value(
            "RedrivePolicy", value, "Redrive policy is not a valid JSON map."
        )
    target, count = policy.get("deadLetterTargetArn"), policy.get("maxReceiveCount")
    if target is None or count is None:
        raise errors.invalid_value(
            "RedrivePolicy", value,
            "Redrive policy does not contain mandatory attribute: "
            + ("deadLetterTargetArn." if target is None else "maxReceiveCount."),
        )  # fmt: skip
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 1000:
        raise errors.invalid_value(
            "RedrivePolicy", value,
            f"Invalid value for maxReceiveCount: {policy.get('maxReceiveCount')}, valid values "
            "are from 1 to 1000 both inclusive.",
        )  # fmt: skip
    parsed = names.parse_arn(str(target))
    if parsed is None or parsed[0] != queue.region:
        raise errors.invalid_value("RedrivePolicy", value, "Invalid value for deadLetterTargetArn.")
    if parsed[1] != queue.account_id:
        raise errors.invalid_value(
            "RedrivePolicy", value, "Dead-letter target owner should be same as the source."
        )
    dlq = Queue.objects.filter(
        account_id=parsed[1], region=parsed[0], resource_id=parsed[2]
    ).first()
    if dlq is None:
        raise errors.invalid_value("RedrivePolicy", value, "Dead letter target does not exist.")
    if dlq.fifo != fifo:
        raise errors.invalid_value(
            "RedrivePolicy", value,
            "Dead-letter queue must be same type of queue as the source.",
        )  # fmt: skip
    if dlq.resource_id == queue.resource_id and dlq.pk == queue.pk:
        raise errors.invalid_value(
            "RedrivePolicy", value, "Dead-letter target cannot be the source queue."
        )
    return json.dumps(
        {"deadLetterTargetArn": target, "maxReceiveCount": count}, separators=(",", ":")
    )


def _redrive_allow(value: str) -> str:
    if value == "":
        return ""
    reason = ""
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        reason = "Redrive allow policy is not a valid JSON map."
    else:
        permission = policy.get("redrivePermission")
        sources = policy.get("sourceQueueArns")
        if permission not in ("allowAll", "denyAll", "byQueue"):
            reason = (
                "Invalid value for redrivePermission: must be one of allowAll, denyAll, byQueue."
            )
        elif permission == "byQueue" and (
            not isinstance(sources, list) or not 1 <= len(sources) <= 10
        ):
            reason = "sourceQueueArns must contain between 1 and 10 queue ARNs when redrivePermission is byQueue."  # noqa: E501
        elif permission != "byQueue" and sources:
            reason = "sourceQueueArns may only be set when redrivePermission is byQueue."
    if reason:
        raise errors.invalid_value("RedriveAllowPolicy", value, reason)
    return json.dumps(policy, separators=(",", ":"))


def _policy(value: str) -> str:
    if value == "":
        return ""
    try:
        parse_policy(value, "resource")
    except AwsError as error:
        raise errors.invalid_value("Policy", value, error.message) from None
    return value


def apply(queue: Queue, attributes: dict, *, creating: bool) -> None:
    """Check `attributes` and set them on `queue` (not saved). Raises the AWS error for
    the first bad one, before changing anything the caller could see."""
    for name in attributes:
        if name in _READ_ONLY or name not in SETTABLE:
            raise errors.InvalidAttributeName(f"Unknown Attribute {name}.")
    fifo = queue.fifo
    if "FifoQueue" in attributes:
        wanted = _boolean("FifoQueue", attributes["FifoQueue"])
        if not creating and wanted != queue.fifo:
            raise errors.InvalidAttributeName("Unknown Attribute FifoQueue.")
        fifo = wanted
    if creating:
        queue.fifo = fifo
        pattern = names.FIFO_NAME if fifo else names.NAME
        if not pattern.match(queue.resource_id):
            raise errors.InvalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, "
                "or underscores, must end with .fifo suffix and be 1 to 80 in length."
                if fifo or queue.resource_id.endswith(".fifo")
                else "Can only include alphanumeric characters, hyphens, or underscores. "
                "1 to 80 in length"
            )
    for name in _FIFO_ONLY:
        if name in attributes and not fifo:
            raise errors.InvalidAttributeName(f"Unknown Attribute {name}.")
    for name, (field, low, high) in _INTEGERS.items():
        if name not in attributes:
            continue
        text = attributes[name]
        try:
            number = int(text)
        except (TypeError, ValueError):
            raise _bad(name) from None
        if not low <= number <= high:
            raise _bad(name)
        setattr(queue, field, number)
    if "ContentBasedDeduplication" in attributes:
        queue.content_based_dedup = _boolean(
            "ContentBasedDeduplication", attributes["ContentBasedDeduplication"]
        )
    if "DeduplicationScope" in attributes:
        if attributes["DeduplicationScope"] not in ("messageGroup", "queue"):
            raise _bad("DeduplicationScope")
        queue.dedup_scope = attributes["DeduplicationScope"]
    if "FifoThroughputLimit" in attributes:
        if attributes["FifoThroughputLimit"] not in ("perQueue", "perMessageGroupId"):
            raise _bad("FifoThroughputLimit")
        queue.throughput_limit = attributes["FifoThroughputLimit"]
    if fifo and (queue.dedup_scope or queue.throughput_limit):
        if queue.throughput_limit == "perMessageGroupId" and queue.dedup_scope == "queue":
            raise errors.InvalidAttributeValue(
                "Invalid value for the parameter FifoThroughputLimit. Reason: "
                "perMessageGroupId is only available when DeduplicationScope is messageGroup."
            )
    if fifo and creating:
        queue.dedup_scope = queue.dedup_scope or "queue"
        queue.throughput_limit = queue.throughput_limit or "perQueue"
    if "KmsMasterKeyId" in attributes:
        queue.kms_key = attributes["KmsMasterKeyId"]
        if queue.kms_key:
            queue.sqs_sse = False
    if "SqsManagedSseEnabled" in attributes:
        enabled = _boolean("SqsManagedSseEnabled", attributes["SqsManagedSseEnabled"])
        if enabled and attributes.get("KmsMasterKeyId"):
            raise errors.InvalidAttributeValue(
                "You can use one type of server-side encryption (SSE) at one time. You can "
                "either enable KMS SSE or SQS SSE."
            )
        queue.sqs_sse = enabled
        if enabled:
            queue.kms_key = ""
    if "Policy" in attributes:
        queue.policy = _policy(attributes["Policy"])
    if "RedrivePolicy" in attributes:
        queue.redrive_policy = _redrive(queue, attributes["RedrivePolicy"], fifo)
    if "RedriveAllowPolicy" in attributes:
        queue.redrive_allow_policy = _redrive_allow(attributes["RedriveAllowPolicy"])


def settable_values(queue: Queue) -> dict[str, str]:
    """The attributes a CreateQueue of an existing name is compared on."""
    values = {name: str(getattr(queue, field)) for name, (field, _, _) in _INTEGERS.items()}
    values.update(
        Policy=queue.policy, RedrivePolicy=queue.redrive_policy,
        RedriveAllowPolicy=queue.redrive_allow_policy,
        FifoQueue=str(queue.fifo).lower(), KmsMasterKeyId=queue.kms_key,
        SqsManagedSseEnabled=str(queue.sqs_sse).lower(),
    )  # fmt: skip
    if queue.fifo:
        values.update(
            ContentBasedDeduplication=str(queue.content_based_dedup).lower(),
            DeduplicationScope=queue.dedup_scope, FifoThroughputLimit=queue.throughput_limit,
        )  # fmt: skip
    return values


def counts(queue_ids: list[int]) -> dict[int, dict[str, int]]:
    """ApproximateNumberOfMessages, ...NotVisible and ...Delayed per queue, in one query."""
    now = timezone.now()
    rows = (
        Message.objects.filter(queue_id__in=queue_ids)
        .values("queue_id")
        .annotate(
            visible=Count("pk", filter=Q(visible_at__lte=now)),
            inflight=Count("pk", filter=Q(visible_at__gt=now, receive_count__gt=0)),
            delayed=Count("pk", filter=Q(visible_at__gt=now, receive_count=0)),
        )
    )
    found = {q: {"visible": 0, "inflight": 0, "delayed": 0} for q in queue_ids}
    for row in rows:
        found[row["queue_id"]] = row
    return found


def _epoch(value) -> str:
    return str(int(value.timestamp()))


def describe(
    queue: Queue, wanted: list[str] | None = None, count: dict | None = None
) -> dict[str, str]:
    """GetQueueAttributes' answer for `wanted` (all when None or "All")."""
    want = set(all_names()) if wanted is None or "All" in wanted else set(wanted)
    if count is None and want & {"ApproximateNumberOfMessages",
                                 "ApproximateNumberOfMessagesNotVisible",
                                 "ApproximateNumberOfMessagesDelayed"}:  # fmt: skip
        count = counts([queue.pk])[queue.pk]
    count = count or {}
    values = {
        "QueueArn": queue.arn,
        "ApproximateNumberOfMessages": str(count.get("visible", 0)),
        "ApproximateNumberOfMessagesNotVisible": str(count.get("inflight", 0)),
        "ApproximateNumberOfMessagesDelayed": str(count.get("delayed", 0)),
        "CreatedTimestamp": _epoch(queue.created_at),
        "LastModifiedTimestamp": _epoch(queue.modified_at),
        "VisibilityTimeout": str(queue.visibility_timeout),
        "MaximumMessageSize": str(queue.max_size),
        "MessageRetentionPeriod": str(queue.retention),
        "DelaySeconds": str(queue.delay),
        "ReceiveMessageWaitTimeSeconds": str(queue.receive_wait),
        "SqsManagedSseEnabled": str(queue.sqs_sse).lower(),
    }
    if queue.policy:
        values["Policy"] = queue.policy
    if queue.redrive_policy:
        values["RedrivePolicy"] = queue.redrive_policy
    if queue.redrive_allow_policy:
        values["RedriveAllowPolicy"] = queue.redrive_allow_policy
    if queue.kms_key:
        values["KmsMasterKeyId"] = queue.kms_key
        values["KmsDataKeyReusePeriodSeconds"] = str(queue.kms_reuse)
    if queue.fifo:
        values["FifoQueue"] = "true"
        values["ContentBasedDeduplication"] = str(queue.content_based_dedup).lower()
        values["DeduplicationScope"] = queue.dedup_scope or "queue"
        values["FifoThroughputLimit"] = queue.throughput_limit or "perQueue"
    return {k: v for k, v in values.items() if k in want}


def redrive_target(queue: Queue) -> tuple[str, int] | None:
    if not queue.redrive_policy:
        return None
    policy = json.loads(queue.redrive_policy)
    return policy["deadLetterTargetArn"], int(policy["maxReceiveCount"])


def redrive_allows(dlq: Queue, source: Queue) -> bool:
    """Whether `dlq`'s RedriveAllowPolicy lets `source` use it as its dead-letter queue."""
    if not dlq.redrive_allow_policy:
        return True
    policy = json.loads(dlq.redrive_allow_policy)
    permission = policy.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source.arn in policy.get("sourceQueueArns", [])
    return True
