"""Lifecycles as data: a transitional row stores its next state and when it is due.

An operation calls `obj.begin("creating")`; on commit a Celery task is scheduled for
the due time (sent by the process's publisher thread, not the request's). The task
advances the row with a compare-and-set (`UPDATE ... WHERE state = 'creating'`), so a
repeated, late or lost task is harmless: the beat sweep advances anything overdue.

Durations: every simulated wait (a lifecycle state, an S3 rule day, a Glacier restore)
is `duration(key, default)`: `STRATOLAB_LIFECYCLE_SECONDS[key]` when set, else the
default its service ships with, times `STRATOLAB_TIME_SCALE` (0 in tests: at once).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from services.core import publisher
from services.core.models.resources import Resource

log = logging.getLogger(__name__)


def duration(key: str, default: float = 0) -> dt.timedelta:
    """How long the simulated wait `key` lasts (`ec2.volume.creating`, `s3.lifecycle.day`):
    `STRATOLAB_LIFECYCLE_SECONDS[key]` seconds, else `default`, scaled by
    `STRATOLAB_TIME_SCALE`. The one place durations are computed."""
    seconds = settings.STRATOLAB_LIFECYCLE_SECONDS.get(key, default)
    return dt.timedelta(seconds=seconds * settings.STRATOLAB_TIME_SCALE)


class Lifecycle:
    """The automatic transitions of a resource type: {state: next_state}. The time a
    state lasts is `duration("<name>.<state>")`, falling back to `defaults[state]`
    (seconds) for a service that ships its own times, else 0."""

    def __init__(
        self, name: str, transitions: dict[str, str], defaults: dict[str, float] | None = None
    ) -> None:
        self.name = name
        self.transitions = transitions
        self.defaults = defaults or {}

    def duration(self, state: str) -> dt.timedelta:
        return duration(f"{self.name}.{state}", self.defaults.get(state, 0))

    def after(self, state: str, now: dt.datetime) -> tuple[str, dt.datetime | None]:
        """The (next_state, due_at) a row entering `state` at `now` gets."""
        nxt = self.transitions.get(state, "")
        return nxt, (now + self.duration(state) if nxt else None)


class LifecycleResource(Resource):
    """A resource whose state moves by itself (pending -> running, creating -> available)."""

    state = models.CharField(max_length=32, db_index=True)
    next_state = models.CharField(max_length=32, blank=True, default="")
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state_changed_at = models.DateTimeField(default=timezone.now)

    lifecycle: ClassVar[Lifecycle]
    # States in which the console keeps polling the row.
    transitional_states: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    @property
    def is_transitional(self) -> bool:
        return bool(self.next_state) or self.state in self.transitional_states

    def begin(self, state: str, *, save: bool = True) -> None:
        """Enter `state` now and schedule its automatic successor, if it has one."""
        now = timezone.now()
        self.state = state
        self.state_changed_at = now
        self.next_state, self.due_at = self.lifecycle.after(state, now)
        if save:
            self.save()
            schedule(self)

    def on_enter(self, state: str) -> None:
        """Side effects of the worker moving this row into `state` (e.g. delete it)."""


def schedule(obj: LifecycleResource) -> None:
    """After the current transaction commits, ask a worker to advance `obj` when due."""
    if not obj.next_state or obj.due_at is None:
        return
    label, pk, state, due = obj._meta.label, obj.pk, obj.state, obj.due_at

    def send() -> None:
        from services.core.tasks import advance_task

        try:
            advance_task.apply_async((label, pk, state), eta=due)
        except Exception:  # broker down: the sweep will advance the row when it is back
            log.warning("could not schedule %s %s; the sweep will advance it", label, pk)

    _publish_on_commit(send)


def begin_many(
    objs: Sequence[LifecycleResource], state: str, *, from_states: Iterable[str], **fields: object
) -> None:
    """Move saved rows of one model into `state` now, as `obj.begin(state)` does for one,
    in one UPDATE and one scheduling on commit. `fields` are other columns every row
    gets the same value of. The UPDATE is a compare-and-set on `from_states`: the caller
    holds the rows' locks, so each must still be in one of them; if one is not, the
    operation's transaction is rolled back and the call run again (`locks.Moved`) rather
    than changing the others alone. Call it inside the operation's transaction."""
    if not objs:
        return
    from services.core import locks

    model = type(objs[0])
    now = timezone.now()
    nxt, due_at = model.lifecycle.after(state, now)
    values = dict(fields, state=state, next_state=nxt, due_at=due_at, state_changed_at=now)
    pks = [obj.pk for obj in objs]
    changed = model.objects.filter(pk__in=pks, state__in=list(from_states)).update(**values)
    if changed != len(set(pks)):
        raise locks.Moved()
    for obj in objs:
        for name, value in values.items():
            setattr(obj, name, value)
    schedule_many(objs)


