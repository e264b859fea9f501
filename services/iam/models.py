"""IAM identities and policies held in PostgreSQL. IAM is global: rows belong to an
account, not a region (GLB-01). Long-term access keys of IAM users are the core
`AccessKey` rows (user_name set); temporary credentials from STS live here."""

from __future__ import annotations

import datetime as dt
import json
from typing import ClassVar

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from services.core import ids, locks
from services.core.lookups import NotFound
from services.core.models import Resource
from services.core.sealed import SealedTextField


def iam_timestamp(value: dt.datetime | None) -> dt.datetime | None:
    """IAM reports times to the second."""
    return value.replace(microsecond=0) if value else value


class IamEntity(NotFound, Resource):
    """A named IAM entity with a path and a unique id such as AIDA... for users. It is
    found by name, whatever the case (services.core.lookups with `name__iexact`)."""

    not_found_status = 404

    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")

    regional: ClassVar[bool] = False
    kind: ClassVar[str] = ""  # the ARN resource type: user, group, role, instance-profile

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self.resource_id:
            # IAM ids: a four-letter type prefix and 17 upper-case letters or digits.
            self.resource_id = self.id_prefix + ids.unique_suffix(17)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:{self.kind}{self.path}{self.name}"


class User(IamEntity):
    """An IAM user: a person or an application with long-term credentials."""

    id_prefix = "AIDA"
    kind = "user"
    not_found_error = ("NoSuchEntity", "The user with name {id} cannot be found.")
    cloudformation_type = "AWS::IAM::User"

    permissions_boundary = models.CharField(max_length=2048, blank=True, default="")
    password_last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="iam_user_name_unique"),
        ]

    @property
    def groups_label(self) -> str:
        return ", ".join(sorted(g.name for g in self.iam_groups.all())) or "None"

    @property
    def console_access(self) -> str:
        return "Enabled" if LoginProfile.objects.filter(user=self).exists() else "Disabled"

    @property
    def mfa_label(self) -> str:
        return "Virtual" if self.mfa_devices.exists() else "-"

    @property
    def access_keys_label(self) -> str:
        from services.core.models import AccessKey

        keys = AccessKey.objects.filter(account_id=self.account_id, user_name=self.name)
        active = keys.filter(status="Active").count()
        return f"{active} active" if keys.exists() else "None"

    def describe(self, *, tags: bool = True) -> dict:
        """The IAM `User` shape."""
        data: dict = {
            "Path": self.path,
            "UserName": self.name,
            "UserId": self.resource_id,
            "Arn": self.arn,
            "CreateDate": iam_timestamp(self.created_at),
        }
        if self.password_last_used:
            data["PasswordLastUsed"] = iam_timestamp(self.password_last_used)
        if self.permissions_boundary:
            data["PermissionsBoundary"] = boundary_shape(self.permissions_boundary)
        if tags and self.tags:
            data["Tags"] = self.tag_list()
        return data


def boundary_shape(arn: str) -> dict:
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


