"""The one lock order (services.core.locks) and what happens when PostgreSQL still
finds a deadlock: the call runs again, or answers the service's AWS error."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from services.core import locks, operations
from services.core.accounts import create_account
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.core.models import Account, Event


def _op(func, service: str = "ec2") -> operations.Operation:
    # Not registered: the registry is the simulated cloud's, and fuzzed as such.
    return operations.Operation(service, "LockTest", func, service, False, False)


@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_and_both_calls_succeed(account):
    """Two calls lock two rows in opposite orders (what the lock order forbids);
    PostgreSQL kills one, which runs again and succeeds."""
    other = create_account("second@example.com", "another long password").account
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    meet = threading.Barrier(2, timeout=10)
    attempts: list[str] = []
    results: dict[str, object] = {}

    def locker(first: str, second: str):
        def func(ctx: CallContext, params: dict) -> dict:
            attempts.append(first)
            list(locks.rows(Account.objects.filter(pk=first)))
            if attempts.count(first) == 1:
                meet.wait()
            list(locks.rows(Account.objects.filter(pk=second)))
            return {"Locked": [first, second]}

        return func

    def run(name: str, first: str, second: str) -> None:
        try:
            results[name] = operations._run(ctx, _op(locker(first, second)), {})
        except AwsError as error:
            results[name] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("a", account.id, other.id)),
        threading.Thread(target=run, args=("b", other.id, account.id)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"a": {"Locked": [account.id, other.id]},
                       "b": {"Locked": [other.id, account.id]}}  # fmt: skip
    assert len(attempts) == 3  # one of them ran twice
    assert Event.objects.filter(event_name="LockTest", error_code="").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_conflict_inside_a_callers_transaction_is_an_aws_error(account):
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")

    def moved(ctx: CallContext, params: dict) -> dict:
        raise locks.Moved()

    with transaction.atomic(), pytest.raises(AwsError) as info:
        operations._run(ctx, _op(moved), {})
    assert (info.value.code, info.value.status) == ("RequestLimitExceeded", 503)


@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("ec2", "RequestLimitExceeded", 503),
        ("iam", "ConcurrentModification", 409),
        ("sts", "Throttling", 400),
        ("cloudtrail", "ThrottlingException", 400),
        ("s3", "SlowDown", 503),
    ],
)
def test_each_service_answers_a_conflict_in_its_own_words(service, code, status):
    error = locks.conflict_error(service)
    assert (error.code, error.status) == (code, status)
    assert error.message


@pytest.mark.django_db(transaction=True)
def test_a_lock_out_of_order_fails_in_the_test_suite(account):
    """STRATOLAB_CHECK_LOCK_ORDER (on in tests) turns an out-of-order lock into an error
    of the test, before it can deadlock under load."""
    from services.vpc.models import Subnet

    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")

    def backwards(ctx: CallContext, params: dict) -> dict:
        list(locks.rows(Subnet.objects.none()))
        locks.lock_account(ctx)
        return {}

    with pytest.raises(locks.LockOrderError, match="core.Account locked after vpc.Subnet"):
        operations._run(ctx, _op(backwards), {})


def test_services_rank_their_own_models_relative_to_others(monkeypatch):
    """Each service declares its models' ranks next to them; the resolved order keeps
    containers before contents across services."""
    order = locks.ranks()
    assert order[0] == "core.Account"
    before = [
        ("iam.Group", "iam.User"),
        ("vpc.Vpc", "vpc.Subnet"),
        ("vpc.NatGateway", "ec2.Instance"),
        ("ec2.PlacementGroup", "ec2.Instance"),
        ("ec2.Instance", "vpc.NetworkInterface"),
        ("vpc.Address", "ec2.Volume"),
        ("ec2.Volume", "ec2.VolumeAttachment"),
    ]
    for first, then in before:
        assert order.index(first) < order.index(then), (first, then)

    # A declaration whose anchor comes later is placed once the anchor is known.
    monkeypatch.setattr(locks, "_declared", [])
    monkeypatch.setattr(locks, "_order", [])
    monkeypatch.setattr(locks, "_index", {})
    locks.declare("b.Late", after="a.Two")
    locks.declare("a.One", "a.Two")
    locks.declare("c.Early", before="a.One")
    assert locks.ranks() == ("core.Account", "c.Early", "a.One", "a.Two", "b.Late")
