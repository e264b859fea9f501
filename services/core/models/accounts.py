"""Sandbox accounts and their long-term access keys."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone

from services.core import ids
from services.core.sealed import SealedTextField


class Account(models.Model):
    """A simulated AWS account: a 12-digit id, an optional alias, and its root user,
    who signs in with an email address and a password (IAM-07)."""

    id = models.CharField(primary_key=True, max_length=12, default=ids.account_id)
    alias = models.CharField(max_length=63, unique=True, null=True, blank=True)
    root_email = models.EmailField(unique=True)
    root_password = models.CharField(max_length=256)
    status = models.CharField(
        max_length=16, default="active", choices=[("active", "Active"), ("suspended", "Suspended")]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id__regex=r"^[0-9]{12}$"), name="account_id_12_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.alias or self.id

    def set_root_password(self, raw: str) -> None:
        self.root_password = make_password(raw)

    def check_root_password(self, raw: str) -> bool:
        return check_password(raw, self.root_password)

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.id}:root"

    @property
    def sign_in_name(self) -> str:
        """What an IAM user types as 'Account ID or alias'."""
        return self.alias or self.id


class AccessKey(models.Model):
    """A long-term access key: the root user's, or (with IAM) an IAM user's."""

    access_key_id = models.CharField(primary_key=True, max_length=20, default=ids.access_key_id)
    # Sealed in the database (SigV4 verification needs it back, so no hash will do).
    secret_access_key = SealedTextField(default=ids.secret_access_key)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="access_keys")
    # Empty for the root user; the IAM user name otherwise.
    user_name = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        max_length=8, default="Active", choices=[("Active", "Active"), ("Inactive", "Inactive")]
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_service = models.CharField(max_length=64, blank=True, default="")
    last_used_region = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return self.access_key_id

    @property
    def is_root(self) -> bool:
        return not self.user_name
