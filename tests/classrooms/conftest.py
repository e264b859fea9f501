"""Fixtures of the classroom tests: calling operations as a sandbox through the AWS
door, and evaluating a lab."""

from __future__ import annotations

import pytest

from services.classrooms import checks, labs
from services.core import lifecycle, operations
from services.core.context import CallContext, Principal
from services.core.errors import AwsError


class Caller:
    """`aws.ec2("CreateVpc", CidrBlock=...)` runs an operation as the caller, door "aws"
    (the door the AWS CLI uses); `aws.error(...)` expects an AwsError and returns it."""

    def __init__(self, ctx: CallContext) -> None:
        self.ctx = ctx

    def __call__(self, service: str, action: str, **params) -> dict:
        return operations.call(self.ctx, service, action, params)

    def ec2(self, action: str, **params) -> dict:
        return self("ec2", action, **params)

    def iam(self, action: str, **params) -> dict:
        return self("iam", action, **params)

    def error(self, service: str, action: str, **params) -> AwsError:
        with pytest.raises(AwsError) as info:
            operations.call(self.ctx, service, action, params)
        return info.value

    def as_user(self, name: str) -> Caller:
        ctx = CallContext(
            self.ctx.account,
            self.ctx.region,
            Principal(self.ctx.account.id, "IAMUser", name),
            "aws",
        )
        return Caller(ctx)


@pytest.fixture
def aws(account) -> Caller:
    return Caller(CallContext(account, "us-east-1", Principal.root(account.id), "aws"))


@pytest.fixture
def other_aws(other_account) -> Caller:
    return Caller(CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws"))


def results(slug: str, account) -> checks.LabResult:
    return checks.evaluate(labs.get(slug), account)


def passed(slug: str, account) -> dict[str, bool]:
    """Each check's label → whether it passes now."""
    return {c.label: c.passed for s in results(slug, account).steps for c in s.checks}


def settle() -> None:
    lifecycle.sweep()


@pytest.fixture
def evaluate():
    return results


@pytest.fixture
def instructor(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("teacher", "teacher@example.com", "chalk and blackboard")


@pytest.fixture
def classroom(instructor):
    """A classroom of three students, each with a sandbox."""
    from services.classrooms import provisioning
    from services.classrooms.models import Classroom

    room = Classroom.objects.create(instructor=instructor, name="Cloud 101")
    provisioning.add_roster(
        room,
        "name,email\nAda Lovelace,ada@example.com\nAlan Turing,alan@example.com\n"
        "Grace Hopper,grace@example.com\n",
    )
    return room


def student_caller(student, region: str = "us-east-1") -> Caller:
    account = student.account
    return Caller(CallContext(account, region, Principal.root(account.id), "aws"))


@pytest.fixture
def console_client(account):
    """A Django test client signed in to the console as the root user of `account`."""
    from django.test import Client

    client = Client()
    response = client.post(
        "/signin", {"email": account.root_email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return client
