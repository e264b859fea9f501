"""Paging tokens: one tolerant decoder gives each service's invalid-token error for
anything it did not make (issue 12: tokens of deeply nested JSON or 1e999 gave 500s)."""

from __future__ import annotations

import base64

import pytest

from services.core import describe, operations
from services.core.errors import AwsError


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


ODD_TOKENS = [
    b64("[" * 5000 + "]" * 5000),
    b64('{"after": ' + "[" * 400 + "]" * 400 + "}"),
    b64('{"after": 1e999}'),
    b64('{"after": -1}'),
    b64('{"after": 99999999999999999999999}'),
    b64('{"after": true}'),
    b64('{"after": "3"}'),
    b64('{"after": ' + "9" * 5000 + "}"),
    b64("[1, 2]"),
    b64("null"),
    "not base64 at all!",
    "ŝ",
    "A" * 100_000,
]


@pytest.mark.parametrize("token", ODD_TOKENS)
def test_odd_tokens_are_the_callers_error(token) -> None:
    error = AwsError("InvalidNextToken", "bad")
    with pytest.raises(AwsError) as info:
        describe.read_token(token, "after", error)
    assert info.value is error


def test_a_token_it_made_reads_back() -> None:
    token = describe.make_token("after", 42)
    assert describe.read_token(token, "after", AwsError("X", "x")) == 42


@pytest.mark.parametrize(
    ("service", "action", "params", "code"),
    [
        ("ec2", "DescribeVolumes", {"NextToken": ODD_TOKENS[0]}, "InvalidPaginationToken"),
        ("ec2", "DescribeVpcs", {"NextToken": ODD_TOKENS[2]}, "InvalidPaginationToken"),
        ("ec2", "DescribeInstanceTypes", {"NextToken": ODD_TOKENS[2]}, "InvalidNextToken"),
        ("iam", "ListUsers", {"Marker": b64('{"o": 1e999}')}, "InvalidInput"),
        ("iam", "ListRoles", {"Marker": b64('{"o": -5}')}, "InvalidInput"),
        ("cloudtrail", "LookupEvents", {"NextToken": "-5"}, "InvalidNextTokenException"),
        ("cloudtrail", "LookupEvents", {"NextToken": "9" * 40}, "InvalidNextTokenException"),
    ],
)
def test_every_service_answers_its_invalid_token_error(ctx, service, action, params, code):
    with pytest.raises(AwsError) as info:
        operations.call(ctx, service, action, params)
    assert (info.value.code, info.value.status) == (code, 400)


def test_a_cloudtrail_token_pages_on(ctx) -> None:
    for name in ("a", "b", "c"):
        operations.call(ctx, "iam", "CreateGroup", {"GroupName": name})
    first = operations.call(ctx, "cloudtrail", "LookupEvents", {"MaxResults": 2})
    rest = operations.call(
        ctx, "cloudtrail", "LookupEvents", {"MaxResults": 2, "NextToken": first["NextToken"]}
    )
    assert len(first["Events"]) == 2 and rest["Events"]
