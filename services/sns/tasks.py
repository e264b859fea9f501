"""Celery tasks of SNS: fan-out, retries and confirmations (services/sns/fanout.py)."""

from __future__ import annotations

from celery import shared_task

from services.sns import fanout
from services.sns.models import Subscription


@shared_task(name="services.sns.tasks.fan_out", ignore_result=True)
def fan_out(record: dict) -> int:
    return fanout.fan_out(record)


@shared_task(name="services.sns.tasks.deliver", ignore_result=True)
def deliver(subscription_pk: int, record: dict, attempt: int) -> bool:
    """A retry of one delivery; a subscription deleted meanwhile gets nothing."""
    sub = (
        Subscription.objects.filter(pk=subscription_pk, confirmed=True)
        .select_related("topic")
        .first()
    )
    if sub is None:
        return False
    return fanout.deliver(sub, record, attempt)


@shared_task(name="services.sns.tasks.send_confirmation", ignore_result=True)
def send_confirmation(subscription_pk: int) -> None:
    sub = (
        Subscription.objects.filter(pk=subscription_pk, confirmed=False)
        .select_related("topic")
        .first()
    )
    if sub is not None:
        fanout.send_confirmation(sub)
