"""Who is calling, from where and through which door: the first argument of every operation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.conf import settings

from services.core import ids

if TYPE_CHECKING:
    from services.core.models import Account, Resource

Door = Literal["console", "aws", "rest", "system"]


@dataclass(frozen=True)
class Principal:
    """The identity a call runs as. Root for now; IAM adds users and assumed roles."""

    account_id: str
    # "Anonymous": a request without credentials (S3 allows them where a bucket is public).
    kind: Literal["Root", "IAMUser", "AssumedRole", "Anonymous"] = "Root"
    name: str = ""  # IAM user name, or role-name/session-name

    @property
    def is_root(self) -> bool:
        return self.kind == "Root"

    @property
    def arn(self) -> str:
        if self.kind == "Root":
            return f"arn:aws:iam::{self.account_id}:root"
        if self.kind == "IAMUser":
            return f"arn:aws:iam::{self.account_id}:user/{self.name}"
        if self.kind == "Anonymous":
            return "anonymous"
        return f"arn:aws:sts::{self.account_id}:assumed-role/{self.name}"

    @property
    def display_name(self) -> str:
        return "root" if self.is_root else self.name

    @classmethod
    def root(cls, account_id: str) -> Principal:
        return cls(account_id=account_id)


@dataclass
class CallContext:
    """The caller of an operation. `resources` collects what the call touched, for the
    audit event; `request_id` is returned to the caller by every door."""

    account: Account
    region: str
    principal: Principal
    door: Door
    request_id: str = field(default_factory=ids.request_id)
    source_ip: str = "127.0.0.1"
    user_agent: str = ""
    access_key_id: str = ""
    resources: list[dict[str, str]] = field(default_factory=list)

    def touch(self, resource: Resource, resource_type: str = "") -> None:
        """Record that this call created, changed or read `resource`."""
        self.resources.append(
            {
                "ResourceType": resource_type or getattr(resource, "cloudformation_type", ""),
                "ResourceName": resource.resource_id,
                "ARN": resource.arn,
            }
        )

    def in_region(self, region: str) -> CallContext:
        """The same caller, acting in another region (a new context, a new request id)."""
        return CallContext(
            account=self.account,
            region=region,
            principal=self.principal,
            door=self.door,
            source_ip=self.source_ip,
            user_agent=self.user_agent,
            access_key_id=self.access_key_id,
        )

    @classmethod
    def system(cls, account: Account, region: str) -> CallContext:
        """Stratolab itself acting in an account (seeding defaults, lab resets)."""
        return cls(
            account=account,
            region=region,
            principal=Principal.root(account.id),
            door="system",
            user_agent="stratolab",
        )


def source_ip(meta: Mapping[str, str]) -> str:
    """The caller's address for aws:SourceIp and the audit log, from a WSGI environ.
    X-Forwarded-For is believed only behind a proxy we were told about
    (STRATOLAB_TRUST_X_FORWARDED_FOR), or a student could claim any address."""
    if getattr(settings, "STRATOLAB_TRUST_X_FORWARDED_FOR", False):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return meta.get("REMOTE_ADDR", "") or "127.0.0.1"
