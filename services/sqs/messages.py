"""Message operations: SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch),
ChangeMessageVisibility(Batch); and `enqueue`, which SendMessage and service deliveries
(services/sqs/delivery.py) share.

Visibility is a time: a message is receivable when `visible_at` has passed (after its
delay, or after the visibility timeout of its last receive). A FIFO queue hands out a
message group's messages in order and none of a group while one of it is in flight
(SQS-02); a message received maxReceiveCount times goes to the dead-letter queue on its
next receive (SQS-03). Retention: messages older than the queue's retention are never
received, and the worker deletes them (services/sqs/tasks.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
import uuid

from django.db.models import Min
from django.utils import timezone

from services.core import locks
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.sqs import attributes, common, content, errors, polling, wake
from services.sqs.models import (
    DEDUP_WINDOW,
    MAX_DELAY,
    MAX_VISIBILITY,
    MAX_WAIT,
    Dedup,
    Message,
    Queue,
)

MAX_BATCH = 10
MAX_BATCH_BYTES = 1_048_576  # the sum of a batch's messages
_ENTRY_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_SYSTEM_NAMES = (
    "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
    "SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)  # fmt: skip


def _ms(value: dt.datetime) -> str:
    return str(int(value.timestamp() * 1000))


def sender_of(ctx: CallContext) -> str:
    principal = ctx.principal
    if principal.is_root:
        return principal.account_id
    return f"{principal.account_id}:{principal.name}"


# --- sending ---------------------------------------------------------------------------


def check_message(
    queue: Queue,
    body: str,
    attrs: dict,
    *,
    delay: int | None,
    group_id: str | None,
    dedup_id: str | None,
    system: dict | None = None,
) -> None:
    """Every check SendMessage makes of one message, before anything is written."""
    if body is None or body == "":
        raise errors.MissingParameter("The request must contain the parameter MessageBody.")
    content.check_text(body, "message body")
    content.check_attributes(attrs)
    if system:
        for name, value in system.items():
            if name != "AWSTraceHeader" or (value.get("DataType") != "String"):
                raise errors.InvalidParameterValue(
                    f"Message system attribute name '{name}' is invalid."
                    if name != "AWSTraceHeader"
                    else "The message system attribute 'AWSTraceHeader' must be of type String."
                )
    content.check_size(body, attrs, queue.max_size)
    if delay is not None and not 0 <= delay <= MAX_DELAY:
        raise errors.invalid_value("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900.")
    if queue.fifo:
        if delay is not None and delay != 0:
            raise errors.invalid_value(
                "DelaySeconds", delay,
                "The request include parameter that is not valid for this queue type.",
            )  # fmt: skip
        if not group_id:
            raise errors.MissingParameter("The request must contain the parameter MessageGroupId.")
        content.check_token("MessageGroupId", group_id)
        if dedup_id:
            content.check_token("MessageDeduplicationId", dedup_id)
        elif not queue.content_based_dedup:
            raise errors.InvalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly"
            )
    else:
        if dedup_id:
            raise errors.invalid_value(
                "MessageDeduplicationId", dedup_id,
                "The request includes a parameter that is not valid for this queue type.",
            )  # fmt: skip
        if group_id:
            content.check_token("MessageGroupId", group_id)


def enqueue(queue: Queue, body: str, attrs: dict, *, sender: str, delay: int | None = None,
            group_id: str | None = None, dedup_id: str | None = None,
            system: dict | None = None) -> dict:  # fmt: skip
    """Put one checked message in `queue` (for a FIFO queue, held locked by the caller);
    SendMessage's answer for it. A FIFO duplicate within 5 minutes is accepted and not
    enqueued again: the answer names the first one."""
    now = timezone.now()
    md5_attrs = content.md5_attributes(attrs)
    answer = {"MD5OfMessageBody": content.md5_body(body)}
    if md5_attrs:
        answer["MD5OfMessageAttributes"] = md5_attrs
    if system:
        answer["MD5OfMessageSystemAttributes"] = content.md5_attributes(system)
    key = ""
    if queue.fifo:
        dedup_id = dedup_id or hashlib.sha256(body.encode("utf-8")).hexdigest()
        key = f"{group_id}\x00{dedup_id}" if queue.dedup_scope == "messageGroup" else dedup_id
        Dedup.objects.filter(queue=queue, key=key, expires_at__lte=now).delete()
        seen = Dedup.objects.filter(queue=queue, key=key).first()
        if seen is not None:
            return {**answer, "MessageId": seen.message_id,
                    "SequenceNumber": str(18_000_000_000_000_000_000 + seen.sequence)}  # fmt: skip
    wait = queue.delay if delay is None else delay
    message = Message.objects.create(
        queue=queue, message_id=str(uuid.uuid4()), body=body,
        attributes=content.stored(attrs), system_attributes=content.stored(system or {}),
        md5_body=answer["MD5OfMessageBody"], md5_attributes=md5_attrs, sender_id=sender,
        sent_at=now, visible_at=now + dt.timedelta(seconds=wait),
        group_id=group_id or "", dedup_id=dedup_id or "" if queue.fifo else "",
    )  # fmt: skip
    answer["MessageId"] = message.message_id
    if queue.fifo:
        Dedup.objects.create(queue=queue, key=key, message_id=message.message_id,
                             sequence=message.pk,
                             expires_at=now + dt.timedelta(seconds=DEDUP_WINDOW))  # fmt: skip
        answer["SequenceNumber"] = message.sequence_number
    wake.after_commit(queue.pk)
    return answer


def _queue_for_send(ctx: CallContext, url: str) -> Queue:
    queue = common.queue_by_url(ctx, url)
    if queue.fifo:
        # FIFO sends take the queue in turn: sequence numbers and de-duplication hold.
        queue = common.queue_by_url(ctx, url, for_update=True)
    return queue


@operation("sqs", "SendMessage")
def send_message(ctx: CallContext, params: dict) -> dict:
    queue = _queue_for_send(ctx, params["QueueUrl"])
    attrs = params.get("MessageAttributes") or {}
    system = params.get("MessageSystemAttributes") or {}
    kwargs = {"delay": params.get("DelaySeconds"), "group_id": params.get("MessageGroupId"),
              "dedup_id": params.get("MessageDeduplicationId"), "system": system}  # fmt: skip
    check_message(queue, params["MessageBody"], attrs, **kwargs)
    ctx.touch(queue)
    return enqueue(queue, params["MessageBody"], attrs, sender=sender_of(ctx), **kwargs)


def _entries(params: dict, entry_shape: str) -> list[dict]:
    entries = params.get("Entries") or []
    if not entries:
        raise errors.EmptyBatchRequest(
            f"There should be at least one {entry_shape} in the request."
        )
    if len(entries) > MAX_BATCH:
        raise errors.TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH}. You have sent {len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        if not _ENTRY_ID.match(entry["Id"]):
            raise errors.InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long."
            )
        if entry["Id"] in seen:
            raise errors.BatchEntryIdsNotDistinct(f"Id {entry['Id']} repeated.")
        seen.add(entry["Id"])
    return entries


def _failed(entry_id: str, error: AwsError) -> dict:
    return {"Id": entry_id, "SenderFault": error.status < 500, "Code": error.code,
            "Message": error.message}  # fmt: skip


@operation("sqs", "SendMessageBatch")
def send_message_batch(ctx: CallContext, params: dict) -> dict:
    queue = _queue_for_send(ctx, params["QueueUrl"])
    entries = _entries(params, "SendMessageBatchRequestEntry")
    total = sum(
        content.size(e["MessageBody"] or "", e.get("MessageAttributes") or {}) for e in entries
    )
    if total > MAX_BATCH_BYTES:
        raise errors.BatchRequestTooLong(
            f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent {total} bytes."  # noqa: E501
        )
    ok, failed = [], []
    sender = sender_of(ctx)
    for entry in entries:
        attrs = entry.get("MessageAttributes") or {}
        kwargs = {"delay": entry.get("DelaySeconds"), "group_id": entry.get("MessageGroupId"),
                  "dedup_id": entry.get("MessageDeduplicationId"),
                  "system": entry.get("MessageSystemAttributes") or {}}  # fmt: skip
        try:
            check_message(queue, entry["MessageBody"], attrs, **kwargs)
        except AwsError as error:
            failed.append(_failed(entry["Id"], error))
            continue
        ok.append(
            {
                "Id": entry["Id"],
                **enqueue(queue, entry["MessageBody"], attrs, sender=sender, **kwargs),
            }
        )
    ctx.touch(queue)
    return {"Successful": ok, "Failed": failed}


# --- receiving -------------------------------------------------------------------------


def receipt_handle(message: Message) -> str:
    raw = f"{message.queue_id}:{message.pk}:{message.receipt}:{message.message_id}"
    return base64.b64encode(raw.encode()).decode()


def read_handle(queue: Queue, handle: str) -> tuple[int, str]:
    """(message pk, receipt token) of a handle of `queue`, or ReceiptHandleIsInvalid."""
    try:
        queue_pk, message_pk, token, _ = (
            base64.b64decode(handle, validate=True).decode().split(":", 3)
        )
        if int(queue_pk) != queue.pk:
            raise ValueError
        return int(message_pk), token
    except (ValueError, UnicodeDecodeError):
        raise errors.ReceiptHandleIsInvalid(
            f'The input receipt handle "{handle}" is not a valid receipt handle.'
        ) from None


def _range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise errors.invalid_value(name, value, f"Must be >= {low} and <= {high}, if provided.")


def _wanted_system(params: dict) -> set[str]:
    names = set(params.get("AttributeNames") or []) | set(
        params.get("MessageSystemAttributeNames") or []
    )
    return set(_SYSTEM_NAMES) if "All" in names else names


def _wanted_attribute(name: str, wanted: list[str]) -> bool:
    for pattern in wanted:
        if pattern in ("All", ".*") or pattern == name:
            return True
        if pattern.endswith(".*") and name.startswith(pattern[:-1]):
            return True
    return False


def render(message: Message, queue: Queue, system: set[str], wanted_attrs: list[str]) -> dict:
    item = {"MessageId": message.message_id, "ReceiptHandle": receipt_handle(message),
            "MD5OfBody": message.md5_body, "Body": message.body}  # fmt: skip
    values = {
        "SenderId": message.sender_id,
        "SentTimestamp": _ms(message.sent_at),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": _ms(message.first_received_at or message.sent_at),
    }
    if queue.fifo:
        values["SequenceNumber"] = message.sequence_number
        values["MessageDeduplicationId"] = message.dedup_id
    if message.group_id:
        values["MessageGroupId"] = message.group_id
    trace = (message.system_attributes or {}).get("AWSTraceHeader")
    if trace:
        values["AWSTraceHeader"] = trace.get("StringValue", "")
    if message.dead_letter_source:
        values["DeadLetterQueueSourceArn"] = message.dead_letter_source
    chosen = {k: v for k, v in values.items() if k in system}
    if chosen:
        item["Attributes"] = chosen
    attrs = {
        k: v
        for k, v in content.loaded(message.attributes).items()
        if _wanted_attribute(k, wanted_attrs)
    }
    if attrs:
        item["MessageAttributes"] = attrs
        item["MD5OfMessageAttributes"] = content.md5_attributes(attrs)
    return item


def _dead_letter_queue(queue: Queue) -> tuple[Queue, int] | None:
    target = attributes.redrive_target(queue)
    if target is None:
        return None
    dlq = common.queue_by_arn(target[0])
    return (dlq, target[1]) if dlq is not None else None


def take(queue: Queue, count: int, visibility: int) -> list[Message]:
    """Receive up to `count` messages of `queue` now: mark them in flight for
    `visibility` seconds, and move those received too often to the dead-letter queue."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=queue.retention)
    redrive = _dead_letter_queue(queue)
    base = Message.objects.filter(queue=queue, visible_at__lte=now, sent_at__gt=cutoff)
    if queue.fifo:
        locks.rows(Queue.objects.filter(pk=queue.pk)).first()  # receives of a FIFO queue in turn
        busy = Message.objects.filter(queue=queue, visible_at__gt=now, receive_count__gt=0)
        base = base.exclude(group_id__in=busy.values("group_id"))
        candidates = list(base.order_by("pk")[: count + 50])
    else:
        candidates = list(
            base.order_by("pk").select_for_update(skip_locked=True, of=("self",))[: count + 50]
        )
    chosen: list[Message] = []
    moved: list[Message] = []
    for message in candidates:
        if len(chosen) >= count:
            break
        if redrive is not None and message.receive_count >= redrive[1]:
            moved.append(message)
            continue
        chosen.append(message)
    if moved and redrive is not None:
        dlq = redrive[0]
        Message.objects.filter(pk__in=[m.pk for m in moved]).update(
            queue=dlq, dead_letter_source=queue.arn, visible_at=now
        )
        wake.after_commit(dlq.pk)
    for message in chosen:
        message.receive_count += 1
        message.received_at = now
        message.first_received_at = message.first_received_at or now
        message.visible_at = now + dt.timedelta(seconds=visibility)
        message.receipt = secrets.token_hex(8)
    if chosen:
        Message.objects.bulk_update(
            chosen, ["receive_count", "received_at", "first_received_at", "visible_at", "receipt"]
        )
    return chosen


