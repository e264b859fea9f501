"""Celery tasks of the lifecycle engine. Tasks take ids and re-read the row."""

from __future__ import annotations

import logging

from celery import shared_task
from django.apps import apps
from django.utils import timezone

from services.core import lifecycle

log = logging.getLogger(__name__)


@shared_task(name="services.core.tasks.advance", ignore_result=True)
def advance_task(model_label: str, pk: int, from_state: str) -> bool:
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):  # a message from an older version of the code
        log.warning("advance: no model %s; message dropped", model_label)
        return False
    if lifecycle.advance(model, pk, from_state):
        return True
    # Delivered before the row is due (a clock a little ahead, a due time moved later):
    # ask again for the due time rather than waiting for the next sweep.
    due_at = lifecycle.pending_due_at(model, pk, from_state)
    if due_at is not None and due_at > timezone.now():
        advance_task.apply_async((model_label, pk, from_state), eta=due_at)
    return False


@shared_task(name="services.core.tasks.advance_many", ignore_result=True)
def advance_many_task(model_label: str, pks: list[int], from_state: str) -> int:
    """`advance` for the rows one call moved together (lifecycle.schedule_many), each
    in its own transaction: one row that fails does not hold the others back."""
    moved = 0
    for pk in pks:
        try:
            moved += advance_task.run(model_label, pk, from_state)
        except Exception:
            log.exception("could not advance %s %s from %s", model_label, pk, from_state)
    return moved


@shared_task(name="services.core.tasks.sweep_lifecycles", ignore_result=True)
def sweep_lifecycles() -> int:
    return lifecycle.sweep()
