"""The console's Switch role: a signed-in IAM user assumes a role through
sts:AssumeRole and every page then runs as the role session (IAM-06 for its expiry)."""

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from services.ec2.models import Volume
from services.iam.models import TemporaryCredential

EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"


def _trust(account_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def _signed_in_user(iam, account, *, may_assume: bool = True) -> Client:
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password="Corr3ct-horse")
    if may_assume:
        iam("AttachUserPolicy", UserName="alice", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
        iam(
            "PutUserPolicy",
            UserName="alice",
            PolicyName="assume",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
                }
            ),
        )
    iam("CreateRole", RoleName="Reader", AssumeRolePolicyDocument=_trust(account.id))
    iam("AttachRolePolicy", RoleName="Reader", PolicyArn=EC2_READ)
    client = Client()
    client.post(
        "/signin",
        {"mode": "iam", "account": account.id, "username": "alice", "password": "Corr3ct-horse"},
    )
    return client


def _switch(client: Client, account, **extra):
    data = {"account": account.id, "role": "Reader", "display": "Reading", "colour": "green"}
    return client.post("/us-east-1/iam/switch-role/", {**data, **extra}, follow=True)


def test_a_user_switches_to_a_read_only_role_and_its_policies_apply(iam, account):
    client = _signed_in_user(iam, account)
    page = _switch(client, account)
    assert b"data-role-badge" in page.content
    assert b"Reading" in page.content and b"--role-colour: #B7CA9D" in page.content
    assert b"Switch back" in page.content
    assert client.get("/us-east-1/ec2/volumes/").status_code == 200
    page = client.post(
        "/us-east-1/ec2/volumes/create/",
        {"VolumeType": "gp3", "Size": "8", "AvailabilityZone": "us-east-1a"},
        follow=True,
    )
    assert b"UnauthorizedOperation" in page.content
    arn = f"arn:aws:sts::{account.id}:assumed-role/Reader/alice"
    assert arn.encode() in page.content
    assert not Volume.objects.filter(account=account).exists()


def test_switch_back_restores_the_signed_in_user(iam, account):
    """IAM-01: back as alice, only her own policies apply (none for EC2)."""
    client = _signed_in_user(iam, account)
    _switch(client, account)
    page = client.post("/us-east-1/iam/switch-back/", follow=True)
    assert b"data-role-badge" not in page.content
    assert b"IAM user alice" in page.content
    assert b"You switched back from Reading." in page.content
    # the role stays in the account menu's history, one click from switching again
    assert b"data-role-history" in page.content
    # alice herself has no EC2 permissions: her own policies apply again
    page = client.post(
        "/us-east-1/ec2/volumes/create/",
        {"VolumeType": "gp3", "Size": "8", "AvailabilityZone": "us-east-1a"},
        follow=True,
    )
    assert f"arn:aws:iam::{account.id}:user/alice".encode() in page.content


def test_an_expired_role_session_returns_to_the_user_with_a_flashbar(iam, account):
    """IAM-06: temporary credentials expire, in the console as at every door."""
    client = _signed_in_user(iam, account)
    _switch(client, account)
    TemporaryCredential.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    page = client.get("/home/")
    assert b"has expired" in page.content
    assert b"data-role-badge" not in page.content
    assert b"IAM user alice" in page.content
    assert client.get("/home/").content.count(b"has expired") == 0


def test_root_cannot_switch_role_and_sees_aws_error(iam, account, console):
    iam("CreateRole", RoleName="Reader", AssumeRolePolicyDocument=_trust(account.id))
    page = _switch(console, account)
    assert b"Roles may not be assumed by root accounts." in page.content
    assert b"data-role-badge" not in page.content


def test_a_user_the_trust_policy_does_not_allow_is_refused(iam, account):
    client = _signed_in_user(iam, account, may_assume=False)
    page = _switch(client, account)
    assert b"AccessDenied" in page.content
    assert b"is not authorized to perform: sts:AssumeRole" in page.content
    assert b"data-role-badge" not in page.content
    assert not TemporaryCredential.objects.exists()


def test_a_role_in_another_account_shows_that_accounts_resources(iam, account, other_account):
    from services.core import operations
    from services.core.context import CallContext

    there = CallContext.system(other_account, "us-east-1")
    operations.call(
        there,
        "iam",
        "CreateRole",
        {"RoleName": "Auditor", "AssumeRolePolicyDocument": _trust(account.id)},
    )
    operations.call(
        there, "iam", "AttachRolePolicy", {"RoleName": "Auditor", "PolicyArn": EC2_READ}
    )
    volume = operations.call(
        there, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8}
    )["VolumeId"]
    client = _signed_in_user(iam, account)
    page = _switch(client, other_account, role="Auditor", display="")
    assert f"Auditor @ {other_account.alias or other_account.id}".encode() in page.content
    assert volume.encode() in client.get("/us-east-1/ec2/volumes/").content
    assert f"arn:aws:sts::{other_account.id}:assumed-role/Auditor/alice".encode() in page.content
