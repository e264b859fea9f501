"""What a call costs besides its own work, and that the savings change nothing a caller
sees: a read makes no BEGIN/COMMIT (and still runs in a transaction if it turns out to
write or lock), a write's audit INSERT carries its COMMIT, and lifecycle messages are
sent by a thread of their own after the commit (docs/ARCHITECTURE.md "Per-call cost").

These run outside a test transaction (`transactional_db`): inside one, every call is
nested and takes the plain path."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.core import locks, operations, publisher
from services.core.errors import AwsError
from services.core.models import Event
from services.ec2.models import Volume

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = {"AvailabilityZone": "us-east-1a", "Size": 8}


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def test_a_read_makes_no_begin_or_commit_and_is_audited(ctx):
    with CaptureQueriesContext(connection) as queries:
        operations.call(ctx, "ec2", "DescribeVolumes", {})
    sql = statements(queries)
    assert not [s for s in sql if s.split()[0] in ("BEGIN", "COMMIT")]
    assert sql[-1].startswith('INSERT INTO "core_event"') and "COMMIT" not in sql[-1]
    event = Event.objects.get()
    assert (event.event_name, event.read_only, event.error_code) == ("DescribeVolumes", True, "")


def test_a_write_commits_in_its_audit_statement(ctx):
    with CaptureQueriesContext(connection) as queries:
        out = operations.call(ctx, "ec2", "CreateVolume", ZONE)
    inserts = [s for s in statements(queries) if s.startswith('INSERT INTO "core_event"')]
    assert len(inserts) == 1 and inserts[0].endswith("; COMMIT")
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status == 0  # idle: nothing left open
    assert Volume.objects.filter(resource_id=out["VolumeId"]).exists()
    assert Event.objects.get().response_elements["VolumeId"] == out["VolumeId"]


def test_a_failed_write_still_changes_nothing(ctx, throwaway):
    def half_done(c, params):
        Volume(account=c.account, region=c.region, availability_zone="us-east-1a", size=8).save()
        raise AwsError("VolumeLimitExceeded", "You have exceeded your maximum gp2 storage limit.")

    throwaway("StratolabTestHalfDone", half_done)
    with pytest.raises(AwsError):
        operations.call(ctx, "ec2", "StratolabTestHalfDone", {})
    assert not Volume.objects.exists()
    assert Event.objects.get().error_code == "VolumeLimitExceeded"


def test_a_read_that_writes_runs_once_in_a_transaction(ctx, throwaway):
    runs = []

    def describe_and_write(c, params):
        runs.append(connection.in_atomic_block)
        Volume.objects.filter(account=c.account).count()
        Volume(account=c.account, region=c.region, availability_zone="us-east-1a", size=8).save()
        return {}

    throwaway("DescribeStratolabWriting", describe_and_write, read_only=True)
    operations.call(ctx, "ec2", "DescribeStratolabWriting", {})
    # The first run stopped at its INSERT (before sending it); the second was a write.
    assert runs == [False, True]
    assert Volume.objects.count() == 1 and Event.objects.count() == 1


def test_a_read_that_writes_then_fails_keeps_nothing(ctx, throwaway):
    def describe_badly(c, params):
        Volume(account=c.account, region=c.region, availability_zone="us-east-1a", size=8).save()
        raise AwsError("InvalidParameterValue", "no")

    throwaway("DescribeStratolabBadly", describe_badly, read_only=True)
    with pytest.raises(AwsError):
        operations.call(ctx, "ec2", "DescribeStratolabBadly", {})
    assert not Volume.objects.exists()
    assert Event.objects.get().error_code == "InvalidParameterValue"


def test_a_read_that_locks_gets_its_transaction(ctx, throwaway):
    def describe_locked(c, params):
        locks.lock_account(c)  # SELECT ... FOR NO KEY UPDATE needs a transaction
        return {"InTransaction": connection.in_atomic_block}

    throwaway("DescribeStratolabLocked", describe_locked, read_only=True)
    assert operations.call(ctx, "ec2", "DescribeStratolabLocked", {}) == {"InTransaction": True}


def test_a_read_that_swallows_exceptions_still_cannot_write_outside_a_transaction(ctx, throwaway):
    def describe_carelessly(c, params):
        volume = Volume(account=c.account, region=c.region, availability_zone="us-east-1a", size=8)
        try:
            volume.save()
        except Exception:  # code that hides errors must not hide the switch to a write
            return {"Swallowed": True}
        return {"InTransaction": connection.in_atomic_block}

    throwaway("DescribeStratolabCareless", describe_carelessly, read_only=True)
    out = operations.call(ctx, "ec2", "DescribeStratolabCareless", {})
    assert out == {"InTransaction": True} and Volume.objects.count() == 1


# --- the lifecycle publisher ---------------------------------------------------------------


def test_a_send_runs_on_the_publisher_thread_not_the_callers():
    gate, ran = threading.Event(), []
    pub = publisher.Publisher("test-publisher")
    pub.submit(lambda: (gate.wait(5), ran.append(threading.current_thread().name)))
    assert ran == [] and not pub.flush(timeout=0.05)  # the caller did not wait for it
    gate.set()
    assert pub.flush() and ran == ["test-publisher"]


def test_a_full_queue_drops_the_send_and_says_so():
    gate = threading.Event()
    pub = publisher.Publisher("test-publisher-small", limit=1)
    pub.submit(lambda: gate.wait(5))  # taken by the thread at once, or queued
    accepted = [pub.submit(lambda: None) for _ in range(3)]
    assert False in accepted and pub.dropped >= 1
    gate.set()
    assert pub.flush()


def test_a_failing_send_does_not_stop_the_ones_after_it():
    ran = []
    pub = publisher.Publisher("test-publisher-errors")
    pub.submit(lambda: 1 / 0)
    pub.submit(lambda: ran.append(1))
    assert pub.flush() and ran == [1]


def test_a_call_hands_its_lifecycle_message_over_after_commit(ctx, monkeypatch):
    from services.core.tasks import advance_task

    sent: list[tuple] = []
    gate = threading.Event()
    monkeypatch.setattr(advance_task, "apply_async", lambda args, eta: sent.append(args))
    publisher.lifecycle_messages.submit(lambda: gate.wait(5))  # hold the thread back
    try:
        out = operations.call(ctx, "ec2", "CreateVolume", ZONE)
        assert sent == []  # answered before its message went out
    finally:
        gate.set()
    assert publisher.lifecycle_messages.flush()
    volume = Volume.objects.get(resource_id=out["VolumeId"])
    assert sent == [("ec2.Volume", volume.pk, "creating")]


@pytest.mark.parametrize(
    ("sql", "in_transaction"),
    [
        ("WITH n AS (SELECT 1 AS one) SELECT one FROM n", False),
        ("(SELECT 1) UNION (SELECT 2)", False),
        ('SELECT "delete_on_termination" FROM ec2_volumeattachment LIMIT 1', False),
        ("SELECT 1 FROM core_account FOR SHARE", True),
        ("WITH gone AS (DELETE FROM core_event WHERE false RETURNING 1) SELECT 1", True),
        ("SELECT pg_advisory_xact_lock(42)", True),
    ],
)
def test_what_counts_as_a_read(ctx, throwaway, sql, in_transaction):
    def describe_raw(c, params):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        return {"InTransaction": connection.in_atomic_block}

    throwaway("DescribeStratolabRaw", describe_raw, read_only=True)
    out = operations.call(ctx, "ec2", "DescribeStratolabRaw", {})
    assert out == {"InTransaction": in_transaction}