class LoginProfile(models.Model):
    """A user's console password (IAM-08 applies when it is set or changed)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="login_profile")
    password = models.CharField(max_length=256)
    password_reset_required = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    password_changed_at = models.DateTimeField(default=timezone.now)
    # Hashes of earlier passwords, newest first, for PasswordReusePrevention.
    history = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"login profile of {self.user.name}"

    def describe(self) -> dict:
        return {
            "UserName": self.user.name,
            "CreateDate": iam_timestamp(self.created_at),
            "PasswordResetRequired": self.password_reset_required,
        }


class Group(IamEntity):
    """A group of users; groups hold users only, never other groups (IAM-03)."""

    id_prefix = "AGPA"
    kind = "group"
    not_found_error = ("NoSuchEntity", "The group with name {id} cannot be found.")
    cloudformation_type = "AWS::IAM::Group"

    users = models.ManyToManyField(User, related_name="iam_groups", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="iam_group_name_unique"),
        ]

    @property
    def user_count(self) -> int:
        return self.users.count()

    def describe(self) -> dict:
        return {
            "Path": self.path,
            "GroupName": self.name,
            "GroupId": self.resource_id,
            "Arn": self.arn,
            "CreateDate": iam_timestamp(self.created_at),
        }


class Role(IamEntity):
    """A role: permissions without long-term credentials, assumed through STS by the
    principals its trust policy names (IAM-06)."""

    id_prefix = "AROA"
    kind = "role"
    not_found_error = ("NoSuchEntity", "The role with name {id} cannot be found.")
    cloudformation_type = "AWS::IAM::Role"

    assume_role_policy = models.TextField()
    description = models.CharField(max_length=1000, blank=True, default="")
    max_session_duration = models.PositiveIntegerField(default=3600)
    permissions_boundary = models.CharField(max_length=2048, blank=True, default="")
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="iam_role_name_unique"),
        ]

    @property
    def trusted_entities(self) -> str:
        """What the console's Roles table shows: who may assume the role."""
        try:
            statements = json.loads(self.assume_role_policy).get("Statement", [])
        except ValueError:
            return "-"
        if isinstance(statements, dict):
            statements = [statements]
        found: list[str] = []
        for statement in statements:
            principal = statement.get("Principal", {}) if isinstance(statement, dict) else {}
            if principal == "*":
                found.append("Anyone")
                continue
            for kind, values in principal.items():
                for value in values if isinstance(values, list) else [values]:
                    if kind == "Service":
                        found.append(f"AWS Service: {value.split('.')[0]}")
                    elif kind == "AWS":
                        found.append(
                            f"Account: {value.split(':')[4]}"
                            if ":" in value
                            else f"Account: {value}"
                        )
                    else:
                        found.append(f"{kind}: {value}")
        return ", ".join(dict.fromkeys(found)) or "-"

    @property
    def last_activity(self) -> str:
        return self.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if self.last_used_at else "-"

    def describe(self, *, full: bool = True, encoded: bool = False) -> dict:
        """The IAM `Role` shape; ListRoles leaves out tags and last use (`full=False`).
        The AWS API sends the trust policy URL-encoded (`encoded=True`, as the
        operations do; the SDKs decode it); the REST door shows the JSON text."""
        from urllib.parse import quote

        data: dict = {
            "Path": self.path,
            "RoleName": self.name,
            "RoleId": self.resource_id,
            "Arn": self.arn,
            "CreateDate": iam_timestamp(self.created_at),
            "AssumeRolePolicyDocument": (
                quote(self.assume_role_policy, safe="") if encoded else self.assume_role_policy
            ),
            "MaxSessionDuration": self.max_session_duration,
        }
        if self.description:
            data["Description"] = self.description
        if self.permissions_boundary:
            data["PermissionsBoundary"] = boundary_shape(self.permissions_boundary)
        if full:
            if self.tags:
                data["Tags"] = self.tag_list()
            last: dict = {}
            if self.last_used_at:
                last = {
                    "LastUsedDate": iam_timestamp(self.last_used_at),
                    "Region": self.last_used_region,
                }
            data["RoleLastUsed"] = last
        return data


class InstanceProfile(IamEntity):
    """A container for one role that EC2 instances use."""

    id_prefix = "AIPA"
    kind = "instance-profile"
    not_found_error = ("NoSuchEntity", "Instance Profile {id} cannot be found.")
    cloudformation_type = "AWS::IAM::InstanceProfile"

    roles = models.ManyToManyField(Role, related_name="instance_profiles", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="iam_profile_name_unique"),
        ]

    def describe(self) -> dict:
        data: dict = {
            "Path": self.path,
            "InstanceProfileName": self.name,
            "InstanceProfileId": self.resource_id,
            "Arn": self.arn,
            "CreateDate": iam_timestamp(self.created_at),
            "Roles": [r.describe(full=False, encoded=True) for r in self.roles.all()],
        }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data


