"""The lifecycle engine without a worker: due times from the settings knobs, the
compare-and-set transition, idempotence under repeats and races, the sweep."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models.signals import post_delete
from django.utils import timezone

from services.core import lifecycle
from services.ec2.models import Volume

DURATIONS = {"ec2.volume.creating": 4, "ec2.volume.deleting": 3}


@pytest.fixture
def timed(settings):
    """Real durations: creating lasts 4 s, deleting 3 s (at lab speed 1)."""
    settings.STRATOLAB_TIME_SCALE = 1
    settings.STRATOLAB_LIFECYCLE_SECONDS = DURATIONS
    return settings


def new_volume(account, state: str = "creating") -> Volume:
    vol = Volume(account=account, region="us-east-1", availability_zone="us-east-1a", size=8)
    vol.begin(state)
    return vol


def overdue(vol: Volume) -> None:
    Volume.objects.filter(pk=vol.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))


@pytest.fixture
def deletions():
    """How many volume rows were deleted (Volume.on_enter("deleted") deletes the row)."""
    seen: list[str] = []

    def count(sender, instance, **kwargs):
        seen.append(instance.resource_id)

    post_delete.connect(count, sender=Volume)
    yield seen
    post_delete.disconnect(count, sender=Volume)


def test_the_due_time_is_the_setting_times_the_lab_speed(account, timed):
    vol = new_volume(account)
    assert (vol.state, vol.next_state) == ("creating", "available")
    assert vol.due_at - vol.state_changed_at == dt.timedelta(seconds=4)
    timed.STRATOLAB_TIME_SCALE = 0.25
    assert new_volume(account).lifecycle.duration("creating") == dt.timedelta(seconds=1)
    assert Volume.lifecycle.after("available", timezone.now()) == ("", None)


def test_nothing_moves_before_it_is_due(account, timed):
    vol = new_volume(account)
    assert lifecycle.advance(Volume, vol.pk, "creating") is False
    assert lifecycle.sweep() == 0
    vol.refresh_from_db()
    assert vol.state == "creating"


def test_advance_moves_a_due_row_once(account, timed):
    vol = new_volume(account)
    overdue(vol)
    assert lifecycle.advance(Volume, vol.pk, "creating") is True
    vol.refresh_from_db()
    assert (vol.state, vol.next_state, vol.due_at) == ("available", "", None)
    changed_at = vol.state_changed_at
    assert lifecycle.advance(Volume, vol.pk, "creating") is False
    vol.refresh_from_db()
    assert vol.state == "available"
    assert vol.state_changed_at == changed_at


def test_a_late_task_for_a_state_the_row_has_left_is_harmless(account, timed):
    vol = new_volume(account)
    overdue(vol)
    lifecycle.advance(Volume, vol.pk, "creating")
    vol.refresh_from_db()
    vol.begin("deleting")  # the user deleted it meanwhile; an old task arrives now
    assert lifecycle.advance(Volume, vol.pk, "creating") is False
    vol.refresh_from_db()
    assert vol.state == "deleting"


def test_on_enter_runs_once_however_often_the_transition_is_asked(account, timed, deletions):
    vol = new_volume(account, "deleting")
    overdue(vol)
    results = [lifecycle.advance(Volume, vol.pk, "deleting") for _ in range(3)]
    assert results == [True, False, False]
    assert deletions == [vol.resource_id]
    assert not Volume.objects.filter(pk=vol.pk).exists()


def test_an_unknown_row_or_model_is_ignored(account, timed):
    from services.core.tasks import advance_task

    assert lifecycle.advance(Volume, 10**9, "creating") is False
    assert advance_task.run("ec2.NoSuchModel", 1, "creating") is False


def test_the_sweep_moves_every_overdue_row_one_step(account, timed):
    due = [new_volume(account) for _ in range(3)]
    later = new_volume(account)
    for vol in due:
        overdue(vol)
    assert lifecycle.sweep() == 3
    states = dict(Volume.objects.values_list("pk", "state"))
    assert [states[v.pk] for v in due] == ["available"] * 3
    assert states[later.pk] == "creating"
    assert lifecycle.sweep() == 0


def test_settle_runs_everything_due_at_lab_speed_zero(account, settings):
    settings.STRATOLAB_TIME_SCALE = 0
    vol = new_volume(account)
    lifecycle.settle()
    vol.refresh_from_db()
    assert vol.state == "available"


@pytest.mark.django_db(transaction=True)
def test_two_racing_advances_make_one_transition(account, timed, deletions):
    """Two workers (a task and the sweep) get the same row at once: exactly one of them
    moves it and runs on_enter; PostgreSQL re-checks the other's WHERE after the lock."""
    rows = [new_volume(account, "deleting") for _ in range(5)]
    for vol in rows:
        overdue(vol)
    for vol in rows:
        barrier = threading.Barrier(2)
        results: list[bool] = []

        def race(pk: int = vol.pk, barrier=barrier, results=results) -> None:
            try:
                barrier.wait()
                results.append(lifecycle.advance(Volume, pk, "deleting"))
            finally:
                connection.close()

        threads = [threading.Thread(target=race) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(results) == [False, True]
    assert sorted(deletions) == sorted(v.resource_id for v in rows)
    assert not Volume.objects.exists()


def test_a_task_delivered_early_leaves_the_row_for_later(account, timed):
    from services.core.tasks import advance_task

    vol = new_volume(account)
    assert advance_task.run("ec2.Volume", vol.pk, "creating") is False
    vol.refresh_from_db()
    assert vol.state == "creating"
