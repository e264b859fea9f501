"""Queue operations: CreateQueue, DeleteQueue, GetQueueUrl, ListQueues,
Get/SetQueueAttributes, PurgeQueue, tags, AddPermission/RemovePermission and
ListDeadLetterSourceQueues."""

from __future__ import annotations

import json
import re

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from services.core import constraints, describe, locks
from services.core.context import CallContext
from services.core.operations import operation
from services.sqs import attributes, common, errors, wake
from services.sqs.models import PURGE_INTERVAL, Message, Queue

MAX_TAGS = 50
MAX_LIST = 1000


def _deleted_key(account: str, region: str, name: str) -> str:
    return f"sqs:deleted:{account}:{region}:{name}"


def _check_tags(tags: dict) -> None:
    if len(tags) > MAX_TAGS:
        raise errors.InvalidParameterValue(
            f"Too many tags added for queue. A queue can have at most {MAX_TAGS} tags."
        )
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
            raise errors.InvalidParameterValue(f"Tag key {key} is invalid.")
        if len(value) > 256:
            raise errors.InvalidParameterValue(f"Tag value for key {key} is invalid.")


@operation("sqs", "CreateQueue")
def create_queue(ctx: CallContext, params: dict) -> dict:
    name = params["QueueName"]
    wanted = dict(params.get("Attributes") or {})
    tags = dict(params.get("tags") or {})
    draft = Queue(account=ctx.account, region=ctx.region, resource_id=name)
    if name.endswith(".fifo") and "FifoQueue" not in wanted:
        raise errors.InvalidParameterValue(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
            "underscores, must end with .fifo suffix and be 1 to 80 in length."
        )
    attributes.apply(draft, wanted, creating=True)
    _check_tags(tags)
    same = Queue.objects.filter(account_id=ctx.account.id, region=ctx.region, resource_id=name)
    existing = locks.rows(same).first()
    if existing is not None:
        # CreateQueue of an existing name answers its URL if every attribute asked for
        # matches; otherwise QueueAlreadyExists, naming the first that differs.
        have = attributes.settable_values(existing)
        mine = attributes.settable_values(draft)
        for key in wanted:
            if have.get(key) != mine.get(key):
                raise errors.QueueAlreadyExists(
                    f"A queue already exists with the same name and a different value for attribute {key}"  # noqa: E501
                )
        ctx.touch(existing)
        return {"QueueUrl": common.url_of(existing)}
    if cache.get(_deleted_key(ctx.account.id, ctx.region, name)):
        raise errors.QueueDeletedRecently(
            "You must wait 60 seconds after deleting a queue before you can create another "
            "with the same name."
        )
    draft.tags = tags
    draft.modified_at = draft.created_at
    draft.save()
    ctx.touch(draft)
    return {"QueueUrl": common.url_of(draft)}


constraints.on_violation(
    Queue, "sqs_queue_name_unique",
    lambda v: errors.QueueAlreadyExists(
        "A queue already exists with the same name and a different value for attribute"
    ),
)  # fmt: skip


