"""Bad input through the AWS door with unmodified boto3 (issue 12 item 4): each gets the
AWS error a real account gets, never a 500, and changes nothing."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError


def error_of(call, **params) -> dict:
    with pytest.raises(ClientError) as info:
        call(**params)
    response = info.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_a_filter_of_thousands_of_stars_matches_like_one(student):
    ec2 = student.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "lab"}]}])  # fmt: skip
    for filters in (
        [{"Name": "tag:Name", "Values": ["*" * 5000]}],
        [{"Name": "tag-value", "Values": ["*" * 2500 + "l*b"]}],
        [{"Name": "availability-zone", "Values": ["u" + "*?" * 3 + "*" * 2000 + "-1?"]}],
    ):
        found = ec2.describe_volumes(Filters=filters)["Volumes"]
        assert [v["VolumeId"] for v in found] == [volume["VolumeId"]]
    none = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["*" * 3000 + "x"]}])
    assert none["Volumes"] == []


def test_public_ip_that_is_no_address(student):
    ec2 = student.client("ec2")
    allocation = ec2.allocate_address(Domain="vpc")
    invalid = {
        "Code": "InvalidParameterValue",
        "Message": "Invalid value 'x' for PublicIp. Not a valid IPv4 address.",
        "Status": 400,
    }
    invalid = {k: invalid[k] for k in ("Code", "Message", "Status")}

    def error(call, **params) -> dict:
        return {k: error_of(call, **params)[k] for k in invalid}

    assert error(ec2.describe_addresses, PublicIps=["x"]) == invalid
    assert error(ec2.associate_address, PublicIp="x", InstanceId="i-0123456789abcdef0") == invalid
    assert error(ec2.disassociate_address, PublicIp="x") == invalid
    assert error(ec2.release_address, PublicIp="x") == invalid
    left = ec2.describe_addresses()["Addresses"]
    assert [a["AllocationId"] for a in left] == [allocation["AllocationId"]]


def test_delete_tags_with_a_tag_without_key(student):
    ec2 = student.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "lab"}]}])  # fmt: skip
    err = error_of(ec2.delete_tags, Resources=[volume["VolumeId"]], Tags=[{"Value": "lab"}])
    assert (err["Code"], err["Status"]) == ("InvalidParameterValue", 400)
    assert err["Message"] == (
        "Value (  ) for parameter Tag key is invalid. Tag key cannot be null or empty."
    )
    (still,) = ec2.describe_volumes(VolumeIds=[volume["VolumeId"]])["Volumes"]
    assert still["Tags"] == [{"Key": "Name", "Value": "lab"}]


@pytest.mark.parametrize(
    "token",
    [b64("[" * 3000 + "]" * 3000), b64('{"after": 1e999}'), b64('{"after": ' + "9" * 400 + "}")],
)
def test_odd_next_tokens_are_invalid_tokens(student, token):
    ec2 = student.client("ec2")
    err = error_of(ec2.describe_volumes, NextToken=token, MaxResults=5)
    assert (err["Code"], err["Status"]) == ("InvalidPaginationToken", 400)
    err = error_of(ec2.describe_instance_types, NextToken=token)
    assert (err["Code"], err["Status"]) == ("InvalidNextToken", 400)
    err = error_of(student.client("cloudtrail").lookup_events, NextToken=token)
    assert (err["Code"], err["Status"]) == ("InvalidNextTokenException", 400)


def test_odd_iam_markers(student):
    iam = student.client("iam")
    err = error_of(iam.list_users, Marker=b64('{"o": 1e999}'))
    assert (err["Code"], err["Message"], err["Status"]) == ("InvalidInput", "Invalid Marker.", 400)
    # A marker longer than IAM's 320 characters is refused by its length constraint.
    err = error_of(iam.list_users, Marker=b64("[" * 400 + "]" * 400))
    assert (err["Code"], err["Status"]) == ("ValidationError", 400)
    assert "Member must have length less than or equal to 320" in err["Message"]


def test_a_policy_nested_2000_deep_is_malformed(student):
    iam = student.client("iam")
    deep = '{"Version": "2012-10-17", "Statement": ' + "[" * 2000 + "]" * 2000 + "}"
    err = error_of(iam.create_policy, PolicyName="deep", PolicyDocument=deep)
    assert (err["Code"], err["Message"], err["Status"]) == (
        "MalformedPolicyDocument",
        "Syntax errors in policy.",
        400,
    )
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_an_iam_description_of_1001_characters(student):
    iam = student.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})  # fmt: skip
    long = "d" * 1001
    err = error_of(iam.create_role, RoleName="lab", AssumeRolePolicyDocument=trust,
                   Description=long)  # fmt: skip
    assert err["Code"] == "ValidationError" and err["Status"] == 400
    assert err["Message"] == (
        f"1 validation error detected: Value '{long}' at 'description' failed to satisfy "
        "constraint: Member must have length less than or equal to 1000"
    )
    assert iam.list_roles()["Roles"] == []
