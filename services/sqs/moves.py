"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks,
CancelMessageMoveTask. A task moves the messages of a dead-letter queue back to the
queues they came from (or to one destination); the worker moves them
(services/sqs/tasks.py), at most MaxNumberOfMessagesPerSecond a second when given."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from services.core import publisher
from services.core.context import CallContext
from services.core.operations import operation
from services.sqs import common, errors, wake
from services.sqs.models import Message, MoveTask, Queue

MAX_RATE = 500


def _sources_of(dlq: Queue) -> bool:
    needle = f'"deadLetterTargetArn":"{dlq.arn}"'
    return Queue.objects.filter(account_id=dlq.account_id, region=dlq.region,
                                redrive_policy__contains=needle).exists()  # fmt: skip


def _queue_arg(arn: str, name: str, ctx: CallContext) -> Queue:
    queue = common.queue_by_arn(arn)
    if queue is None or queue.account_id != ctx.account.id:
        raise errors.ResourceNotFoundException(
            f"The resource that you specified for the {name} parameter doesn't exist."
        )
    return queue


def render(task: MoveTask) -> dict:
    item = {"Status": task.status, "SourceArn": task.source.arn,
            "ApproximateNumberOfMessagesMoved": task.moved,
            "ApproximateNumberOfMessagesToMove": task.to_move,
            "StartedTimestamp": int(task.started_at.timestamp() * 1000)}  # fmt: skip
    if task.status == "RUNNING":
        item["TaskHandle"] = task.task_handle
    if task.destination_arn:
        item["DestinationArn"] = task.destination_arn
    if task.rate is not None:
        item["MaxNumberOfMessagesPerSecond"] = task.rate
    if task.failure_reason:
        item["FailureReason"] = task.failure_reason
    return item


@operation("sqs", "StartMessageMoveTask")
def start_message_move_task(ctx: CallContext, params: dict) -> dict:
    source = _queue_arg(params["SourceArn"], "SourceArn", ctx)
    if not _sources_of(source):
        raise errors.InvalidParameterValue(
            "Source queue must be configured as a Dead Letter Queue."
        )
    destination = params.get("DestinationArn") or ""
    if destination:
        target = _queue_arg(destination, "DestinationArn", ctx)
        if target.pk == source.pk:
            raise errors.InvalidParameterValue(
                "Source queue and destination queue cannot be the same."
            )
    rate = params.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not 1 <= rate <= MAX_RATE:
        raise errors.invalid_value(
            "MaxNumberOfMessagesPerSecond", rate, f"Must be between 1 and {MAX_RATE}."
        )
    if MoveTask.objects.filter(source=source, status="RUNNING").exists():
        raise errors.UnsupportedOperation(
            "There is already a task running. Only one active task is allowed for a source queue arn at a given time."  # noqa: E501
        )
    task_id = secrets.token_hex(16)
    task = MoveTask.objects.create(
        task_handle=common.task_handle(source.arn, task_id), source=source,
        destination_arn=destination, rate=rate,
        to_move=Message.objects.filter(queue=source).count(),
    )  # fmt: skip
    ctx.touch(source)
    from services.sqs import tasks

    publisher.send_on_commit(lambda: tasks.move_messages.delay(task.pk))
    return {"TaskHandle": task.task_handle}


@operation("sqs", "ListMessageMoveTasks")
def list_message_move_tasks(ctx: CallContext, params: dict) -> dict:
    source = _queue_arg(params["SourceArn"], "SourceArn", ctx)
    limit = params.get("MaxResults")
    if limit is not None and not 1 <= limit <= 10:
        raise errors.invalid_value("MaxResults", limit, "Must be between 1 and 10.")
    tasks = MoveTask.objects.filter(source=source).select_related("source", "source__account")
    rows = list(tasks.order_by("-started_at", "-pk")[: limit or 1])
    return {"Results": [render(t) for t in rows]}


@operation("sqs", "CancelMessageMoveTask")
def cancel_message_move_task(ctx: CallContext, params: dict) -> dict:
    found = common.read_task_handle(params["TaskHandle"])
    task = (
        MoveTask.objects.select_for_update(of=("self",))
        .filter(task_handle=params["TaskHandle"], source__account_id=ctx.account.id)
        .first()
        if found
        else None
    )
    if task is None:
        raise errors.ResourceNotFoundException("Task does not exist.")
    if task.status != "RUNNING":
        raise errors.UnsupportedOperation(
            f"Task is in status {task.status}; only a RUNNING task can be cancelled."
        )
    MoveTask.objects.filter(pk=task.pk).update(status="CANCELLED")
    return {"ApproximateNumberOfMessagesMoved": task.moved}


def move_batch(task_pk: int, limit: int) -> bool:
    """Move up to `limit` messages for a task in one transaction; whether it goes on."""
    with transaction.atomic():
        task = (
            MoveTask.objects.select_for_update()
            .filter(pk=task_pk, status="RUNNING")
            .select_related("source")
            .first()
        )
        if task is None:
            return False
        source = task.source
        batch = list(
            Message.objects.filter(queue=source).order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))[:limit]
        )  # fmt: skip
        if not batch:
            MoveTask.objects.filter(pk=task.pk).update(status="COMPLETED")
            return False
        now = timezone.now()
        moved = 0
        for message in batch:
            arn = task.destination_arn or message.dead_letter_source
            target = common.queue_by_arn(arn) if arn else None
            if target is None:
                MoveTask.objects.filter(pk=task.pk).update(
                    status="FAILED",
                    failure_reason="AWS.SimpleQueueService.NonExistentQueue: the destination queue does not exist.",  # noqa: E501
                )
                return False
            Message.objects.filter(pk=message.pk).update(
                queue=target, visible_at=now, receive_count=0, receipt="",
                dead_letter_source="", first_received_at=None, received_at=None,
            )  # fmt: skip
            wake.after_commit(target.pk)
            moved += 1
        MoveTask.objects.filter(pk=task.pk).update(moved=task.moved + moved)
        return True