@operation("sqs", "DeleteQueue")
def delete_queue(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    ctx.touch(queue)
    key = _deleted_key(queue.account_id, queue.region, queue.resource_id)
    queue.delete()
    cache.set(key, 1, 60)
    return {}


@operation("sqs", "GetQueueUrl")
def get_queue_url(ctx: CallContext, params: dict) -> dict:
    owner = params.get("QueueOwnerAWSAccountId") or ctx.account.id
    queue = Queue.objects.filter(
        account_id=owner, region=ctx.region, resource_id=params["QueueName"]
    ).first()
    if queue is None:
        raise errors.not_exist()
    return {"QueueUrl": common.url_of(queue)}


def _page(params: dict, total_qs, key: str) -> tuple[list, str | None]:
    limit = params.get("MaxResults")
    token = params.get("NextToken")
    if limit is not None and not 1 <= limit <= MAX_LIST:
        raise errors.invalid_value(
            "MaxResults", limit, "MaxResults must be an integer between 1 and 1000."
        )
    if token and limit is None:
        raise errors.InvalidParameterValue(
            "MaxResults is a mandatory parameter when you provide a value for NextToken."
        )
    offset = 0
    if token:
        offset = describe.read_token(
            token, key, errors.InvalidParameterValue("Invalid NextToken value.")
        )
    size = limit or MAX_LIST
    rows = list(total_qs.order_by("resource_id")[offset : offset + size + 1])
    more = limit is not None and len(rows) > size
    rows = rows[:size]
    return rows, (describe.make_token(key, offset + size) if more else None)


def summary(queue: Queue, count: dict | None = None) -> dict:
    """What Stratolab's own readers (REST, lab checks) see of a listed queue; the wire
    answer of ListQueues has only the URLs."""
    return {"QueueName": queue.resource_id, "QueueUrl": common.url_of(queue),
            "QueueArn": queue.arn, "Attributes": attributes.describe(queue, None, count),
            "Tags": dict(queue.tags)}  # fmt: skip


@operation("sqs", "ListQueues")
def list_queues(ctx: CallContext, params: dict) -> dict:
    qs = Queue.objects.visible_to(ctx)
    prefix = params.get("QueueNamePrefix")
    if prefix:
        qs = qs.filter(resource_id__startswith=prefix)
    rows, token = _page(params, qs, "after")
    count = attributes.counts([q.pk for q in rows])
    out: dict = {"QueueUrls": [common.url_of(q) for q in rows]}
    if not rows:
        out = {}
    if token:
        out["NextToken"] = token
    # Not on the wire (the response shape has no such member): the REST door and lab
    # checks read queues with their attributes from here.
    out["Queues"] = [summary(q, count[q.pk]) for q in rows]
    return out


@operation("sqs", "GetQueueAttributes")
def get_queue_attributes(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    wanted = params.get("AttributeNames") or []
    known = set(attributes.all_names()) | {"All"}
    for name in wanted:
        if name not in known:
            raise errors.InvalidAttributeName(f"Unknown Attribute {name}.")
    if not wanted:
        return {}
    values = attributes.describe(queue, wanted)
    return {"Attributes": values} if values else {}


@operation("sqs", "SetQueueAttributes")
def set_queue_attributes(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    attributes.apply(queue, dict(params.get("Attributes") or {}), creating=False)
    queue.modified_at = timezone.now()
    queue.save()
    ctx.touch(queue)
    wake.after_commit(queue.pk)
    return {}


@operation("sqs", "PurgeQueue", read_only=False)
def purge_queue(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    now = timezone.now()
    if queue.purged_at and (now - queue.purged_at).total_seconds() < PURGE_INTERVAL:
        raise errors.PurgeQueueInProgress(
            f"Only one PurgeQueue operation on {queue.resource_id} is allowed every 60 seconds."
        )
    # Messages sent before the purge are deleted; AWS takes up to 60 seconds, this at once.
    Message.objects.filter(queue=queue, sent_at__lte=now).delete()
    Queue.objects.filter(pk=queue.pk).update(purged_at=now)
    ctx.touch(queue)
    return {}


@operation("sqs", "TagQueue")
def tag_queue(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    tags = {**queue.tags, **params["Tags"]}
    _check_tags(tags)
    queue.tags = tags
    queue.save(update_fields=["tags"])
    ctx.touch(queue)
    return {}


@operation("sqs", "UntagQueue")
def untag_queue(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    queue.tags = {k: v for k, v in queue.tags.items() if k not in set(params["TagKeys"])}
    queue.save(update_fields=["tags"])
    ctx.touch(queue)
    return {}


@operation("sqs", "ListQueueTags")
def list_queue_tags(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    return {"Tags": dict(queue.tags)} if queue.tags else {}


_LABEL = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def _policy_doc(queue: Queue) -> dict:
    if queue.policy:
        return json.loads(queue.policy)
    return {"Version": "2012-10-17", "Id": f"{queue.arn}/SQSDefaultPolicy", "Statement": []}


@operation("sqs", "AddPermission")
def add_permission(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    label = params["Label"]
    if not _LABEL.match(label):
        raise errors.InvalidParameterValue(
            "Label can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"  # noqa: E501
        )
    accounts, actions = params["AWSAccountIds"], params["Actions"]
    if not accounts or not actions:
        raise errors.MissingParameter(
            "The request must contain the parameter "
            + ("AWSAccountIds." if not accounts else "Actions.")
        )
    for action in actions:
        if action != "*" and action not in {op.action for op in _ops()}:
            raise errors.InvalidParameterValue(
                f"Value SQS:{action} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions."  # noqa: E501
            )
    doc = _policy_doc(queue)
    statements = doc.setdefault("Statement", [])
    if any(s.get("Sid") == label for s in statements):
        raise errors.InvalidParameterValue(
            f"Value {label} for parameter Label is invalid. Reason: Already exists."
        )
    statements.append({
        "Sid": label, "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]},
        "Action": [f"SQS:{a}" for a in actions], "Resource": queue.arn,
    })  # fmt: skip
    queue.policy = json.dumps(doc)
    queue.modified_at = timezone.now()
    queue.save(update_fields=["policy", "modified_at"])
    ctx.touch(queue)
    return {}


def _ops():
    from services.core import operations

    return operations.registered("sqs")


@operation("sqs", "RemovePermission")
def remove_permission(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"], for_update=True)
    doc = _policy_doc(queue)
    statements = doc.get("Statement", [])
    kept = [s for s in statements if s.get("Sid") != params["Label"]]
    if len(kept) == len(statements):
        raise errors.InvalidParameterValue(
            f"Value {params['Label']} for parameter Label is invalid. Reason: can't find label on existing policy."  # noqa: E501
        )
    doc["Statement"] = kept
    queue.policy = json.dumps(doc) if kept else ""
    queue.modified_at = timezone.now()
    queue.save(update_fields=["policy", "modified_at"])
    ctx.touch(queue)
    return {}


@operation("sqs", "ListDeadLetterSourceQueues")
def list_dead_letter_source_queues(ctx: CallContext, params: dict) -> dict:
    queue = common.queue_by_url(ctx, params["QueueUrl"])
    needle = json.dumps(queue.arn)[1:-1]
    qs = Queue.objects.filter(account_id=queue.account_id, region=queue.region).filter(
        Q(redrive_policy__contains=f'"deadLetterTargetArn":"{needle}"')
    )
    rows, token = _page(params, qs, "after")
    out: dict = {"queueUrls": [common.url_of(q) for q in rows]}
    if token:
        out["NextToken"] = token
    return out