@operation("sqs", "ReceiveMessage", read_only=False)
def receive_message(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    count = params.get("MaxNumberOfMessages")
    if count is not None and not 1 <= count <= MAX_BATCH:
        raise errors.invalid_value(
            "MaxNumberOfMessages", count, "Must be between 1 and 10, if provided."
        )
    _range("VisibilityTimeout", params.get("VisibilityTimeout"), 0, MAX_VISIBILITY)
    _range("WaitTimeSeconds", params.get("WaitTimeSeconds"), 0, MAX_WAIT)
    visibility = params.get("VisibilityTimeout")
    visibility = queue.visibility_timeout if visibility is None else visibility
    wait = params.get("WaitTimeSeconds")
    wait = queue.receive_wait if wait is None else wait
    chosen = take(queue, count or 1, visibility)
    ctx.touch(queue)
    if not chosen:
        upcoming = None
        if wait:
            upcoming = Message.objects.filter(queue=queue, visible_at__gt=timezone.now()).aggregate(
                t=Min("visible_at")
            )["t"]
        polling.note(polling.Pending(queue.pk, wait, upcoming) if wait else None)
        return {}
    polling.note(None)
    system = _wanted_system(params)
    wanted = params.get("MessageAttributeNames") or []
    return {"Messages": [render(m, queue, system, wanted) for m in chosen]}


# --- deleting and changing visibility ---------------------------------------------------


def _delete_one(queue: Queue, handle: str) -> None:
    pk, token = read_handle(queue, handle)
    # A stale handle (the message was received again since) deletes nothing, as in SQS;
    # a message already deleted is no error.
    Message.objects.filter(pk=pk, queue=queue, receipt=token).delete()


@operation("sqs", "DeleteMessage")
def delete_message(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    _delete_one(queue, params["ReceiptHandle"])
    ctx.touch(queue)
    return {}


@operation("sqs", "DeleteMessageBatch")
def delete_message_batch(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    ok, failed = [], []
    for entry in _entries(params, "DeleteMessageBatchRequestEntry"):
        try:
            _delete_one(queue, entry["ReceiptHandle"])
        except AwsError as error:
            failed.append(_failed(entry["Id"], error))
            continue
        ok.append({"Id": entry["Id"]})
    ctx.touch(queue)
    return {"Successful": ok, "Failed": failed}


def _change_one(queue: Queue, handle: str, timeout: int | None) -> None:
    if timeout is None:
        raise errors.MissingParameter("The request must contain the parameter VisibilityTimeout.")
    _range("VisibilityTimeout", timeout, 0, MAX_VISIBILITY)
    pk, token = read_handle(queue, handle)
    now = timezone.now()
    message = Message.objects.filter(pk=pk, queue=queue).select_for_update(of=("self",)).first()
    if (
        message is None
        or message.receive_count == 0
        or message.visible_at <= now
        or message.receipt != token
    ):
        raise errors.MessageNotInflight(
            "Message does not exist or is not available for visibility timeout change."
        )
    until = now + dt.timedelta(seconds=timeout)
    if message.received_at and (until - message.received_at).total_seconds() > MAX_VISIBILITY:
        raise errors.invalid_value(
            "VisibilityTimeout", timeout,
            f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} seconds]",  # noqa: E501
        )  # fmt: skip
    Message.objects.filter(pk=pk).update(visible_at=until)
    if timeout == 0:
        wake.after_commit(queue.pk)


@operation("sqs", "ChangeMessageVisibility")
def change_message_visibility(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    _change_one(queue, params["ReceiptHandle"], params.get("VisibilityTimeout"))
    ctx.touch(queue)
    return {}


@operation("sqs", "ChangeMessageVisibilityBatch")
def change_message_visibility_batch(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    ok, failed = [], []
    for entry in _entries(params, "ChangeMessageVisibilityBatchRequestEntry"):
        try:
            _change_one(queue, entry["ReceiptHandle"], entry.get("VisibilityTimeout"))
        except AwsError as error:
            failed.append(_failed(entry["Id"], error))
            continue
        ok.append({"Id": entry["Id"]})
    ctx.touch(queue)
    return {"Successful": ok, "Failed": failed}
