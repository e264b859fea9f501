"""EC2 test helpers: calling operations, and checking results against botocore's
output shapes, so what we return is what the AWS API returns."""

from __future__ import annotations

import datetime as dt

import pytest

from services.core import operations, shapes
from services.core.context import CallContext, Principal

_TYPES = {
    "string": str,
    "integer": int,
    "long": int,
    "boolean": bool,
    "float": (float, int),
    "double": (float, int),
    "timestamp": dt.datetime,
    "blob": (bytes, str),
}

# Values the real API returns although botocore's enum spells them otherwise.
_REAL_VALUES = {("PlatformValues", "windows")}


def check_shape(value: object, shape, path: str = "") -> None:
    """Assert `value` fits botocore `shape`: no unknown members, right types."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), f"{path}: expected a structure, got {value!r}"
        for key, member in value.items():
            assert key in shape.members, f"{path}.{key} is not a member of {shape.name}"
            check_shape(member, shape.members[key], f"{path}.{key}")
    elif kind == "list":
        assert isinstance(value, list), f"{path}: expected a list, got {value!r}"
        for i, item in enumerate(value):
            check_shape(item, shape.member, f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{path}: expected a map"
    else:
        expected = _TYPES[kind]
        assert isinstance(value, expected), f"{path}: expected {kind}, got {value!r}"
        if kind in ("integer", "long"):
            assert not isinstance(value, bool), f"{path}: a boolean where a number belongs"
        if getattr(shape, "enum", None) and (shape.name, value) not in _REAL_VALUES:
            assert value in shape.enum, f"{path}: {value!r} is not one of {shape.name}"


class Caller:
    """Calls EC2 operations as one account and checks every answer's shape."""

    def __init__(self, ctx: CallContext) -> None:
        self.ctx = ctx

    def __call__(self, action: str, **params: object) -> dict:
        result = operations.call(self.ctx, "ec2", action, params)
        output = shapes.operation_model("ec2", action).output_shape
        if output is not None:
            check_shape(result, output, action)
        return result

    def region(self, region: str) -> Caller:
        return Caller(self.ctx.in_region(region))


@pytest.fixture
def ec2(ctx) -> Caller:
    return Caller(ctx)


@pytest.fixture
def other_ec2(other_account) -> Caller:
    return Caller(CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws"))


# The live server for tests through unmodified boto3 (test_key_pool.py).
from tests.aws.conftest import live_gateway, student  # noqa: E402, F401
