"""A user's Security credentials tab: access keys with the secret shown once (IAM-05),
console password, MFA; and the credential report download."""

import csv
import io
from urllib.parse import unquote

from services.core.models import AccessKey
from services.iam import mfa
from services.iam.models import LoginProfile, MfaDevice, User


def _user(iam) -> User:
    iam("CreateUser", UserName="bob")
    return User.objects.get(name="bob")


def _tab(user: User) -> str:
    return f"/us-east-1/iam/users/{user.resource_id}/?tab=security_credentials"


def test_a_new_access_key_secret_is_shown_once_with_its_csv(iam, console):
    """IAM-05: the secret appears when the key is created and never again."""
    user = _user(iam)
    base = f"/us-east-1/iam/users/{user.resource_id}"
    page = console.post(f"{base}/access-keys/", {"action": "create"}, follow=True)
    key = AccessKey.objects.get(user_name="bob")
    assert key.secret_access_key.encode() in page.content
    assert b"Download .csv file" in page.content
    href = page.content.split(b'href="data:text/csv;charset=utf-8,')[1].split(b'"')[0]
    rows = list(csv.reader(io.StringIO(unquote(href.decode()))))
    assert rows == [
        ["Access key ID", "Secret access key"],
        [key.access_key_id, key.secret_access_key],
    ]
    # a second visit of the same page, and the tab, never show it
    again = console.get(f"{base}/access-keys/created/", follow=True)
    assert key.secret_access_key.encode() not in again.content
    assert b"can only be viewed when the key is created" in again.content
    tab = console.get(_tab(user))
    assert key.access_key_id.encode() in tab.content
    assert key.secret_access_key.encode() not in tab.content


def test_access_keys_are_deactivated_activated_and_deleted(iam, console):
    user = _user(iam)
    base = f"/us-east-1/iam/users/{user.resource_id}"
    console.post(f"{base}/access-keys/", {"action": "create"})
    key_id = AccessKey.objects.get(user_name="bob").access_key_id
    page = console.post(
        f"{base}/access-keys/", {"action": "deactivate", "key": key_id}, follow=True
    )
    assert f"Access key {key_id} is now inactive.".encode() in page.content
    assert AccessKey.objects.get(access_key_id=key_id).status == "Inactive"
    console.post(f"{base}/access-keys/", {"action": "activate", "key": key_id})
    assert AccessKey.objects.get(access_key_id=key_id).status == "Active"
    console.post(f"{base}/access-keys/", {"action": "delete", "key": key_id})
    assert not AccessKey.objects.filter(access_key_id=key_id).exists()


def test_a_third_access_key_is_refused_with_aws_error(iam, console):
    """IAM-05: at most two access keys per user."""
    user = _user(iam)
    base = f"/us-east-1/iam/users/{user.resource_id}"
    console.post(f"{base}/access-keys/", {"action": "create"})
    console.post(f"{base}/access-keys/", {"action": "create"})
    page = console.post(f"{base}/access-keys/", {"action": "create"}, follow=True)
    assert b"LimitExceeded" in page.content
    assert AccessKey.objects.filter(user_name="bob").count() == 2


def test_console_password_is_set_reset_and_disabled(iam, console):
    user = _user(iam)
    url = f"/us-east-1/iam/users/{user.resource_id}/console-access/"
    page = console.post(url, {"password": "Corr3ct-horse-1"}, follow=True)
    assert b"Console password set for bob." in page.content
    assert b"Enabled" in page.content
    page = console.post(url, {"password": "Corr3ct-horse-2", "reset_required": "on"}, follow=True)
    assert b"Console password reset for bob." in page.content
    assert LoginProfile.objects.get(user=user).password_reset_required
    page = console.post(url, {"action": "disable"}, follow=True)
    assert not LoginProfile.objects.filter(user=user).exists()


def test_a_console_password_must_follow_the_password_policy(iam, console):
    """IAM-08: the password policy applies to passwords set in the console."""
    iam("UpdateAccountPasswordPolicy", MinimumPasswordLength=20)
    user = _user(iam)
    url = f"/us-east-1/iam/users/{user.resource_id}/console-access/"
    page = console.post(url, {"password": "Corr3ct-horse-1"}, follow=True)
    assert b"PasswordPolicyViolation" in page.content
    assert not LoginProfile.objects.filter(user=user).exists()


def test_mfa_is_assigned_with_the_seed_shown_as_text(iam, console):
    user = _user(iam)
    url = f"/us-east-1/iam/users/{user.resource_id}/mfa/"
    page = console.post(url, {"action": "create", "name": "bob-phone"}, follow=True)
    device = MfaDevice.objects.get(name="bob-phone")
    assert device.seed.encode() in page.content
    step = mfa.current_step()
    bad = console.post(url, {"action": "enable", "code1": "000000", "code2": "000000"}, follow=True)
    assert b"InvalidAuthenticationCode" in bad.content
    assert MfaDevice.objects.get(pk=device.pk).user is None
    codes = {"code1": mfa.totp(device.seed, step - 1), "code2": mfa.totp(device.seed, step)}
    page = console.post(url, {"action": "enable", **codes}, follow=True)
    assert b"MFA device assigned to bob." in page.content
    assert device.seed.encode() not in page.content
    assert MfaDevice.objects.get(pk=device.pk).user == user


def test_the_user_page_keeps_details_and_tags_and_the_create_page_still_works(iam, console):
    user = _user(iam)
    page = console.get(f"/us-east-1/iam/users/{user.resource_id}/")
    assert user.arn.encode() in page.content
    assert b"Security credentials" in page.content
    assert console.get(f"/us-east-1/iam/users/{user.resource_id}/?tab=tags").status_code == 200
    assert b"User name" in console.get("/us-east-1/iam/users/create/").content


AWS_REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def test_the_credential_report_downloads_as_csv_with_aws_header(iam, console, account):
    _user(iam)
    page = console.get("/us-east-1/iam/credential-report/")
    assert b"Download credentials report" in page.content
    response = console.get("/us-east-1/iam/credential-report/?download=1")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="status_reports_')
    lines = response.content.decode().splitlines()
    assert lines[0] == AWS_REPORT_HEADER
    users = [line.split(",")[0] for line in lines[1:]]
    assert users == ["<root_account>", "bob"]


def test_the_credential_report_is_refused_to_a_user_without_permission(iam, account):
    from django.test import Client

    iam("CreateUser", UserName="carol")
    iam("CreateLoginProfile", UserName="carol", Password="Corr3ct-horse")
    client = Client()
    client.post(
        "/signin",
        {"mode": "iam", "account": account.id, "username": "carol", "password": "Corr3ct-horse"},
    )
    page = client.get("/us-east-1/iam/credential-report/?download=1")
    assert page["Content-Type"].startswith("text/html")
    assert b"iam:GenerateCredentialReport" in page.content
