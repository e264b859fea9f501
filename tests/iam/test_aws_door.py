"""IAM and STS through the AWS door with unmodified boto3: the same evaluator decides
for signed requests, temporary credentials work and then expire."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from services.iam.models import TemporaryCredential

EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"


def error(fn, **kwargs) -> dict:
    with pytest.raises(ClientError) as err:
        fn(**kwargs)
    return err.value.response["Error"]


def test_ec2_read_only_user_through_boto3(student) -> None:
    iam = student.client("iam")
    user = iam.create_user(UserName="alice", Path="/students/")["User"]
    assert user["Arn"] == f"arn:aws:iam::{student.account_id}:user/students/alice"
    iam.attach_user_policy(UserName="alice", PolicyArn=EC2_READ)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    ec2 = student.client("ec2", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert ec2.describe_volumes()["Volumes"] == []
    refused = error(ec2.create_volume, AvailabilityZone="us-east-1a", Size=8)
    assert refused["Code"] == "UnauthorizedOperation"
    assert refused["Message"].startswith(
        "You are not authorized to perform this operation. User: "
        f"arn:aws:iam::{student.account_id}:user/students/alice is not authorized to perform: "
        "ec2:CreateVolume on resource: "
    )
    dry = error(ec2.create_volume, AvailabilityZone="us-east-1a", Size=8, DryRun=True)
    assert dry["Code"] == "UnauthorizedOperation"
    sts = student.client("sts", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == user["Arn"]
    # The policy document comes back as a dict: botocore decodes IAM's URL-encoding.
    version = iam.get_policy_version(PolicyArn=EC2_READ, VersionId="v2")["PolicyVersion"]
    assert version["Document"]["Statement"][0]["Sid"] == "EC2"


def test_assume_role_through_boto3_and_expiry(student) -> None:
    iam = student.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": f"arn:aws:iam::{student.account_id}:root"}}]}  # fmt: skip
    role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    assert role["AssumeRolePolicyDocument"] == trust
    iam.attach_role_policy(RoleName="reader", PolicyArn=EC2_READ)
    iam.create_user(UserName="bob")
    may_assume = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}
    document = json.dumps({"Version": "2012-10-17", "Statement": [may_assume]})
    iam.put_user_policy(UserName="bob", PolicyName="assume", PolicyDocument=document)
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    sts = student.client("sts", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="lab", DurationSeconds=900)[
        "Credentials"]  # fmt: skip
    session = dict(key_id=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                   aws_session_token=creds["SessionToken"])  # fmt: skip
    who = student.client("sts", **session).get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{student.account_id}:assumed-role/reader/lab"
    ec2 = student.client("ec2", **session)
    assert ec2.describe_volumes()["Volumes"] == []
    TemporaryCredential.objects.filter(access_key_id=creds["AccessKeyId"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = error(student.client("sts", **session).get_caller_identity)
    assert expired["Code"] == "ExpiredToken"
    assert error(ec2.describe_volumes)["Code"] == "RequestExpired"
