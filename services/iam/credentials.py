"""From an access key id to the caller: the one lookup the AWS door needs.

`principal_for_access_key(key_id, ...)` finds long-term keys (core AccessKey rows: the
root user's or an IAM user's) and temporary credentials from STS (ASIA... keys, with
their session token and expiry), and returns who is calling and the secret to check
the signature with. Bad or expired credentials raise the AWS error of the service
being called (InvalidClientTokenId / ExpiredToken; AuthFailure / RequestExpired for
EC2; InvalidAccessKeyId / ExpiredToken for S3).
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, replace

from django.utils import timezone

from services.core import account_generation
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.core.models import AccessKey, Account
from services.iam import errors
from services.iam.models import TemporaryCredential


@dataclass(frozen=True)
class Credentials:
    account: Account
    principal: Principal
    access_key_id: str
    secret_access_key: str
    session_token: str = ""  # temporary credentials only
    mfa_authenticated: bool = False


def invalid_credentials(service: str = "") -> AwsError:
    if service == "ec2":
        return errors.AuthFailure("AWS was not able to validate the provided access credentials")
    if service == "s3":
        return errors.InvalidAccessKeyId(
            "The AWS Access Key Id you provided does not exist in our records."
        )
    return errors.InvalidClientTokenId("The security token included in the request is invalid.")


def expired_credentials(service: str = "") -> AwsError:
    if service == "ec2":
        return errors.RequestExpired("Request has expired.")
    if service == "s3":
        return errors.ExpiredToken("The provided token has expired.", status=400)
    return errors.ExpiredToken("The security token included in the request is expired")


def principal_for_access_key(
    key_id: str, *, session_token: str = "", service: str = "", region: str = ""
) -> Credentials:
    """Who signs with `key_id`. Raises the service's AWS error for unknown, inactive or
    expired credentials, or a temporary key presented without its session token. Marks
    a long-term key as last used by `service` in `region`."""
    if key_id.startswith("ASIA"):
        temp = (
            TemporaryCredential.objects.select_related("account")
            .filter(access_key_id=key_id)
            .first()
        )
        if temp is None or temp.account.status != "active":
            raise invalid_credentials(service)
        if session_token != temp.session_token:
            raise invalid_credentials(service)
        if temp.expired:
            raise expired_credentials(service)
        if temp.kind == "AssumedRole":
            principal = Principal(
                temp.account_id, "AssumedRole", f"{temp.role_name}/{temp.session_name}"
            )
        elif temp.kind == "IAMUser":
            principal = Principal(temp.account_id, "IAMUser", temp.user_name)
        else:
            principal = Principal.root(temp.account_id)
        return Credentials(
            temp.account,
            principal,
            key_id,
            temp.secret_access_key,
            temp.session_token,
            temp.mfa_authenticated,
        )
    found, generation = _long_term(key_id)
    if found is None:
        raise invalid_credentials(service)
    if service:
        _mark_used(key_id, service, region)
    # Each call gets its own Account object: a call that changes it (an alias) changes
    # no other call's. It carries the generation just checked, for the call's later
    # checks (the classroom guard).
    account = copy.copy(found.account)
    account_generation.mark_checked(account, generation)
    return replace(found, account=account)


# Long-term keys, per process, checked against the account's generation on every use
# (services.core.account_generation): deactivating or deleting a key, or suspending the
# account, outdates the entry in the same commit. Unknown or refused keys are not kept.
_KEYS: account_generation.AccountCache[Credentials] = account_generation.AccountCache("keys")


def _long_term(key_id: str) -> tuple[Credentials | None, int]:
    cached = _KEYS.get_checked(key_id)
    if cached is not None:
        return cached
    key = (
        AccessKey.objects.select_related("account")
        .annotate(generation=account_generation.annotation('"core_accesskey"."account_id"'))
        .filter(access_key_id=key_id)
        .first()
    )
    if key is None or key.status != "Active" or key.account.status != "active":
        return None, 0
    principal = (
        Principal.root(key.account_id)
        if key.is_root
        else Principal(key.account_id, "IAMUser", key.user_name)
    )
    found = Credentials(key.account, principal, key_id, key.secret_access_key)
    _KEYS.put(key_id, key.account_id, key.generation, found)
    return found, key.generation


# AWS records a key's last use within hours; one write per key, service and region a
# minute (per process) keeps GetAccessKeyLastUsed true without a write on every call.
LAST_USED_EVERY = 60.0
_last_marked: dict[str, tuple[str, str, float]] = {}
_marked_lock = threading.Lock()


def _mark_used(key_id: str, service: str, region: str) -> None:
    now = time.monotonic()
    seen = _last_marked.get(key_id)
    if seen is not None and seen[:2] == (service, region) and now - seen[2] < LAST_USED_EVERY:
        return
    AccessKey.objects.filter(pk=key_id).update(
        last_used_at=timezone.now(), last_used_service=service, last_used_region=region
    )
    with _marked_lock:
        if len(_last_marked) > 20_000:
            _last_marked.clear()
        _last_marked[key_id] = (service, region, now)


def caller_identity(ctx: CallContext) -> dict[str, str]:
    """GetCallerIdentity's answer for any caller: the root user (UserId = account id),
    an IAM user (AIDA... id, ARN with the user's path) or a role session
    (AROA...:session, arn:aws:sts::...:assumed-role/ROLE/SESSION)."""
    from services.iam.models import Role, User

    principal = ctx.principal
    account = principal.account_id
    if principal.kind == "IAMUser":
        user = User.objects.filter(account_id=account, name__iexact=principal.name).first()
        if user is not None:
            return {"UserId": user.resource_id, "Account": account, "Arn": user.arn}
    elif principal.kind == "AssumedRole":
        role_name, _, session = principal.name.partition("/")
        role = Role.objects.filter(account_id=account, name__iexact=role_name).first()
        role_id = role.resource_id if role is not None else role_name
        return {"UserId": f"{role_id}:{session}", "Account": account, "Arn": principal.arn}
    return {"UserId": account, "Account": account, "Arn": principal.arn}
