"""The AWS door keeps access keys and classroom limits in memory between calls
(services/core/account_generation.py); a change must still hold from the very next
call, through unmodified boto3 against a live server."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_a_deactivated_key_fails_on_the_very_next_call(student):
    iam = student.client("iam")
    iam.create_user(UserName="alice")
    ec2_full = "arn:aws:iam::aws:policy/AmazonEC2FullAccess"
    iam.attach_user_policy(UserName="alice", PolicyArn=ec2_full)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    ec2 = student.client("ec2", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    for _ in range(3):  # the server has the key in memory now
        ec2.describe_vpcs()

    iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as err:
        ec2.describe_vpcs()
    assert _code(err) == "AuthFailure"

    iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert "Vpcs" in ec2.describe_vpcs()

    iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as err:
        ec2.describe_vpcs()
    assert _code(err) == "AuthFailure"


def test_a_key_changed_outside_the_server_fails_at_once(student):
    """A change made by another process (here the test's own ORM, as `stratolab manage`
    or an instructor's page would) reaches the server's memory through PostgreSQL."""
    from services.core.models import AccessKey, Account

    sts = student.client("sts")
    for _ in range(2):
        assert sts.get_caller_identity()["Account"] == student.account_id

    Account.objects.filter(pk=student.account_id).update(status="suspended")
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert _code(err) == "InvalidClientTokenId"
    Account.objects.filter(pk=student.account_id).update(status="active")
    assert sts.get_caller_identity()["Account"] == student.account_id

    AccessKey.objects.filter(access_key_id=student.access_key_id).update(status="Inactive")
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert _code(err) == "InvalidClientTokenId"


def test_a_classroom_limit_holds_from_the_next_call(student):
    from django.contrib.auth.models import User

    from services.classrooms.models import Classroom, Student

    ec2 = student.client("ec2")
    for _ in range(2):  # not a student's account yet, and remembered as such
        ec2.describe_vpcs()
    teacher = User.objects.create_user("cache", "cache@example.com", "chalk and blackboard")
    room = Classroom.objects.create(instructor=teacher, name="Cache class")
    Student.objects.create(
        classroom=room, name="Ada", email="ada@example.com", account_id=student.account_id
    )
    ec2.describe_vpcs()  # a classroom without limits allows it

    Classroom.objects.filter(pk=room.pk).update(allowed_services=["s3"])
    with pytest.raises(ClientError) as err:
        ec2.describe_vpcs()
    assert _code(err) == "UnauthorizedOperation"
    assert "classroom limit: the service ec2 is not available" in str(err.value)

    room.allowed_services = []
    room.allowed_regions = ["eu-west-1"]
    room.save()
    with pytest.raises(ClientError) as err:
        ec2.describe_vpcs()
    assert "this classroom works in eu-west-1 only" in str(err.value)

    Student.objects.filter(account_id=student.account_id).delete()
    ec2.describe_vpcs()