class ManagedPolicy(IamEntity):
    """A customer managed policy: up to five versions, one of them the default."""

    id_prefix = "ANPA"
    kind = "policy"
    # Found by ARN.
    not_found_error = ("NoSuchEntity", "Policy {id} does not exist or is not attachable.")
    cloudformation_type = "AWS::IAM::ManagedPolicy"

    description = models.CharField(max_length=1000, blank=True, default="")
    default_version_id = models.CharField(max_length=8, default="v1")
    next_version = models.PositiveIntegerField(default=2)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="iam_policy_name_unique"),
        ]

    @property
    def default_document(self) -> str:
        return self.versions.get(version_id=self.default_version_id).document

    policy_type = "Customer managed"

    @property
    def attachment_count(self) -> int:
        return PolicyAttachment.objects.filter(
            account_id=self.account_id, policy_arn=self.arn
        ).count()

    def describe(
        self, attachment_count: int | None = None, boundary_count: int = 0, *, tags: bool = True
    ) -> dict:
        if attachment_count is None:
            attachment_count = self.attachment_count
        data: dict = {
            "PolicyName": self.name,
            "PolicyId": self.resource_id,
            "Arn": self.arn,
            "Path": self.path,
            "DefaultVersionId": self.default_version_id,
            "AttachmentCount": attachment_count,
            "PermissionsBoundaryUsageCount": boundary_count,
            "IsAttachable": True,
            "CreateDate": iam_timestamp(self.created_at),
            "UpdateDate": iam_timestamp(self.updated_at),
        }
        if self.description:
            data["Description"] = self.description
        if tags and self.tags:
            data["Tags"] = self.tag_list()
        return data


class PolicyVersion(models.Model):
    """One version of a customer managed policy's document."""

    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="versions")
    version_id = models.CharField(max_length=8)  # v1, v2, ...
    document = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "version_id"], name="iam_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} {self.version_id}"


class PolicyAttachment(models.Model):
    """A managed policy (customer or AWS managed, by ARN) attached to one identity."""

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    policy_arn = models.CharField(max_length=2048, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="attached")
    group = models.ForeignKey(Group, null=True, on_delete=models.CASCADE, related_name="attached")
    role = models.ForeignKey(Role, null=True, on_delete=models.CASCADE, related_name="attached")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=True, role__isnull=False)
                ),
                name="iam_attachment_one_identity",
            ),
            models.UniqueConstraint(fields=["user", "policy_arn"], name="iam_attach_user"),
            models.UniqueConstraint(fields=["group", "policy_arn"], name="iam_attach_group"),
            models.UniqueConstraint(fields=["role", "policy_arn"], name="iam_attach_role"),
        ]

    def __str__(self) -> str:
        return self.policy_arn


class InlinePolicy(models.Model):
    """A policy embedded in one user, group or role."""

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=128)
    document = models.TextField()
    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="inline")
    group = models.ForeignKey(Group, null=True, on_delete=models.CASCADE, related_name="inline")
    role = models.ForeignKey(Role, null=True, on_delete=models.CASCADE, related_name="inline")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="iam_inline_user"),
            models.UniqueConstraint(fields=["group", "name"], name="iam_inline_group"),
            models.UniqueConstraint(fields=["role", "name"], name="iam_inline_role"),
        ]

    def __str__(self) -> str:
        return self.name


