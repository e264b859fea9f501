"""Publish and PublishBatch: a message is checked and accepted in the call, then fanned
out to the topic's subscriptions by the worker after the call commits
(services/sns/fanout.py). FIFO topics number their messages and drop a repeat of a
de-duplication id (explicit, or the message's SHA-256 with ContentBasedDeduplication)
seen in the last five minutes, answering the first message's id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid

from django.utils import timezone

from services.core import publisher
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.sns import common, errors
from services.sns.models import Deduplication, OutboxMessage, Topic

MAX_BYTES = 256 * 1024
DEDUP_WINDOW = dt.timedelta(minutes=5)
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_TYPES = ("String", "Number", "Binary")


def _attribute_error(message: str) -> AwsError:
    return errors.ParameterValueInvalid(message)


def check_attributes(attributes: dict) -> int:
    """SNS's checks of MessageAttributes; the bytes they add to the message size."""
    size = 0
    for name, value in (attributes or {}).items():
        if (
            not _ATTRIBUTE_NAME.match(name)
            or name.startswith((".", "AWS.", "Amazon."))
            or name.endswith(".")
            or ".." in name
        ):
            raise _attribute_error(f"Invalid attribute name: {name}")
        data_type = (value or {}).get("DataType") or ""
        if data_type.split(".", 1)[0] not in _TYPES:
            raise _attribute_error(
                f"The message attribute '{name}' has an invalid message attribute type, the "
                "set of supported type prefixes is Binary, Number, and String."
            )
        base = data_type.split(".", 1)[0]
        if base == "Binary":
            raw = value.get("BinaryValue")
            if not raw:
                raise _attribute_error(
                    f"The message attribute '{name}' must contain non-empty message "
                    f"attribute value for message attribute type '{data_type}'."
                )
            size += len(raw if isinstance(raw, bytes) else str(raw).encode())
        else:
            text = value.get("StringValue")
            if text is None or text == "":
                raise _attribute_error(
                    f"The message attribute '{name}' must contain non-empty message "
                    f"attribute value for message attribute type '{data_type}'."
                )
            if base == "Number":
                try:
                    float(text)
                except ValueError:
                    raise _attribute_error(
                        f"Could not cast message attribute '{name}' value to number."
                    ) from None
            if data_type == "String.Array":
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = None
                if not isinstance(parsed, list):
                    raise _attribute_error(
                        f"The message attribute '{name}' with type 'String.Array' has an "
                        "invalid value; it must be a JSON array."
                    )
            size += len(text.encode())
        size += len(name.encode()) + len(data_type.encode())
    return size


def check_message(params: dict, topic: Topic | None) -> dict:
    """The checked parts of a Publish request (or of one PublishBatch entry)."""
    message = params.get("Message")
    if message is None or message == "":
        raise errors.invalid("Empty message")
    subject = params.get("Subject")
    if subject is not None and (
        subject == ""
        or len(subject) > 100
        or not subject.isascii()
        or "\n" in subject
        or not subject[0].isprintable()
    ):
        raise errors.invalid("Subject")
    structure = params.get("MessageStructure")
    if structure is not None:
        if structure != "json":
            raise errors.invalid("MessageStructure")
        try:
            parsed = json.loads(message)
        except ValueError:
            raise errors.invalid("Message Structure - JSON message body failed to parse") from None
        if not isinstance(parsed, dict) or "default" not in parsed:
            raise errors.invalid("Message Structure - No default entry in JSON message body")
    attributes = params.get("MessageAttributes") or {}
    size = len(message.encode()) + check_attributes(attributes)
    if size > MAX_BYTES:
        raise errors.invalid("Message too long")
    group = params.get("MessageGroupId")
    dedup = params.get("MessageDeduplicationId")
    if topic is not None and topic.fifo:
        if not group:
            raise errors.invalid("The MessageGroupId parameter is required for FIFO topics")
        if not dedup and topic.attributes.get("ContentBasedDeduplication") != "true":
            raise errors.invalid(
                "The topic should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly"
            )
        dedup = dedup or hashlib.sha256(message.encode()).hexdigest()
    elif dedup:
        raise errors.invalid(
            "MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
            "parameter that is not valid for this topic type"
        )
    for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
        if value and (len(value) > 128 or not re.match(r"^[!-~]+$", value)):
            raise errors.invalid(
                f"{name} Reason: {name} can be up to 128 characters and contain only "
                "printable ASCII"
            )
    return {
        "message": message,
        "subject": subject,
        "structure": structure,
        "attributes": _plain(attributes),
        "group_id": group,
        "dedup_id": dedup if topic is not None and topic.fifo else None,
    }


