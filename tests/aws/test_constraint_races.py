"""A call that loses a race on a database constraint answers the AWS error declared for
the constraint (services.core.constraints), through unmodified boto3.

Each test makes the race certain rather than likely: it holds, uncommitted, the row (or
the lock) a concurrent call would have made, lets the live server's call pass its own
check and wait on PostgreSQL, then commits. The server's call then breaks the
constraint, and must answer what AWS answers, not InternalFailure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from django.db import connection, transaction

from services.core.models import Account
from services.ec2.models import KeyPair
from services.iam.models import User
from services.vpc.models import InternetGateway, Vpc


def _wait_until_blocked(timeout: float = 20.0) -> None:
    """Until some other backend waits for a lock (pg_locks is read live, unlike the
    statistics views, which a transaction reads once)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the server's call never waited on the held row")


def _client(student, service: str):
    """boto3 that tries once: an SDK retries an InternalFailure, and the retry would pass
    the operation's own check instead of the constraint."""
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=student.endpoint,
        aws_access_key_id=student.access_key_id,
        aws_secret_access_key=student.secret_access_key,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def _lose_race(hold: Callable[[], None], call: Callable[[], object]) -> ClientError:
    """Run `hold` in an open transaction, start `call` (a boto3 call), wait until it is
    blocked behind what `hold` did, commit, and return the error the call answered."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        with transaction.atomic():
            hold()
            outcome: Future = pool.submit(call)
            _wait_until_blocked()
        with pytest.raises(ClientError) as caught:
            outcome.result(timeout=60)
    return caught.value


def test_a_key_pair_created_by_a_racing_call_answers_duplicate(student):
    ec2 = _client(student, "ec2")
    account = Account.objects.get(pk=student.account_id)

    def hold() -> None:
        KeyPair.objects.create(
            account=account,
            region="us-east-1",
            key_name="race",
            key_type="rsa",
            fingerprint="00:11",
            public_key="ssh-rsa AAAA",
        )

    error = _lose_race(hold, lambda: ec2.create_key_pair(KeyName="race"))
    assert error.response["Error"]["Code"] == "InvalidKeyPair.Duplicate"
    assert error.response["Error"]["Message"] == "The keypair 'race' already exists."
    assert KeyPair.objects.filter(account=account, key_name="race").count() == 1


def test_an_iam_user_created_by_a_racing_call_answers_entity_already_exists(student):
    iam = _client(student, "iam")
    account = Account.objects.get(pk=student.account_id)

    def hold() -> None:
        User.objects.create(account=account, region="", name="Racer")

    # IAM names are unique whatever their case: the constraint is on lower(name).
    error = _lose_race(hold, lambda: iam.create_user(UserName="racer"))
    assert error.response["Error"]["Code"] == "EntityAlreadyExists"
    assert error.response["Error"]["Message"] == "User with name racer already exists."
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_a_vpc_a_racing_call_attached_a_gateway_to_answers_dependency_violation(student):
    ec2 = _client(student, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]

    def hold() -> None:
        # What a racing AttachInternetGateway holds: a key-share lock on the VPC row (a
        # foreign key's check) and the gateway pointing at it, not yet committed.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM vpc_vpc WHERE resource_id = %s FOR KEY SHARE", [vpc_id])
        vpc = Vpc.objects.get(resource_id=vpc_id)
        InternetGateway.objects.filter(resource_id=igw_id).update(vpc=vpc)

    error = _lose_race(hold, lambda: ec2.delete_vpc(VpcId=vpc_id))
    assert error.response["Error"]["Code"] == "DependencyViolation"
    assert error.response["Error"]["Message"] == (
        f"The vpc '{vpc_id}' has dependencies and cannot be deleted."
    )
    assert Vpc.objects.filter(resource_id=vpc_id).exists()
