"""Fixtures of the VPC tests: a `call` shortcut, a fresh VPC and a second account's
context."""

from __future__ import annotations

import pytest

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.errors import AwsError


class Caller:
    """`api.CreateVpc(CidrBlock=...)` runs the operation as the caller of `ctx`;
    `api.error("DeleteVpc", VpcId=...)` expects an AwsError and returns it."""

    def __init__(self, ctx: CallContext) -> None:
        self.ctx = ctx

    def __getattr__(self, action: str):
        def run(**params):
            return operations.call(self.ctx, "ec2", action, params)

        return run

    def error(self, action: str, **params) -> AwsError:
        with pytest.raises(AwsError) as info:
            operations.call(self.ctx, "ec2", action, params)
        return info.value


@pytest.fixture
def api(ctx) -> Caller:
    return Caller(ctx)


@pytest.fixture
def other_api(other_account) -> Caller:
    return Caller(CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws"))


@pytest.fixture
def vpc(api) -> dict:
    """A non-default VPC 10.0.0.0/16 in us-east-1."""
    return api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]


@pytest.fixture
def subnet(api, vpc) -> dict:
    return api.CreateSubnet(
        VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a"
    )["Subnet"]
