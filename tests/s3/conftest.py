"""S3 test helpers: calling S3 operations as a given caller (root, another account,
an IAM user, nobody), with each test's object bodies under the test home folder."""

from __future__ import annotations

import pytest

from services.core import operations
from services.core.context import CallContext, Principal


class S3Caller:
    """`s3("PutObject", Bucket=..., Key=..., Body=b"...")` as one caller."""

    def __init__(self, ctx: CallContext) -> None:
        self.ctx = ctx

    def __call__(self, action: str, **params) -> dict:
        return operations.call(self.ctx, "s3", action, params)

    def region(self, region: str) -> S3Caller:
        return S3Caller(self.ctx.in_region(region))

    def read(self, bucket: str, key: str, **params) -> bytes:
        out = self("GetObject", Bucket=bucket, Key=key, **params)
        with out["Body"] as body:
            return body.read()


def caller(account, principal: Principal | None = None, region: str = "us-east-1") -> S3Caller:
    return S3Caller(
        CallContext(
            account=account,
            region=region,
            principal=principal or Principal.root(account.id),
            door="aws",
        )
    )


@pytest.fixture
def s3(account) -> S3Caller:
    return caller(account)


@pytest.fixture
def other_s3(other_account) -> S3Caller:
    return caller(other_account)


@pytest.fixture
def anonymous_s3(account) -> S3Caller:
    """A caller without credentials (the door sets the bucket owner's account)."""
    from services.s3.access import anonymous

    return caller(account, anonymous())
