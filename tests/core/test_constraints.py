"""Length, range and pattern constraints of botocore's models, which botocore's own
validator does not check (issue 12: an IAM Description of 1,001 characters was stored),
answered as each protocol's service answers them, through every door."""

from __future__ import annotations

import json

import pytest

from services.core import operations
from services.core.errors import AwsError
from services.iam.models import Role

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def error(ctx, service: str, action: str, params: dict) -> AwsError:
    with pytest.raises(AwsError) as info:
        operations.call(ctx, service, action, params)
    return info.value


def test_iam_description_over_1000_is_a_validation_error_and_nothing_is_made(ctx):
    long = "d" * 1001
    err = error(ctx, "iam", "CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": TRUST,
                                           "Description": long})  # fmt: skip
    assert (err.code, err.status) == ("ValidationError", 400)
    assert err.message == (
        f"1 validation error detected: Value '{long}' at 'description' failed to satisfy "
        "constraint: Member must have length less than or equal to 1000"
    )
    assert not Role.objects.exists()
    made = {"RoleName": "r", "AssumeRolePolicyDocument": TRUST, "Description": "d" * 1000}
    assert operations.call(ctx, "iam", "CreateRole", made)["Role"]["Description"] == "d" * 1000


def test_iam_lists_every_broken_constraint_in_one_message(ctx):
    err = error(ctx, "iam", "CreateUser", {"UserName": "a b" * 30, "Path": "nope"})
    assert err.message.startswith("3 validation errors detected: ")
    assert (
        "Value 'nope' at 'path' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
    ) in err.message
    assert (
        "at 'userName' failed to satisfy constraint: Member must have length less than or "
        "equal to 64"
    ) in err.message


@pytest.mark.parametrize(
    ("action", "params", "expected"),
    [
        ("ListUsers", {"MaxItems": 0},
         "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater "
         "than or equal to 1"),
        ("ListUsers", {"MaxItems": 1001},
         "Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less "
         "than or equal to 1000"),
        ("CreateUser", {"UserName": "u", "Tags": [{"Key": "k" * 129, "Value": "v"}]},
         f"Value '{'k' * 129}' at 'tags.1.member.key' failed to satisfy constraint: Member must "
         "have length less than or equal to 128"),
        ("UpdateAccessKey", {"AccessKeyId": "AKIAABCDEFGHIJKLMNOP", "Status": "On"},
         "Value 'On' at 'status' failed to satisfy constraint: Member must satisfy enum value "
         "set: [Active, Inactive, Expired]"),
    ],
)  # fmt: skip
def test_iam_ranges_lists_and_enums(ctx, action, params, expected):
    err = error(ctx, "iam", action, params)
    assert (err.code, err.message) == (
        "ValidationError",
        f"1 validation error detected: {expected}",
    )


def test_sts_duration_over_its_maximum(ctx):
    arn = "arn:aws:iam::123456789012:role/lab-role"
    params = {"RoleArn": arn, "RoleSessionName": "s1", "DurationSeconds": 43201}
    err = error(ctx, "sts", "AssumeRole", params)
    assert err.code == "ValidationError"
    assert (
        "at 'durationSeconds' failed to satisfy constraint: Member must have value less than "
        "or equal to 43200"
    ) in err.message


def test_a_missing_required_member_is_named_as_iam_names_it(ctx):
    err = error(ctx, "iam", "CreateUser", {})
    assert err.message == (
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_cloudtrail_lengths_are_a_validation_exception(ctx):
    attribute = {"AttributeKey": "Username", "AttributeValue": "u" * 2001}
    err = error(ctx, "cloudtrail", "LookupEvents", {"LookupAttributes": [attribute]})
    assert (err.code, err.status) == ("ValidationException", 400)
    assert (
        "at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member "
        "must have length less than or equal to 2000"
    ) in err.message
    # Its ranges stay CloudTrail's own error.
    assert error(ctx, "cloudtrail", "LookupEvents", {"MaxResults": 51}).code == (
        "InvalidMaxResultsException"
    )


def test_ec2_maximum_lengths_are_invalid_parameter_value(ctx):
    err = error(ctx, "ec2", "CreateImage", {"InstanceId": "i-0123456789abcdef0", "Name": "img",
                                            "Description": "x" * 256})  # fmt: skip
    assert err.code == "InvalidParameterValue"
    assert err.message == (
        f"Value ({'x' * 256}) for parameter description is invalid. "
        "Length must be at most 255 characters."
    )


def test_the_rest_door_goes_through_the_same_check(account):
    from services.core.models import AccessKey
    from tests.api.conftest import key_client

    api = key_client(AccessKey.objects.get(account=account, user_name=""))
    body = {"RoleName": "r", "AssumeRolePolicyDocument": TRUST, "Description": "d" * 1001}
    response = api.post("/api/v1/iam/roles/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "ValidationError"
    assert "Member must have length less than or equal to 1000" in response.json()["detail"]
    assert not Role.objects.exists()


def test_a_password_is_never_echoed_in_the_message(ctx):
    operations.call(ctx, "iam", "CreateUser", {"UserName": "u"})
    secret = "p" * 129
    err = error(ctx, "iam", "CreateLoginProfile", {"UserName": "u", "Password": secret})
    assert secret not in err.message
    assert err.message == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


@pytest.mark.parametrize("text", ["99999999999999999999", "1e999", "garbage"])
def test_a_timestamp_that_cannot_be_read_is_the_services_validation_error(ctx, text):
    """botocore's validator raises RuntimeError on an epoch past year 9999: the
    caller gets the service's validation error naming its text, not InternalFailure."""
    err = error(ctx, "cloudtrail", "LookupEvents", {"StartTime": text})
    assert (err.code, err.status) == ("ValidationException", 400)
    assert f"value: {text}, type: <class 'str'>" in err.message
