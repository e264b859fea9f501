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
