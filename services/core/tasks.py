"""Celery tasks of the lifecycle engine. Tasks take ids and re-read the row."""

from __future__ import annotations

from celery import shared_task
from django.apps import apps

from services.core import lifecycle


@shared_task(name="services.core.tasks.advance", ignore_result=True)
def advance_task(model_label: str, pk: int, from_state: str) -> bool:
    return lifecycle.advance(apps.get_model(model_label), pk, from_state)


@shared_task(name="services.core.tasks.sweep_lifecycles", ignore_result=True)
def sweep_lifecycles() -> int:
    return lifecycle.sweep()
