"""Lifecycles with a real broker, worker and beat: transitions happen on time, and a
stopped worker or a lost message delays a transition but never strands it (rule 5 of
ARCHITECTURE.md). Durations here are real seconds, so these tests poll with deadlines."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from console.celery import app
from services.core import operations, publisher
from services.ec2.models import Volume

pytestmark = pytest.mark.worker

SWEEP_SECONDS = 1.0  # tests/settings.py runs the beat sweep every second
ON_TIME = 1.5  # how late a scheduled transition may be on a busy machine
LATE = 3.0  # how late one may be when the sweep has to do it


def create_volume(ctx) -> Volume:
    out = operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    return Volume.objects.get(resource_id=out["VolumeId"])


def wait_for(vol: Volume, state: str, timeout: float) -> list[tuple[float, str]]:
    """Poll the row until it is in `state`; returns what was seen as (unix time, state)."""
    seen: list[tuple[float, str]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = Volume.objects.filter(pk=vol.pk).values_list("state", flat=True).first()
        seen.append((time.time(), current))
        if current == state:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"{vol.resource_id} still {seen[-1][1]!r} after {timeout}s")


def test_a_volume_becomes_available_on_time(timed_worker, timed_lifecycles, ctx):
    vol = create_volume(ctx)
    due = vol.due_at.timestamp()
    assert 1.9 <= due - vol.state_changed_at.timestamp() <= 2.1  # 4 s x 0.5

    seen = wait_for(vol, "available", timeout=due - time.time() + LATE + 2)

    assert all(state == "creating" for at, state in seen if at < due - 0.05)
    vol.refresh_from_db()
    moved = vol.state_changed_at.timestamp()
    # The scheduled task fires at its ETA (a few ms late when idle); the sweep is the
    # fallback a second later.
    assert due <= moved <= due + ON_TIME
    assert (vol.next_state, vol.due_at) == ("", None)


def test_a_stopped_worker_or_a_lost_message_delays_a_transition_but_never_strands_it(
    timed_worker, timed_lifecycles, ctx
):
    """One worker outage for two cases (a worker restart is slow): `lost` has its
    scheduled task purged from the broker, so only the beat sweep can move it; `queued`
    keeps its task, delivered late when the worker is back."""
    timed_worker.stop()
    try:
        lost = create_volume(ctx)
        assert publisher.lifecycle_messages.flush()  # its task is in the broker now
        # The broker loses the scheduled task (a Redis flush, a crash before delivery).
        assert app.control.purge() >= 1
        assert app.control.purge() == 0
        queued = create_volume(ctx)
        while timezone.now() <= queued.due_at:  # both are due, nobody is there to move them
            time.sleep(0.1)
        time.sleep(SWEEP_SECONDS)
        assert set(Volume.objects.values_list("state", flat=True)) == {"creating"}
    finally:
        timed_worker.start()
    restarted = time.time()
    for vol in (lost, queued):
        wait_for(vol, "available", timeout=LATE + 2)
        vol.refresh_from_db()
        assert vol.state_changed_at.timestamp() >= restarted - 0.5


def test_the_sweep_advances_a_row_that_was_never_scheduled(timed_worker, timed_lifecycles, ctx):
    vol = Volume(account=ctx.account, region="us-east-1", availability_zone="us-east-1a", size=8)
    vol.begin("creating", save=False)
    vol.save()  # a row written without schedule(): no message at all
    due = vol.due_at
    wait_for(vol, "available", timeout=due.timestamp() - time.time() + LATE + 2)
    vol.refresh_from_db()
    assert due <= vol.state_changed_at <= due + dt.timedelta(seconds=SWEEP_SECONDS + 1)


def test_deleting_reaches_gone_through_the_worker(timed_worker, timed_lifecycles, ctx):
    vol = create_volume(ctx)
    wait_for(vol, "available", timeout=vol.due_at.timestamp() - time.time() + LATE + 2)
    operations.call(ctx, "ec2", "DeleteVolume", {"VolumeId": vol.resource_id})
    deadline = time.monotonic() + 1.5 + LATE + 2  # deleting lasts 3 s x 0.5
    while Volume.objects.filter(pk=vol.pk).exists():
        assert time.monotonic() < deadline, "the deleted volume never went away"
        time.sleep(0.05)