def _plain(attributes: dict) -> dict:
    """Attributes as JSON data for the worker (Binary values base64)."""
    import base64

    out = {}
    for name, value in attributes.items():
        item = {"DataType": value["DataType"]}
        if "BinaryValue" in value and value["BinaryValue"] is not None:
            raw = value["BinaryValue"]
            raw = raw if isinstance(raw, bytes) else str(raw).encode()
            item["BinaryValue"] = base64.b64encode(raw).decode()
        else:
            item["StringValue"] = value.get("StringValue", "")
        out[name] = item
    return out


def accept(topic: Topic, checked: dict, *, sender: dict | None = None) -> dict:
    """Record the message and send it to the worker after commit; the Publish answer.
    `topic` is locked for FIFO (its sequence)."""
    message_id = str(uuid.uuid4())
    result: dict = {"MessageId": message_id}
    now = timezone.now()
    if topic.fifo:
        Deduplication.objects.filter(topic=topic, created_at__lt=now - DEDUP_WINDOW).delete()
        seen = Deduplication.objects.filter(topic=topic, dedup_id=checked["dedup_id"]).first()
        if seen is not None:
            return {"MessageId": seen.message_id, "SequenceNumber": seen.sequence_number}
        topic.sequence += 1
        Topic.objects.filter(pk=topic.pk).update(sequence=topic.sequence)
        sequence = f"{10**19 + topic.sequence:020d}"
        Deduplication.objects.create(
            topic=topic, dedup_id=checked["dedup_id"], message_id=message_id,
            sequence_number=sequence,
        )  # fmt: skip
        result["SequenceNumber"] = sequence
    record = {
        **checked,
        "message_id": message_id,
        "topic_pk": topic.pk,
        "topic_arn": topic.resource_id,
        "sequence": result.get("SequenceNumber"),
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "sender": sender,
    }
    from services.sns import tasks

    publisher.send_on_commit(lambda: tasks.fan_out.delay(record))
    return result


def _sms(ctx: CallContext, params: dict) -> dict:
    number = params.get("PhoneNumber") or ""
    if not re.match(r"^\+?[0-9]{7,15}$", number):
        raise errors.invalid("PhoneNumber Reason: input incorrectly formatted")
    checked = check_message(params, None)
    message_id = str(uuid.uuid4())
    OutboxMessage.objects.create(
        account=ctx.account, region=ctx.region, protocol="sms", endpoint=number,
        kind="Notification", body=checked["message"], message_id=message_id,
    )  # fmt: skip
    return {"MessageId": message_id}


@operation("sns", "Publish")
def publish(ctx: CallContext, params: dict) -> dict:
    if params.get("PhoneNumber") and not (params.get("TopicArn") or params.get("TargetArn")):
        return _sms(ctx, params)
    arn = params.get("TopicArn") or params.get("TargetArn")
    if not arn:
        raise errors.invalid("TopicArn or TargetArn Reason: no value for required parameter")
    if params.get("TopicArn") and params.get("TargetArn"):
        raise errors.invalid("TopicArn Reason: Only one of TopicArn or TargetArn may be specified")
    param = "TopicArn" if params.get("TopicArn") else "TargetArn"
    topic = common.topic(ctx, arn, param=param)
    checked = check_message(params, topic)
    if topic.fifo:
        topic = common.topic(ctx, arn, for_update=True, param=param)
    result = accept(topic, checked)
    ctx.touch(topic)
    return result


@operation("sns", "PublishBatch")
def publish_batch(ctx: CallContext, params: dict) -> dict:
    topic = common.topic(ctx, params.get("TopicArn"))
    entries = params.get("PublishBatchRequestEntries") or []
    if not entries:
        raise errors.EmptyBatchRequest("The batch request doesn't contain any entries.")
    if len(entries) > 10:
        raise errors.TooManyEntriesInBatchRequest(
            "The batch request contains more entries than permissible."
        )
    ids = [e.get("Id") or "" for e in entries]
    if len(set(ids)) != len(ids):
        raise errors.BatchEntryIdsNotDistinct(
            "Two or more batch entries in the request have the same Id."
        )
    for entry_id in ids:
        if not _BATCH_ID.match(entry_id):
            raise errors.InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long."
            )
    total = sum(len((e.get("Message") or "").encode()) for e in entries)
    if total > MAX_BYTES:
        raise errors.BatchRequestTooLong(
            "The length of all the messages put together is more than the limit."
        )
    if topic.fifo:
        topic = common.topic(ctx, topic.resource_id, for_update=True)
    successful, failed = [], []
    for entry in entries:
        try:
            checked = check_message(entry, topic)
        except AwsError as error:
            failed.append(
                {
                    "Id": entry["Id"],
                    "Code": error.code,
                    "Message": error.message,
                    "SenderFault": True,
                }
            )
            continue
        done = accept(topic, checked)
        successful.append({"Id": entry["Id"], **done})
    ctx.touch(topic)
    return {"Successful": successful, "Failed": failed}
