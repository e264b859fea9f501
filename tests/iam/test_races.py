"""Quotas hold under concurrency: the owner's row is locked while a quota is checked."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from services.core import operations
from services.core.errors import AwsError
from services.core.models import AccessKey


@pytest.mark.django_db(transaction=True)
def test_it_never_gives_a_user_a_third_access_key(account) -> None:
    """IAM-05 under concurrency: two racing CreateAccessKey calls for a user who has
    one key give exactly one more."""
    from services.core.context import CallContext, Principal

    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    operations.call(ctx, "iam", "CreateUser", {"UserName": "alice"})
    operations.call(ctx, "iam", "CreateAccessKey", {"UserName": "alice"})
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def create() -> None:
        try:
            barrier.wait()
            operations.call(ctx.in_region("us-east-1"), "iam", "CreateAccessKey",
                            {"UserName": "alice"})  # fmt: skip
            outcomes.append("created")
        except AwsError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["LimitExceeded", "created"]
    assert AccessKey.objects.filter(account=account, user_name="alice").count() == 2


def _race(ctx, calls: list[tuple[str, dict]]) -> list[object]:
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int, action: str, params: dict) -> None:
        try:
            start.wait()
            results[i] = operations.call(ctx, "iam", action, params)
        except AwsError as error:
            results[i] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_attach_and_delete_policy_race_leaves_no_dangling_attachment(account) -> None:
    """AttachUserPolicy locks the user, then the policy; DeletePolicy the policy: at
    once, either the policy is gone and attached to no one, or it stays attached."""
    import json

    from services.core.context import CallContext, Principal
    from services.iam.models import ManagedPolicy, PolicyAttachment

    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    statement = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    doc = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    made = operations.call(ctx, "iam", "CreatePolicy", {"PolicyName": "p", "PolicyDocument": doc})
    arn = made["Policy"]["Arn"]
    users = [f"u{i}" for i in range(6)]
    for name in users:
        operations.call(ctx, "iam", "CreateUser", {"UserName": name})
    calls = [("AttachUserPolicy", {"UserName": u, "PolicyArn": arn}) for u in users]
    calls += [("DeletePolicy", {"PolicyArn": arn})] * 2
    calls += [("AddUserToGroup", {"GroupName": "nope", "UserName": u}) for u in users[:2]]
    results = _race(ctx, calls)
    assert "InternalFailure" not in results and "ConcurrentModification" not in results
    attached = PolicyAttachment.objects.filter(policy_arn=arn).count()
    if ManagedPolicy.objects.filter(account=account, name="p").exists():
        assert attached == sum(r == {} for r in results[:6])
    else:
        assert attached == 0
