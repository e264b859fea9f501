"""IAM users, console passwords and access keys."""

from __future__ import annotations

import pytest

from services.core.errors import AwsError
from services.core.models import AccessKey, Event
from services.iam.models import User


def test_create_user_gives_aws_ids_and_arn(iam, account) -> None:
    user = iam(
        "CreateUser", UserName="alice", Path="/dev/", Tags=[{"Key": "team", "Value": "web"}]
    )["User"]
    assert user["UserName"] == "alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    assert user["Arn"] == f"arn:aws:iam::{account.id}:user/dev/alice"
    assert user["Path"] == "/dev/"
    assert user["Tags"] == [{"Key": "team", "Value": "web"}]
    got = iam("GetUser", UserName="ALICE")["User"]  # names are found regardless of case
    assert got["UserId"] == user["UserId"]
    assert [u["UserName"] for u in iam("ListUsers")["Users"]] == ["alice"]
    assert iam("ListUsers", PathPrefix="/ops/")["Users"] == []
    assert Event.objects.get(event_name="CreateUser").region == "us-east-1"


def test_user_names_are_unique_regardless_of_case(iam) -> None:
    iam("CreateUser", UserName="alice")
    with pytest.raises(AwsError) as err:
        iam("CreateUser", UserName="Alice")
    assert (err.value.code, err.value.status) == ("EntityAlreadyExists", 409)
    assert err.value.message == "User with name Alice already exists."


def test_bad_names_and_missing_users(iam) -> None:
    with pytest.raises(AwsError) as err:
        iam("CreateUser", UserName="bad name")
    assert err.value.code == "ValidationError"
    assert "Member must satisfy regular expression pattern: [\\w+=,.@-]+" in err.value.message
    with pytest.raises(AwsError) as err:
        iam("GetUser", UserName="ghost")
    assert (err.value.code, err.value.status) == ("NoSuchEntity", 404)
    assert err.value.message == "The user with name ghost cannot be found."


def test_rename_user_keeps_keys(iam, account) -> None:
    iam("CreateUser", UserName="alice")
    key = iam("CreateAccessKey", UserName="alice")["AccessKey"]
    iam("UpdateUser", UserName="alice", NewUserName="alicia", NewPath="/ops/")
    user = iam("GetUser", UserName="alicia")["User"]
    assert user["Arn"].endswith(":user/ops/alicia")
    assert AccessKey.objects.get(access_key_id=key["AccessKeyId"]).user_name == "alicia"