class PasswordPolicy(models.Model):
    """The account's password policy for IAM users' console passwords (IAM-08)."""

    account = models.OneToOneField(
        "core.Account", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    minimum_length = models.PositiveIntegerField(default=8)
    require_symbols = models.BooleanField(default=False)
    require_numbers = models.BooleanField(default=False)
    require_uppercase = models.BooleanField(default=False)
    require_lowercase = models.BooleanField(default=False)
    allow_users_to_change = models.BooleanField(default=False)
    max_age = models.PositiveIntegerField(null=True, blank=True)  # days
    reuse_prevention = models.PositiveIntegerField(null=True, blank=True)
    hard_expiry = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"password policy of {self.account_id}"

    def describe(self) -> dict:
        data: dict = {
            "MinimumPasswordLength": self.minimum_length,
            "RequireSymbols": self.require_symbols,
            "RequireNumbers": self.require_numbers,
            "RequireUppercaseCharacters": self.require_uppercase,
            "RequireLowercaseCharacters": self.require_lowercase,
            "AllowUsersToChangePassword": self.allow_users_to_change,
            "ExpirePasswords": bool(self.max_age),
        }
        if self.max_age:
            data["MaxPasswordAge"] = self.max_age
        if self.reuse_prevention:
            data["PasswordReusePrevention"] = self.reuse_prevention
        if self.max_age:
            data["HardExpiry"] = self.hard_expiry
        return data


class MfaDevice(models.Model):
    """A virtual MFA device: a TOTP secret (RFC 6238) that an authenticator app holds."""

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    seed = SealedTextField()  # base32; sealed in the database (TOTP codes come from it)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="mfa_devices"
    )
    # The root user's device has no IAM user.
    for_root = models.BooleanField(default=False)
    enabled_at = models.DateTimeField(null=True, blank=True)
    # The last TOTP time step accepted, so a code cannot be used twice.
    last_step = models.BigIntegerField(default=0)
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="iam_mfa_name_unique"),
        ]

    def __str__(self) -> str:
        return self.serial_number

    @property
    def serial_number(self) -> str:
        return f"arn:aws:iam::{self.account_id}:mfa{self.path}{self.name}"


class TemporaryCredential(models.Model):
    """Credentials from AssumeRole or GetSessionToken: ASIA... key, secret, session
    token, and an expiry after which every door answers ExpiredToken (IAM-06)."""

    KINDS = [("AssumedRole", "Assumed role"), ("IAMUser", "IAM user"), ("Root", "Root")]

    access_key_id = models.CharField(primary_key=True, max_length=20)
    secret_access_key = SealedTextField(default=ids.secret_access_key)  # sealed in the database
    session_token = models.TextField(unique=True)
    # The account the credentials act in (the role's account for AssumeRole).
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=KINDS)
    user_name = models.CharField(max_length=64, blank=True, default="")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL)
    role_name = models.CharField(max_length=64, blank=True, default="")
    session_name = models.CharField(max_length=64, blank=True, default="")
    session_policy = models.TextField(blank=True, default="")  # inline session policy
    session_policy_arns = models.JSONField(default=list, blank=True)
    source_identity = models.CharField(max_length=64, blank=True, default="")
    # Who called AssumeRole or GetSessionToken.
    caller_arn = models.CharField(max_length=2048, blank=True, default="")
    mfa_authenticated = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.access_key_id

    @property
    def expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def session_policies(self) -> list[str]:
        return [self.session_policy] if self.session_policy else []

    def credentials(self) -> dict:
        """The STS `Credentials` shape."""
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": iam_timestamp(self.expires_at),
        }


class CredentialReport(models.Model):
    """The account's last generated credential report (CSV)."""

    account = models.OneToOneField(
        "core.Account", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generated_at = models.DateTimeField(default=timezone.now)
    content = models.TextField()

    def __str__(self) -> str:
        return f"credential report of {self.account_id}"


# Lock order (services.core.locks): groups hold users; roles hold instance profiles;
# policies last. Access keys are the core's rows, but IAM users own them.
locks.declare(
    "iam.Group",
    "iam.User",
    "iam.LoginProfile",
    "iam.MfaDevice",
    "core.AccessKey",
    "iam.Role",
    "iam.InstanceProfile",
    "iam.ManagedPolicy",
    after="core.Account",
)
