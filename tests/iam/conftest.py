"""IAM fixtures: calling IAM as the root user, and call contexts for IAM users and
assumed roles, as the AWS door would build them from their access keys."""

from __future__ import annotations

import json

import pytest

from services.core import operations
from services.core.context import CallContext


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


@pytest.fixture
def iam(ctx):
    """Call an IAM (or STS) action as the account's root user."""

    def run(action: str, service: str = "iam", **params) -> dict:
        return operations.call(ctx, service, action, params)

    return run


@pytest.fixture
def as_key(account):
    """A call context for whoever owns an access key, as the AWS door resolves it."""
    from services.iam.credentials import principal_for_access_key

    def make(key_id: str, session_token: str = "", region: str = "us-east-1", **kw) -> CallContext:
        creds = principal_for_access_key(key_id, session_token=session_token)
        return CallContext(
            account=creds.account,
            region=region,
            principal=creds.principal,
            door=kw.pop("door", "aws"),
            access_key_id=key_id,
            **kw,
        )

    return make


@pytest.fixture
def user_ctx(iam, as_key):
    """Create an IAM user with the given managed policy ARNs and inline documents, and
    return a call context signed with a fresh access key of theirs."""

    def make(name: str = "alice", managed: tuple[str, ...] = (), inline: tuple[str, ...] = (),
             **kw) -> CallContext:  # fmt: skip
        iam("CreateUser", UserName=name)
        for arn in managed:
            iam("AttachUserPolicy", UserName=name, PolicyArn=arn)
        for i, document in enumerate(inline):
            iam("PutUserPolicy", UserName=name, PolicyName=f"inline{i}", PolicyDocument=document)
        key = iam("CreateAccessKey", UserName=name)["AccessKey"]
        return as_key(key["AccessKeyId"], **kw)

    return make


def call(ctx: CallContext, service: str, action: str, **params) -> dict:
    return operations.call(ctx, service, action, params)


# The console and REST clients of those suites, for IAM's pages and routes.
from tests.api.conftest import api, key_client, root_key  # noqa: E402, F401
from tests.aws.conftest import live_gateway, student  # noqa: E402, F401
