"""Account alias, summary, credential report and virtual MFA devices."""

from __future__ import annotations

import base64
import csv
import io

import pytest

from services.core.errors import AwsError
from services.core.models import Account
from services.iam import mfa
from services.iam.models import MfaDevice


def test_account_alias_changes_the_sign_in_name(iam, account, other_account) -> None:
    iam("CreateAccountAlias", AccountAlias="my-school")
    account.refresh_from_db()
    assert account.alias == "my-school" and account.sign_in_name == "my-school"
    assert iam("ListAccountAliases")["AccountAliases"] == ["my-school"]
    iam("CreateAccountAlias", AccountAlias="new-name")  # one alias: a new one replaces it
    assert iam("ListAccountAliases")["AccountAliases"] == ["new-name"]
    Account.objects.filter(pk=other_account.pk).update(alias="taken")
    with pytest.raises(AwsError) as err:
        iam("CreateAccountAlias", AccountAlias="taken")
    assert (err.value.code, err.value.status) == ("EntityAlreadyExists", 409)
    with pytest.raises(AwsError) as err:
        iam("CreateAccountAlias", AccountAlias="Bad_Alias")
    assert err.value.code == "ValidationError"
    iam("DeleteAccountAlias", AccountAlias="new-name")
    account.refresh_from_db()
    assert account.alias is None


def test_account_summary_counts(iam) -> None:
    iam("CreateUser", UserName="alice")
    iam("CreateGroup", GroupName="devs")
    summary = iam("GetAccountSummary")["SummaryMap"]
    assert summary["Users"] == 1 and summary["Groups"] == 1 and summary["Roles"] == 0
    assert summary["AccessKeysPerUserQuota"] == 2 and summary["VersionsPerPolicyQuota"] == 5
    assert summary["AccountMFAEnabled"] == 0
    assert summary["AccountAccessKeysPresent"] == 1  # the account's first root key


def test_credential_report_csv(iam) -> None:
    iam("CreateUser", UserName="alice")
    iam("CreateLoginProfile", UserName="alice", Password="Passw0rd-long")
    iam("CreateAccessKey", UserName="alice")
    with pytest.raises(AwsError) as err:
        iam("GetCredentialReport")
    assert (err.value.code, err.value.status) == ("ReportNotPresent", 410)
    assert iam("GenerateCredentialReport")["State"] == "STARTED"
    assert iam("GenerateCredentialReport")["State"] == "COMPLETE"
    report = iam("GetCredentialReport")
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert [r["user"] for r in rows] == ["<root_account>", "alice"]
    assert rows[0]["password_enabled"] == "not_supported"
    assert rows[0]["access_key_1_active"] == "true"
    assert rows[1]["password_enabled"] == "true" and rows[1]["mfa_active"] == "false"
    assert rows[1]["access_key_1_active"] == "true" and rows[1]["access_key_2_active"] == "false"


def test_totp_matches_rfc_6238() -> None:
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", at 59 s: 94287082 (8
    # digits); six digits are its last six.
    seed = base64.b32encode(b"12345678901234567890").decode()
    assert mfa.totp(seed, 59 // 30) == "287082"
    assert mfa.totp(seed, 1111111109 // 30) == "081804"


def test_virtual_mfa_device_needs_two_consecutive_codes(iam, account) -> None:
    iam("CreateUser", UserName="alice")
    device = iam("CreateVirtualMFADevice", VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{account.id}:mfa/alice-phone"
    seed = device["Base32StringSeed"].decode()
    assert len(seed) == 64
    now = mfa.current_step()
    with pytest.raises(AwsError) as err:
        iam("EnableMFADevice", UserName="alice", SerialNumber=serial,
            AuthenticationCode1=mfa.totp(seed, now - 1), AuthenticationCode2="000000")  # fmt: skip
    assert (err.value.code, err.value.status) == ("InvalidAuthenticationCode", 403)
    iam(
        "EnableMFADevice",
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1=mfa.totp(seed, now - 1),
        AuthenticationCode2=mfa.totp(seed, now),
    )
    devices = iam("ListMFADevices", UserName="alice")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    assigned = iam("ListVirtualMFADevices", AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned[0]["User"]["UserName"] == "alice" and "Base32StringSeed" not in assigned[0]
    with pytest.raises(AwsError) as err:
        iam("DeleteVirtualMFADevice", SerialNumber=serial)
    assert err.value.code == "DeleteConflict"
    # A code is good once: replaying the last one fails.
    stored = MfaDevice.objects.get(name="alice-phone")
    assert not mfa.verify(stored, mfa.totp(seed, now))
    iam("DeactivateMFADevice", UserName="alice", SerialNumber=serial)
    iam("DeleteVirtualMFADevice", SerialNumber=serial)
    assert not MfaDevice.objects.exists()
