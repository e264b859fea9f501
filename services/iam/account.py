"""Account-wide IAM settings and reports: the account alias, the password policy
(IAM-08), the account summary and the credential report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.utils import timezone

from services.core import constraints
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import AccessKey, Account
from services.core.operations import operation
from services.iam import errors
from services.iam.common import already_exists, no_such_entity, page, validation_error
from services.iam.models import (
    CredentialReport,
    Group,
    InstanceProfile,
    LoginProfile,
    ManagedPolicy,
    MfaDevice,
    PasswordPolicy,
    PolicyVersion,
    Role,
    User,
)

_ALIAS = re.compile(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
REPORT_LIFETIME = dt.timedelta(hours=4)


# --- the account alias ------------------------------------------------------------------


@operation("iam", "CreateAccountAlias", global_service=True)
def create_account_alias(ctx: CallContext, params: dict) -> dict:
    alias = params["AccountAlias"]
    if not _ALIAS.match(alias):
        raise validation_error(
            alias,
            "accountAlias",
            "Member must satisfy regular expression pattern: "
            "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        )
    if alias.isdigit() and len(alias) == 12:
        raise errors.ValidationError("An account alias cannot be a 12-digit number.")
    if Account.objects.filter(alias=alias).exclude(pk=ctx.account.pk).exists():
        raise _alias_exists(alias)
    # An account has one alias; a new one replaces it (and changes the sign-in URL).
    Account.objects.filter(pk=ctx.account.pk).update(alias=alias)
    ctx.account.alias = alias
    return {}


def _alias_exists(alias: str) -> AwsError:
    return already_exists(f"The account alias {alias} already exists.")


# A queryset update saves no row: the alias is the call's own parameter.
constraints.on_violation(Account, "alias", lambda v: _alias_exists(v.params["AccountAlias"]))


@operation("iam", "DeleteAccountAlias", global_service=True)
def delete_account_alias(ctx: CallContext, params: dict) -> dict:
    alias = params["AccountAlias"]
    if not Account.objects.filter(pk=ctx.account.pk, alias=alias).exists():
        raise no_such_entity(f"The account alias {alias} cannot be found.")
    Account.objects.filter(pk=ctx.account.pk).update(alias=None)
    ctx.account.alias = None
    return {}


@operation("iam", "ListAccountAliases", global_service=True)
def list_account_aliases(ctx: CallContext, params: dict) -> dict:
    alias = Account.objects.filter(pk=ctx.account.pk).values_list("alias", flat=True).first()
    return page([alias] if alias else [], params, "AccountAliases")


# --- the password policy ----------------------------------------------------------------


def _bounded(params: dict, key: str, member: str, low: int, high: int) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    if value < low:
        raise validation_error(
            str(value), member, f"Member must have value greater than or equal to {low}"
        )
    if value > high:
        raise validation_error(
            str(value), member, f"Member must have value less than or equal to {high}"
        )
    return value


@operation("iam", "UpdateAccountPasswordPolicy", global_service=True)
def update_account_password_policy(ctx: CallContext, params: dict) -> dict:
    # Parameters left out go back to their defaults, as IAM documents.
    length = _bounded(params, "MinimumPasswordLength", "minimumPasswordLength", 6, 128)
    PasswordPolicy.objects.update_or_create(
        account=ctx.account,
        defaults={
            "minimum_length": length or 6,
            "require_symbols": bool(params.get("RequireSymbols")),
            "require_numbers": bool(params.get("RequireNumbers")),
            "require_uppercase": bool(params.get("RequireUppercaseCharacters")),
            "require_lowercase": bool(params.get("RequireLowercaseCharacters")),
            "allow_users_to_change": bool(params.get("AllowUsersToChangePassword")),
            "max_age": _bounded(params, "MaxPasswordAge", "maxPasswordAge", 1, 1095),
            "reuse_prevention": _bounded(
                params, "PasswordReusePrevention", "passwordReusePrevention", 1, 24
            ),
            "hard_expiry": bool(params.get("HardExpiry")),
        },
    )
    return {}


def _no_password_policy(ctx: CallContext) -> AwsError:
    return no_such_entity(f"The Password Policy with domain name {ctx.account.id} cannot be found.")


@operation("iam", "GetAccountPasswordPolicy", global_service=True)
def get_account_password_policy(ctx: CallContext, params: dict) -> dict:
    policy = PasswordPolicy.objects.filter(account=ctx.account).first()
    if policy is None:
        raise _no_password_policy(ctx)
    return {"PasswordPolicy": policy.describe()}


@operation("iam", "DeleteAccountPasswordPolicy", global_service=True)
def delete_account_password_policy(ctx: CallContext, params: dict) -> dict:
    deleted, _ = PasswordPolicy.objects.filter(account=ctx.account).delete()
    if not deleted:
        raise _no_password_policy(ctx)
    return {}


# --- the account summary ----------------------------------------------------------------

QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "InstanceProfilesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "GroupsPerUserQuota": 10,
    "AttachedPoliciesPerUserQuota": 10,
    "AttachedPoliciesPerGroupQuota": 10,
    "AttachedPoliciesPerRoleQuota": 10,
    "AccessKeysPerUserQuota": 2,
    "SigningCertificatesPerUserQuota": 2,
    "PolicySizeQuota": 6144,
    "UserPolicySizeQuota": 2048,
    "GroupPolicySizeQuota": 5120,
    "RolePolicySizeQuota": 10240,
    "AssumeRolePolicySizeQuota": 2048,
    "VersionsPerPolicyQuota": 5,
    "PolicyVersionsInUseQuota": 10000,
    "GlobalEndpointTokenVersion": 1,
}


def summary(account: Account) -> dict[str, int]:
    """The counts GetAccountSummary reports; the console dashboard shows them too."""
    devices = MfaDevice.objects.filter(account=account)
    return {
        "Users": User.objects.filter(account=account).count(),
        "Groups": Group.objects.filter(account=account).count(),
        "Roles": Role.objects.filter(account=account).count(),
        "Policies": ManagedPolicy.objects.filter(account=account).count(),
        "PolicyVersionsInUse": PolicyVersion.objects.filter(policy__account=account).count(),
        "InstanceProfiles": InstanceProfile.objects.filter(account=account).count(),
        "ServerCertificates": 0,
        "Providers": 0,
        "MFADevices": devices.count(),
        "MFADevicesInUse": devices.exclude(user__isnull=True, for_root=False).count(),
        "AccountMFAEnabled": int(devices.filter(for_root=True, enabled_at__isnull=False).exists()),
        "AccountAccessKeysPresent": int(
            AccessKey.objects.filter(account=account, user_name="").exists()
        ),
        "AccountSigningCertificatesPresent": 0,
        **QUOTAS,
    }


@operation("iam", "GetAccountSummary", global_service=True)
def get_account_summary(ctx: CallContext, params: dict) -> dict:
    return {"SummaryMap": summary(ctx.account)}


# --- the credential report --------------------------------------------------------------

REPORT_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used",
    "password_last_changed", "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]  # fmt: skip


def _iso(value: dt.datetime | None, missing: str = "N/A") -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00") if value else missing


def _key_columns(keys: list[AccessKey]) -> list[str]:
    cells: list[str] = []
    for i in range(2):
        key = keys[i] if i < len(keys) else None
        if key is None:
            cells += ["false", "N/A", "N/A", "N/A", "N/A"]
            continue
        cells += [
            str(key.status == "Active").lower(),
            _iso(key.created_at),
            _iso(key.last_used_at),
            key.last_used_region or "N/A",
            key.last_used_service or "N/A",
        ]
    return cells


def credential_report_csv(account: Account) -> str:
    from services.iam import passwords

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    keys = list(AccessKey.objects.filter(account=account).order_by("created_at"))
    root_mfa = MfaDevice.objects.filter(account=account, for_root=True, enabled_at__isnull=False)
    writer.writerow(
        ["<root_account>", account.root_arn, _iso(account.created_at), "not_supported",
         "no_information", "not_supported", "not_supported", str(root_mfa.exists()).lower(),
         *_key_columns([k for k in keys if not k.user_name]),
         "false", "N/A", "false", "N/A"]
    )  # fmt: skip
    policy = passwords.policy_for(account)
    users = User.objects.filter(account=account).order_by("name")
    for user in users:
        profile = LoginProfile.objects.filter(user=user).first()
        next_rotation = "N/A"
        if profile and policy and policy.max_age:
            next_rotation = _iso(profile.password_changed_at + dt.timedelta(days=policy.max_age))
        writer.writerow(
            [user.name, user.arn, _iso(user.created_at), str(profile is not None).lower(),
             _iso(user.password_last_used, "no_information" if profile else "N/A"),
             _iso(profile.password_changed_at) if profile else "N/A", next_rotation,
             str(user.mfa_devices.exists()).lower(),
             *_key_columns([k for k in keys if k.user_name == user.name]),
             "false", "N/A", "false", "N/A"]
        )  # fmt: skip
    return out.getvalue()


@operation("iam", "GenerateCredentialReport", global_service=True)
def generate_credential_report(ctx: CallContext, params: dict) -> dict:
    report = CredentialReport.objects.filter(account=ctx.account).first()
    if report and timezone.now() - report.generated_at < REPORT_LIFETIME:
        return {"State": "COMPLETE"}
    CredentialReport.objects.update_or_create(
        account=ctx.account,
        defaults={"generated_at": timezone.now(), "content": credential_report_csv(ctx.account)},
    )
    return {
        "State": "STARTED",
        "Description": "No report exists. Starting a new report generation task",
    }


@operation("iam", "GetCredentialReport", global_service=True)
def get_credential_report(ctx: CallContext, params: dict) -> dict:
    report = CredentialReport.objects.filter(account=ctx.account).first()
    if report is None:
        raise errors.ReportNotPresent("Credential report not present")
    if timezone.now() - report.generated_at >= REPORT_LIFETIME:
        raise errors.ReportExpired("Credential report is expired")
    return {
        "Content": report.content.encode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": report.generated_at.replace(microsecond=0),
    }