def test_delete_user_refuses_while_it_has_dependents(iam) -> None:
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password="Sup3r-secret!")
    key = iam("CreateAccessKey", UserName="alice")["AccessKey"]
    iam("CreateGroup", GroupName="devs")
    iam("AddUserToGroup", GroupName="devs", UserName="alice")
    iam("AttachUserPolicy", UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    steps = [
        ("Cannot delete entity, must delete login profile first.",
         lambda: iam("DeleteLoginProfile", UserName="alice")),
        ("Cannot delete entity, must delete access keys first.",
         lambda: iam("DeleteAccessKey", UserName="alice", AccessKeyId=key["AccessKeyId"])),
        ("Cannot delete entity, must detach all policies first.",
         lambda: iam("DetachUserPolicy", UserName="alice",
                     PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")),
        ("Cannot delete entity, must remove users from group first.",
         lambda: iam("RemoveUserFromGroup", GroupName="devs", UserName="alice")),
    ]  # fmt: skip
    for message, fix in steps:
        with pytest.raises(AwsError) as err:
            iam("DeleteUser", UserName="alice")
        assert (err.value.code, err.value.status, err.value.message) == (
            "DeleteConflict",
            409,
            message,
        )
        fix()
    iam("DeleteUser", UserName="alice")
    assert not User.objects.exists()


def test_access_keys_two_at_most_secret_shown_once(iam) -> None:
    """IAM-05: at most two access keys per user; the secret is shown once."""
    iam("CreateUser", UserName="alice")
    first = iam("CreateAccessKey", UserName="alice")["AccessKey"]
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40 and first["Status"] == "Active"
    iam("CreateAccessKey", UserName="alice")
    with pytest.raises(AwsError) as err:
        iam("CreateAccessKey", UserName="alice")
    assert (err.value.code, err.value.status) == ("LimitExceeded", 409)
    assert err.value.message == "Cannot exceed quota for AccessKeysPerUser: 2"
    listed = iam("ListAccessKeys", UserName="alice")["AccessKeyMetadata"]
    assert len(listed) == 2 and all("SecretAccessKey" not in k for k in listed)
    iam("UpdateAccessKey", UserName="alice", AccessKeyId=first["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam("ListAccessKeys", UserName="alice")[
        "AccessKeyMetadata"]}  # fmt: skip
    assert statuses[first["AccessKeyId"]] == "Inactive"
    event = Event.objects.filter(event_name="CreateAccessKey", error_code="").first()
    assert event.response_elements["AccessKey"]["SecretAccessKey"] == (
        "HIDDEN_DUE_TO_SECURITY_REASONS"
    )
    last = iam("GetAccessKeyLastUsed", AccessKeyId=first["AccessKeyId"])
    assert last == {
        "UserName": "alice",
        "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"},
    }


def test_inactive_keys_do_not_authenticate(iam, as_key) -> None:
    iam("CreateUser", UserName="alice")
    key = iam("CreateAccessKey", UserName="alice")["AccessKey"]
    assert as_key(key["AccessKeyId"]).principal.name == "alice"
    iam("UpdateAccessKey", UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(AwsError) as err:
        as_key(key["AccessKeyId"])
    assert err.value.code == "InvalidClientTokenId"


def test_console_password_follows_the_password_policy(iam) -> None:
    """IAM-08: the password policy (length, character classes, reuse) applies."""
    iam("CreateUser", UserName="alice")
    with pytest.raises(AwsError) as err:
        iam("CreateLoginProfile", UserName="alice", Password="short")
    assert err.value.code == "PasswordPolicyViolation"
    iam(
        "UpdateAccountPasswordPolicy",
        MinimumPasswordLength=12,
        RequireSymbols=True,
        RequireNumbers=True,
        PasswordReusePrevention=2,
    )
    with pytest.raises(AwsError) as err:
        iam("CreateLoginProfile", UserName="alice", Password="longenoughpassword")
    assert err.value.message == (
        "Password should have at least one number; Password should have at least one symbol."
    )
    profile = iam("CreateLoginProfile", UserName="alice", Password="long-enough-pw-1",
                  PasswordResetRequired=True)["LoginProfile"]  # fmt: skip
    assert profile["PasswordResetRequired"] is True
    iam("UpdateLoginProfile", UserName="alice", Password="second-passw0rd!")
    with pytest.raises(AwsError) as err:
        iam("UpdateLoginProfile", UserName="alice", Password="long-enough-pw-1")
    assert "last 2 passwords" in err.value.message
    policy = iam("GetAccountPasswordPolicy")["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["PasswordReusePrevention"] == 2
    iam("DeleteAccountPasswordPolicy")
    with pytest.raises(AwsError) as err:
        iam("GetAccountPasswordPolicy")
    assert err.value.code == "NoSuchEntity"


def test_user_changes_own_password(iam, user_ctx) -> None:
    from tests.iam.conftest import call

    alice = user_ctx("alice")
    iam("CreateLoginProfile", UserName="alice", Password="First-passw0rd")
    with pytest.raises(AwsError) as err:
        call(alice, "iam", "ChangePassword", OldPassword="First-passw0rd", NewPassword="N3w-pass!")
    assert err.value.code == "AccessDenied"  # IAM-01: nothing allows it yet
    iam("UpdateAccountPasswordPolicy", AllowUsersToChangePassword=True)
    call(alice, "iam", "ChangePassword", OldPassword="First-passw0rd", NewPassword="N3w-passw0rd!")
    from django.contrib.auth.hashers import check_password

    assert check_password("N3w-passw0rd!", User.objects.get(name="alice").login_profile.password)