# Rows of one batch whose due times lie this close share one task, sent for the latest
# of them (rows made one after another in a loop are due microseconds apart).
BATCH_WINDOW = dt.timedelta(seconds=1)


def schedule_many(objs: Iterable[LifecycleResource]) -> None:
    """`schedule` for many rows with one message per model, state and due time: a batch
    changed by one call (StopInstances of 20) is one task, not 20."""
    by_state: dict[tuple[str, str], list[tuple[dt.datetime, int]]] = {}
    for obj in objs:
        if obj.next_state and obj.due_at is not None:
            by_state.setdefault((obj._meta.label, obj.state), []).append((obj.due_at, obj.pk))
    batches: list[tuple[str, str, dt.datetime, list[int]]] = []  # sent when the last is due
    for (label, state), rows in by_state.items():
        rows.sort()
        first, last, pks = rows[0][0], rows[0][0], []
        for due, pk in rows:
            if due - first > BATCH_WINDOW:
                batches.append((label, state, last, pks))
                first, pks = due, []
            last = due
            pks.append(pk)
        batches.append((label, state, last, pks))
    if not batches:
        return

    def send() -> None:
        from services.core.tasks import advance_many_task

        for label, state, due, pks in batches:
            try:
                advance_many_task.apply_async((label, pks, state), eta=due)
            except Exception:  # broker down: the sweep will advance the rows when it is back
                log.warning("could not schedule %s %s; the sweep will advance them", label, pks)

    _publish_on_commit(send)


def _publish_on_commit(send: Callable[[], None]) -> None:
    """Run `send` once the current transaction commits, on the process's publisher
    thread (services.core.publisher), so the call answers without waiting for Redis. A
    send that is lost (a full queue, a process killed first) costs nothing but time: the
    beat sweep advances the row when it is due. Eager tasks (which run on the database)
    are sent inline."""
    publisher.send_on_commit(send)


def advance(model: type[LifecycleResource], pk: int, from_state: str) -> bool:
    """Move row `pk` from `from_state` to its next state if that is due. Returns whether
    this call made the change; a row already moved by someone else is left alone, so
    `on_enter` runs once per transition however many tasks and sweeps race for it."""
    now = timezone.now()
    with transaction.atomic():
        due = model.objects.filter(pk=pk, state=from_state, due_at__lte=now).exclude(next_state="")
        target = due.values_list("next_state", flat=True).first()
        if not target:
            return False
        nxt, due_at = model.lifecycle.after(target, now)
        # Compare-and-set on the state we read: of two racing callers, the second
        # finds no row once the first has committed (PostgreSQL re-checks the WHERE).
        changed = due.filter(next_state=target).update(
            state=target, next_state=nxt, due_at=due_at, state_changed_at=now
        )
        if not changed:
            return False
        obj = model.objects.get(pk=pk)
        obj.on_enter(target)
        if obj.pk is not None and model.objects.filter(pk=pk).exists():
            schedule(obj)
    return True


def pending_due_at(model: type[LifecycleResource], pk: int, from_state: str) -> dt.datetime | None:
    """When row `pk`, still in `from_state`, is due to move on (None if it has moved)."""
    return (
        model.objects.filter(pk=pk, state=from_state)
        .exclude(next_state="")
        .values_list("due_at", flat=True)
        .first()
    )


def lifecycle_models() -> list[type[LifecycleResource]]:
    return [m for m in apps.get_models() if issubclass(m, LifecycleResource)]


def sweep(limit: int = 500) -> int:
    """Advance every overdue row of every lifecycle model; returns how many moved.
    Each row moves at most one step per sweep, so a chain of due states needs one sweep
    per step, as it would with the scheduled tasks."""
    moved = 0
    now = timezone.now()
    for model in lifecycle_models():
        overdue = (
            model.objects.filter(due_at__lte=now)
            .exclude(next_state="")
            .order_by("due_at")
            .values_list("pk", "state")[:limit]
        )
        for pk, state in list(overdue):
            try:
                moved += advance(model, pk, state)
            except Exception:
                # One broken row (a failing on_enter) must not strand all the others.
                log.exception("could not advance %s %s from %s", model._meta.label, pk, state)
    return moved


def settle(max_rounds: int = 20) -> None:
    """Sweep until nothing is overdue (for tests with STRATOLAB_TIME_SCALE=0)."""
    for _ in range(max_rounds):
        if not sweep():
            return
