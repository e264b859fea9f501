"""STS: AssumeRole and GetSessionToken hand out temporary credentials (ASIA... key,
secret, session token) that expire (IAM-06); GetCallerIdentity is in operations.py.
The roles, users, MFA devices and credential rows are IAM's (services/iam/models.py):
STS uses IAM, never the other way round. Loaded by the STS app only when IAM is installed.

Who may assume a role is decided before the operation runs, by the evaluator: the
role's trust policy is the resource-based policy of sts:AssumeRole and must allow the
caller; in the same account a trust policy that names the caller itself is enough,
one that names the account also needs sts:AssumeRole in the caller's identity-based
policies; across accounts both are needed.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets

from django.utils import timezone

from services.core import authz, ids
from services.core.authz import Target
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.iam import mfa
from services.iam.models import MfaDevice, Role, TemporaryCredential, User
from services.iam.policy_doc import parse_policy
from services.iam.principals import managed_document
from services.iam.roles import policy_size
from services.sts import errors

SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
ROLE_CHAINING_LIMIT = 3600
SESSION_POLICY_SIZE = 2048


def _validation(message: str) -> AwsError:
    return errors.ValidationError(message)


def _session_token() -> str:
    # Opaque to clients, long like AWS's; unique per credential.
    return base64.b64encode(b"stratolab/" + secrets.token_bytes(180)).decode()


def _issue(ctx: CallContext, **fields) -> TemporaryCredential:
    credential = TemporaryCredential(
        access_key_id=ids.access_key_id("ASIA"),
        session_token=_session_token(),
        caller_arn=ctx.principal.arn,
        **fields,
    )
    while TemporaryCredential.objects.filter(access_key_id=credential.access_key_id).exists():
        credential.access_key_id = ids.access_key_id("ASIA")
    credential.save()
    return credential


def _role_from_arn(ctx: CallContext, arn: str) -> Role | None:
    m = re.match(r"^arn:aws:iam::(\d{12}):role/(?:.*/)?([^/]+)$", arn)
    if not m:
        return None
    return Role.objects.filter(account_id=m.group(1), name__iexact=m.group(2)).first()


def _not_authorized(ctx: CallContext, action: str, arn: str) -> AwsError:
    from services.iam.principals import caller_for

    who = ctx.principal.arn
    if ctx.principal.kind == "IAMUser":
        who = caller_for(ctx).arn
    return errors.AccessDenied(
        f"User: {who} is not authorized to perform: {action} on resource: {arn}"
    )


@operation("sts", "AssumeRole", global_service=True)
def assume_role(ctx: CallContext, params: dict) -> dict:
    arn, session_name = params["RoleArn"], params["RoleSessionName"]
    if ctx.principal.is_root:
        raise errors.AccessDenied("Roles may not be assumed by root accounts.")
    if not SESSION_NAME.match(session_name):
        raise _validation(
            f"1 validation error detected: Value '{session_name}' at 'roleSessionName' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )
    role = _role_from_arn(ctx, arn)
    if role is None:
        # AWS does not tell whether the role exists.
        raise _not_authorized(ctx, "sts:AssumeRole", arn)
    duration = params.get("DurationSeconds") or 3600
    if ctx.principal.kind == "AssumedRole" and duration > ROLE_CHAINING_LIMIT:
        raise _validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
            "by role chaining."
        )
    if duration > role.max_session_duration:
        raise _validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    session_policy = params.get("Policy") or ""
    packed = None
    if session_policy:
        parse_policy(session_policy, "identity")
        packed = policy_size(session_policy) * 100 // SESSION_POLICY_SIZE
        if packed > 100:
            raise errors.PackedPolicyTooLarge(
                f"Packed policy consumes {packed}% of allotted space, please use smaller policy "
                "for this session."
            )
    policy_arns = [p["arn"] for p in params.get("PolicyArns") or [] if p.get("arn")]
    for policy_arn in policy_arns:
        # Managed session policies must exist in the role's account.
        if managed_document(role.account_id, policy_arn) is None:
            raise _validation(f"Policy {policy_arn} does not exist or is not attachable.")
    credential = _issue(
        ctx,
        account=role.account,
        kind="AssumedRole",
        role=role,
        role_name=role.name,
        session_name=session_name,
        session_policy=session_policy,
        session_policy_arns=policy_arns,
        source_identity=params.get("SourceIdentity") or "",
        expires_at=timezone.now() + dt.timedelta(seconds=duration),
    )
    result: dict = {
        "Credentials": credential.credentials(),
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role.resource_id}:{session_name}",
            "Arn": f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}",
        },
    }
    if packed is not None:
        result["PackedPolicySize"] = packed
    if credential.source_identity:
        result["SourceIdentity"] = credential.source_identity
    ctx.resources.append(
        {"ResourceType": "AWS::IAM::Role", "ResourceName": role.name, "ARN": role.arn}
    )
    return result


@operation("sts", "GetSessionToken", global_service=True)
def get_session_token(ctx: CallContext, params: dict) -> dict:
    kind = ctx.principal.kind
    if kind == "AssumedRole" or ctx.access_key_id.startswith("ASIA"):
        raise errors.AccessDenied("Cannot call GetSessionToken with session credentials")
    duration = params.get("DurationSeconds") or (3600 if kind == "Root" else 43200)
    if kind == "Root" and duration > 3600:
        duration = 3600  # the root user's sessions last at most an hour
    mfa_ok = False
    serial = params.get("SerialNumber")
    if serial or params.get("TokenCode"):
        device = None
        for candidate in MfaDevice.objects.filter(account=ctx.account, enabled_at__isnull=False):
            if candidate.serial_number == serial:
                device = candidate
        owner_ok = device is not None and (
            (kind == "Root" and device.for_root)
            or (device.user is not None and device.user.name.lower() == ctx.principal.name.lower())
        )
        if not owner_ok or not mfa.verify(device, params.get("TokenCode") or ""):
            raise errors.AccessDenied(
                "MultiFactorAuthentication failed with invalid MFA one time pass code."
            )
        mfa_ok = True
    user_name = ""
    if kind == "IAMUser":
        user = User.objects.filter(account=ctx.account, name__iexact=ctx.principal.name).first()
        user_name = user.name if user else ctx.principal.name
    credential = _issue(
        ctx,
        account=ctx.account,
        kind=kind,
        user_name=user_name,
        mfa_authenticated=mfa_ok,
        expires_at=timezone.now() + dt.timedelta(seconds=duration),
    )
    return {"Credentials": credential.credentials()}


@authz.resources("sts:*")
def sts_targets(ctx: CallContext, action: str, params: dict) -> list[Target]:
    """What an STS call acts on: the role it names, with its tags and owner account
    (the trust policy and aws:ResourceTag are checked against them)."""
    arn = params.get("RoleArn")
    if not isinstance(arn, str) or ":role/" not in arn:
        return [Target("*")]
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return [Target(arn)]
    name = parts[5].rsplit("/", 1)[-1]
    role = Role.objects.filter(account_id=parts[4], name__iexact=name).first()
    return [Target(arn, role.tags if role else {}, parts[4])]
