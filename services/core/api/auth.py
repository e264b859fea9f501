"""REST authentication: an access key as a token, or the console session."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from rest_framework import authentication, exceptions, permissions

from services.core.context import Principal
from services.core.models import AccessKey, Account


@dataclass(frozen=True)
class SandboxUser:
    """The DRF `request.user` of the REST door: a principal of a sandbox account."""

    account: Account
    principal: Principal
    access_key_id: str = ""

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> str:
        return self.principal.arn


class AccessKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <access key id>:<secret access key>`, the key pair the
    account page and IAM hand out (the same keys sign AWS CLI requests)."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        keyword, _, credentials = header.strip().partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None  # not ours: an AWS signature, Basic, or nothing
        key_id, _, secret = credentials.strip().partition(":")
        key = AccessKey.objects.select_related("account").filter(access_key_id=key_id).first()
        # compare_digest: the time taken must not tell how much of a secret was right.
        if (
            key is None
            or key.status != "Active"
            or not hmac.compare_digest(key.secret_access_key.encode(), secret.encode())
        ):
            raise exceptions.AuthenticationFailed(
                "The security token included in the request is invalid."
            )
        if key.account.status != "active":
            raise exceptions.AuthenticationFailed("The account is suspended.")
        kind = "Root" if key.is_root else "IAMUser"
        principal = Principal(account_id=key.account_id, kind=kind, name=key.user_name)
        return SandboxUser(key.account, principal, key.access_key_id), key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ConsoleSessionAuthentication(authentication.SessionAuthentication):
    """A signed-in console session also reaches the REST API (with CSRF checks)."""

    def authenticate(self, request):
        raw = request._request
        if getattr(raw, "account", None) is None:
            return None
        self.enforce_csrf(request)
        return SandboxUser(raw.account, raw.principal), None


class IsSandboxPrincipal(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, SandboxUser)
