"""The worker's part of SQS: retention expiry (a beat task) and message move tasks."""

from __future__ import annotations

import datetime as dt
import time

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from services.sqs.models import Message


@shared_task(name="services.sqs.tasks.expire_messages", ignore_result=True)
def expire_messages() -> int:
    """Delete the messages older than their queue's MessageRetentionPeriod."""
    now = timezone.now()
    expired = Message.objects.filter(
        sent_at__lt=now - F("queue__retention") * dt.timedelta(seconds=1)
    )
    deleted, _ = Message.objects.filter(pk__in=expired.values("pk")).delete()
    return deleted


@shared_task(name="services.sqs.tasks.move_messages", ignore_result=True)
def move_messages(task_pk: int) -> None:
    """Run one StartMessageMoveTask to its end (or until it is cancelled)."""
    from services.sqs import moves
    from services.sqs.models import MoveTask

    task = MoveTask.objects.filter(pk=task_pk).first()
    if task is None:
        return
    rate = task.rate or 100
    while moves.move_batch(task_pk, rate):
        if task.rate:
            time.sleep(1)  # in the worker: MaxNumberOfMessagesPerSecond
