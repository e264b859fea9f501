"""STS: AssumeRole against trust policies, temporary credentials that expire (IAM-06),
GetSessionToken, and the assumed role's permissions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from services.core.errors import AwsError
from services.core.models import Event
from services.iam import mfa
from services.iam.models import TemporaryCredential
from tests.iam.conftest import allow, call, deny, policy

EC2_READ = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"


def trust(*principals: dict) -> str:
    statements = [
        {"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"} for p in principals
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def denied(ctx, service, action, **params) -> AwsError:
    with pytest.raises(AwsError) as err:
        call(ctx, service, action, **params)
    return err.value


@pytest.fixture
def reader_role(iam, account):
    """A role with EC2 read-only access that the account's principals may assume."""
    role = iam("CreateRole", RoleName="reader", AssumeRolePolicyDocument=trust({"AWS": account.id}),
               MaxSessionDuration=7200)["Role"]  # fmt: skip
    iam("AttachRolePolicy", RoleName="reader", PolicyArn=EC2_READ)
    return role


def test_assume_role_gives_expiring_credentials(user_ctx, reader_role, as_key, account) -> None:
    """IAM-06: AssumeRole returns temporary credentials that expire."""
    alice = user_ctx("alice", inline=(policy(allow("sts:AssumeRole", reader_role["Arn"])),))
    out = call(alice, "sts", "AssumeRole", RoleArn=reader_role["Arn"], RoleSessionName="s1",
               DurationSeconds=900)  # fmt: skip
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    assert creds["SessionToken"] and len(creds["SecretAccessKey"]) == 40
    lasts = creds["Expiration"] - timezone.now()
    assert dt.timedelta(seconds=890) < lasts <= dt.timedelta(seconds=900)
    assert out["AssumedRoleUser"] == {
        "AssumedRoleId": f"{reader_role['RoleId']}:s1",
        "Arn": f"arn:aws:sts::{account.id}:assumed-role/reader/s1",
    }
    session = as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
    assert session.principal.kind == "AssumedRole"
    assert session.principal.arn == f"arn:aws:sts::{account.id}:assumed-role/reader/s1"
    # The session has the role's permissions, not the user's.
    call(session, "ec2", "DescribeVolumes")
    err = denied(session, "ec2", "CreateVolume", AvailabilityZone="us-east-1a", Size=8)
    assert f"User: arn:aws:sts::{account.id}:assumed-role/reader/s1 is not authorized" in (
        err.message
    )
    assert Event.objects.filter(event_name="DescribeVolumes", principal_type="AssumedRole").exists()
    # Expiry: the door refuses the key, and a context built before refuses it too.
    TemporaryCredential.objects.filter(access_key_id=creds["AccessKeyId"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(AwsError) as err:
        as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
    assert (err.value.code, err.value.message) == (
        "ExpiredToken",
        "The security token included in the request is expired",
    )
    assert denied(session, "ec2", "DescribeVolumes").code == "ExpiredToken"
    assert Event.objects.filter(event_name="DescribeVolumes", error_code="ExpiredToken").exists()


def test_temporary_keys_need_their_session_token(user_ctx, reader_role, as_key) -> None:
    alice = user_ctx("alice", inline=(policy(allow("sts:AssumeRole")),))
    creds = call(alice, "sts", "AssumeRole", RoleArn=reader_role["Arn"], RoleSessionName="s1")[
        "Credentials"]  # fmt: skip
    with pytest.raises(AwsError) as err:
        as_key(creds["AccessKeyId"])
    assert err.value.code == "InvalidClientTokenId"


def test_trust_policy_and_identity_policy_decide(iam, user_ctx, account) -> None:
    """Trust naming the account needs sts:AssumeRole in the caller's policies; trust
    naming the user needs no more in the same account; no trust, no session."""
    iam("CreateRole", RoleName="by-account", AssumeRolePolicyDocument=trust({"AWS": account.id}))
    iam("CreateUser", UserName="bob")
    iam("CreateRole", RoleName="for-bob", AssumeRolePolicyDocument=trust(
        {"AWS": f"arn:aws:iam::{account.id}:user/bob"}))  # fmt: skip
    iam("CreateRole", RoleName="for-ec2", AssumeRolePolicyDocument=trust(
        {"Service": "ec2.amazonaws.com"}))  # fmt: skip
    role = f"arn:aws:iam::{account.id}:role/"
    nobody = user_ctx("carol")
    err = denied(nobody, "sts", "AssumeRole", RoleArn=role + "by-account", RoleSessionName="xx")
    assert (err.code, err.status) == ("AccessDenied", 403)
    assert err.message == (
        f"User: arn:aws:iam::{account.id}:user/carol is not authorized to perform: "
        f"sts:AssumeRole on resource: {role}by-account because no identity-based policy allows "
        "the sts:AssumeRole action"
    )
    key = iam("CreateAccessKey", UserName="bob")["AccessKey"]["AccessKeyId"]
    from services.core.context import CallContext
    from services.iam.credentials import principal_for_access_key

    creds = principal_for_access_key(key)
    bob = CallContext(creds.account, "us-east-1", creds.principal, "aws", access_key_id=key)
    call(bob, "sts", "AssumeRole", RoleArn=role + "for-bob", RoleSessionName="xx")
    admin = user_ctx("dave", managed=("arn:aws:iam::aws:policy/AdministratorAccess",))
    err = denied(admin, "sts", "AssumeRole", RoleArn=role + "for-ec2", RoleSessionName="xx")
    assert err.message.endswith("because no resource-based policy allows the sts:AssumeRole action")
    err = denied(admin, "sts", "AssumeRole", RoleArn=role + "missing", RoleSessionName="xx")
    assert err.code == "AccessDenied"


def test_root_cannot_assume_roles(iam, reader_role) -> None:
    with pytest.raises(AwsError) as err:
        iam("AssumeRole", service="sts", RoleArn=reader_role["Arn"], RoleSessionName="root")
    assert err.value.message == "Roles may not be assumed by root accounts."


def test_duration_limits(user_ctx, reader_role) -> None:
    alice = user_ctx("alice", inline=(policy(allow("sts:AssumeRole")),))
    err = denied(alice, "sts", "AssumeRole", RoleArn=reader_role["Arn"], RoleSessionName="s1",
                 DurationSeconds=7201)  # fmt: skip
    assert (err.code, err.message) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )


def test_cross_account_assume_role(iam, user_ctx, account, other_account, as_key) -> None:
    """Across accounts both the trust policy and the caller's policy must allow."""
    from services.core import operations
    from services.core.context import CallContext, Principal

    theirs = CallContext(other_account, "us-east-1", Principal.root(other_account.id), "aws")
    params = {"RoleName": "partner", "AssumeRolePolicyDocument": trust({"AWS": account.id})}
    role = operations.call(theirs, "iam", "CreateRole", params)["Role"]
    alice = user_ctx("alice")
    err = denied(alice, "sts", "AssumeRole", RoleArn=role["Arn"], RoleSessionName="s1")
    assert "because no identity-based policy allows" in err.message
    iam("PutUserPolicy", UserName="alice", PolicyName="assume",
        PolicyDocument=policy(allow("sts:AssumeRole", role["Arn"])))  # fmt: skip
    creds = call(alice, "sts", "AssumeRole", RoleArn=role["Arn"], RoleSessionName="s1")[
        "Credentials"]  # fmt: skip
    session = as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
    assert session.account.id == other_account.id


def test_session_policy_limits_the_role(user_ctx, reader_role, as_key) -> None:
    alice = user_ctx("alice", inline=(policy(allow("sts:AssumeRole")),))
    creds = call(alice, "sts", "AssumeRole", RoleArn=reader_role["Arn"], RoleSessionName="s1",
                 Policy=policy(allow("ec2:DescribeSnapshots")))["Credentials"]  # fmt: skip
    session = as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
    call(session, "ec2", "DescribeSnapshots")
    err = denied(session, "ec2", "DescribeVolumes")
    assert err.message.endswith("because no session policy allows the ec2:DescribeVolumes action")


def test_get_session_token_with_mfa(iam, user_ctx, as_key) -> None:
    with_mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    mfa_only = policy(allow("ec2:Describe*", Condition=with_mfa), allow("sts:GetSessionToken"))
    alice = user_ctx("alice", inline=(mfa_only,))
    device = iam("CreateVirtualMFADevice", VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed, serial = device["Base32StringSeed"].decode(), device["SerialNumber"]
    step = mfa.current_step()
    iam(
        "EnableMFADevice",
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1=mfa.totp(seed, step - 2),
        AuthenticationCode2=mfa.totp(seed, step - 1),
    )
    assert denied(alice, "ec2", "DescribeVolumes").code == "UnauthorizedOperation"
    err = denied(alice, "sts", "GetSessionToken", SerialNumber=serial, TokenCode="123456")
    assert err.message == "MultiFactorAuthentication failed with invalid MFA one time pass code."
    creds = call(alice, "sts", "GetSessionToken", SerialNumber=serial,
                 TokenCode=mfa.totp(seed, step))["Credentials"]  # fmt: skip
    session = as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
    assert session.principal.kind == "IAMUser" and session.principal.name == "alice"
    call(session, "ec2", "DescribeVolumes")
    err = denied(session, "sts", "GetSessionToken")
    assert err.message == "Cannot call GetSessionToken with session credentials"


def test_get_session_token_needs_no_permission(user_ctx, as_key) -> None:
    # "No permissions are required for a user to get a session token" (IAM User Guide):
    # a user without policies gets one, and a Deny of sts:GetSessionToken changes nothing.
    for name, inline in (("bare", ()), ("denied", (policy(deny("sts:GetSessionToken")),))):
        user = user_ctx(name, inline=inline)
        creds = call(user, "sts", "GetSessionToken")["Credentials"]
        session = as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
        assert session.principal.kind == "IAMUser" and session.principal.name == name
        # The session has the user's permissions: none.
        assert denied(session, "ec2", "DescribeVolumes").code == "UnauthorizedOperation"


def test_caller_identity_of_each_kind_of_caller(iam, user_ctx, reader_role, as_key, ctx, account):
    from services.iam.credentials import caller_identity

    assert caller_identity(ctx) == {
        "UserId": account.id, "Account": account.id, "Arn": f"arn:aws:iam::{account.id}:root"
    }  # fmt: skip
    alice = user_ctx("alice", inline=(policy(allow("sts:AssumeRole")),))
    user = iam("GetUser", UserName="alice")["User"]
    assert caller_identity(alice) == {
        "UserId": user["UserId"], "Account": account.id, "Arn": user["Arn"]
    }  # fmt: skip
    creds = call(alice, "sts", "AssumeRole", RoleArn=reader_role["Arn"], RoleSessionName="s1")[
        "Credentials"]  # fmt: skip
    session = as_key(creds["AccessKeyId"], session_token=creds["SessionToken"])
    assert caller_identity(session) == {
        "UserId": f"{reader_role['RoleId']}:s1",
        "Account": account.id,
        "Arn": f"arn:aws:sts::{account.id}:assumed-role/reader/s1",
    }
