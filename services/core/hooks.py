"""Hooks: functions core (or any service) declares and another service fills in.

Core never imports a service app. Where it needs something only a service knows (who
owns an access key, whether an IAM user may sign in), it declares a `Hook` with a
default that answers sensibly without that service (deny, no principal), and the service
installs its function in its `AppConfig.ready`, the way IAM installs its policy
evaluator with `authz.set_evaluator`:

    # services/iam/apps.py
    hooks.access_key_owner.install(credentials.principal_for_access_key)

The same class carries hooks between services (VPC declares
`services.vpc.network.instance_interface`, EC2 fills it), so a service reaches another
only through the other's interface module, never through its models or `apps.get_model`.

The hooks core declares (IAM fills all four):

    access_key_owner(key_id, *, session_token, service, region)   the AWS door
    sign_in_user(account_name, user_name, password, mfa_code)     console sign-in
    console_user_ended(session, account_id, user_name)             console session
    console_role_session(request)                                  Switch role

and one EventBridge fills:

    aws_event(account_id, region, *, source, detail_type, detail, resources)
                                   an AWS service's own event, on the default bus
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from services.core import errors
from services.core.context import Principal
from services.core.models import AccessKey, Account
from services.core.signin_guard import hash_anyway

F = TypeVar("F", bound=Callable[..., Any])


class Hook(Generic[F]):
    """One function slot: `default` answers until a service `install`s its own."""

    def __init__(self, name: str, default: F) -> None:
        self.name = name
        self.default = default
        self._installed: F | None = None

    def install(self, impl: F | None) -> None:
        """Fill the hook (None puts the default back)."""
        self._installed = impl

    @property
    def installed(self) -> F | None:
        return self._installed

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return (self._installed or self.default)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {'installed' if self._installed else 'default'}>"


# --- the AWS door: who signs with an access key ------------------------------------


class KeyOwner(Protocol):
    """What the AWS door needs to know of a key (IAM's `Credentials` is one)."""

    account: Account
    principal: Principal
    secret_access_key: str


@dataclass(frozen=True)
class LongTermKey:
    account: Account
    principal: Principal
    secret_access_key: str


def _long_term_key(
    key_id: str, *, session_token: str = "", service: str = "", region: str = ""
) -> KeyOwner:
    """Without IAM: only the account's long-term keys (core AccessKey rows) sign; an IAM
    user's key still names its user, whom authz then denies (no evaluator, IAM-01)."""
    key = AccessKey.objects.select_related("account").filter(access_key_id=key_id).first()
    if key is None or key.status != "Active" or key.account.status != "active":
        raise errors.InvalidClientTokenId("The security token included in the request is invalid.")
    AccessKey.objects.filter(pk=key.pk).update(
        last_used_at=timezone.now(), last_used_service=service, last_used_region=region
    )
    kind = "Root" if key.is_root else "IAMUser"
    principal = Principal(account_id=key.account_id, kind=kind, name=key.user_name)
    return LongTermKey(key.account, principal, key.secret_access_key)


# Raises AwsError for unknown or inactive keys; a code containing "Expired" for
# credentials past their expiry (the door answers each in the service's own words).
access_key_owner: Hook[Callable[..., KeyOwner]] = Hook("access_key_owner", _long_term_key)


# --- console sign-in of IAM users ---------------------------------------------------

INCORRECT = "Your authentication information is incorrect. Please try again."


class SignInRefused(Exception):
    """A refused sign-in. `needs_mfa`: the password was right and an MFA code is due."""

    def __init__(self, message: str = INCORRECT, *, needs_mfa: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.needs_mfa = needs_mfa


class SignedInUser(Protocol):
    account: Account
    principal: Principal


def _no_user_sign_in(
    account_name: str, user_name: str, password: str, mfa_code: str = ""
) -> SignedInUser:
    """Without IAM there are no IAM users: refused, after as long as a real check."""
    hash_anyway(password)
    raise SignInRefused()


# (account id or alias, user name, password, MFA code) -> the signed-in user, or raises
# SignInRefused with the message the sign-in page shows.
sign_in_user: Hook[Callable[..., SignedInUser]] = Hook("sign_in_user", _no_user_sign_in)


# --- the console session -----------------------------------------------------------


def _no_user_session(session: SessionBase, account_id: str, user_name: str) -> str:
    return (
        f"Your console session has ended: the IAM user {user_name} can no longer sign in. "
        "Sign in again."
    )


# Why the console session of an IAM user is over ("" while it is not).
console_user_ended: Hook[Callable[[SessionBase, str, str], str]] = Hook(
    "console_user_ended", _no_user_session
)


def _no_role_session(request: HttpRequest) -> str:
    return "Your console session has ended: its role can no longer be used. Sign in again."


# Run the request as the session's switched-to role while it is valid (setting
# request.account/principal/console_access_key_id/console_role); returns why the whole
# console session is over instead ("" while it is not).
console_role_session: Hook[Callable[[HttpRequest], str]] = Hook(
    "console_role_session", _no_role_session
)


# --- the cloud's own events ----------------------------------------------------------


def _no_event_bus(
    account_id: str,
    region: str,
    *,
    source: str,
    detail_type: str,
    detail: dict,
    resources: Iterable[str] = (),
) -> None:
    """Without EventBridge the events AWS services emit go nowhere."""


# An AWS service's event ("aws.ec2", "EC2 Instance State-change Notification", its
# detail and the ARNs it is about) for the account's default event bus in `region`.
# EventBridge puts it there once the current transaction commits and delivers it to
# matching rules' targets in the worker; callers need not be in a transaction.
aws_event: Hook[Callable[..., None]] = Hook("aws_event", _no_event_bus)
