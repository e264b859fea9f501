"""Who is calling, as the evaluator needs it: the caller's ARN, its identity-based
policies (managed and inline, on the user and the user's groups (IAM-03), or on the
role), its permissions boundary, its session policies, and the condition keys that
describe it (aws:username, aws:PrincipalTag/..., aws:MultiFactorAuthPresent, ...)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

from django.utils import timezone

from services.core.context import CallContext
from services.core.errors import AwsError
from services.iam import aws_managed, errors
from services.iam.evaluator import NamedPolicy
from services.iam.models import (
    Group,
    InlinePolicy,
    ManagedPolicy,
    PolicyAttachment,
    Role,
    TemporaryCredential,
    User,
)
from services.iam.policy_doc import PolicyDocument, PolicyError, parse_policy

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4096)
def parsed(text: str, kind: str = "identity") -> PolicyDocument | None:
    """A stored document, parsed once per process (documents never change in place)."""
    try:
        return parse_policy(text, kind)  # type: ignore[arg-type]
    except PolicyError:
        log.warning("a stored policy no longer parses; it is ignored")
        return None


def named(name: str, text: str, *, arn: str = "", attached_to: str = "", kind: str = "identity"):
    document = parsed(text, kind)
    return NamedPolicy(name, document, arn, attached_to) if document else None


def managed_document(account_id: str, arn: str) -> str | None:
    """The default version of the managed policy `arn`, if it exists."""
    found = aws_managed.get(arn)
    if found is not None:
        return found.document_text
    prefix = f"arn:aws:iam::{account_id}:policy"
    if not arn.startswith(prefix):
        return None
    path, _, name = arn[len(prefix) :].rpartition("/")
    policy = ManagedPolicy.objects.filter(
        account_id=account_id, name__iexact=name, path=path + "/"
    ).first()
    return policy.default_document if policy else None


def _policies_of(account_id: str, owner: dict, label: str) -> list[NamedPolicy]:
    found: list[NamedPolicy | None] = []
    for arn in PolicyAttachment.objects.filter(**owner).values_list("policy_arn", flat=True):
        text = managed_document(account_id, arn)
        if text:
            found.append(named(arn.rsplit("/", 1)[-1], text, arn=arn, attached_to=label))
    for policy in InlinePolicy.objects.filter(**owner):
        found.append(named(policy.name, policy.document, attached_to=f"inline in {label}"))
    return [p for p in found if p is not None]


def user_policies(user: User) -> list[NamedPolicy]:
    policies = _policies_of(user.account_id, {"user": user}, f"user {user.name}")
    for group in Group.objects.filter(users=user):
        policies += _policies_of(user.account_id, {"group": group}, f"group {group.name}")
    return policies


def role_policies(role: Role) -> list[NamedPolicy]:
    return _policies_of(role.account_id, {"role": role}, f"role {role.name}")


def boundary_of(entity: User | Role) -> list[NamedPolicy] | None:
    """None without a boundary; an unreadable boundary allows nothing."""
    if not entity.permissions_boundary:
        return None
    text = managed_document(entity.account_id, entity.permissions_boundary)
    policy = (
        named(
            entity.permissions_boundary.rsplit("/", 1)[-1],
            text,
            arn=entity.permissions_boundary,
            attached_to="permissions boundary",
        )
        if text
        else None
    )
    return [policy] if policy else []


def trust_policy(role: Role) -> list[NamedPolicy]:
    policy = named("trust policy", role.assume_role_policy, attached_to=f"role {role.name}",
                   kind="trust")  # fmt: skip
    return [policy] if policy else []


def expired_token() -> AwsError:
    return errors.ExpiredToken("The security token included in the request is expired")


@dataclass
class Caller:
    """The caller of one request, resolved for evaluation."""

    arn: str
    account_id: str
    kind: str  # IAMUser, AssumedRole, Root
    identity: list[NamedPolicy] = field(default_factory=list)
    boundary: list[NamedPolicy] | None = None
    session: list[NamedPolicy] | None = None
    role_arn: str = ""
    context: dict[str, str | list[str]] = field(default_factory=dict)
    user: User | None = None
    role: Role | None = None


def _tags(prefix: str, tags: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}/{k}": v for k, v in tags.items()}


def caller_for_user(user: User) -> Caller:
    return Caller(
        arn=user.arn,
        account_id=user.account_id,
        kind="IAMUser",
        identity=user_policies(user),
        boundary=boundary_of(user),
        user=user,
        context={
            "aws:username": user.name,
            "aws:userid": user.resource_id,
            "aws:PrincipalArn": user.arn,
            "aws:PrincipalAccount": user.account_id,
            "aws:PrincipalType": "User",
            "aws:PrincipalIsAWSService": "false",
            **_tags("aws:PrincipalTag", user.tags),
        },
    )


def caller_for_role(
    role: Role, session_name: str, session: list[NamedPolicy] | None = None
) -> Caller:
    arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}"
    return Caller(
        arn=arn,
        account_id=role.account_id,
        kind="AssumedRole",
        identity=role_policies(role),
        boundary=boundary_of(role),
        session=session,
        role_arn=role.arn,
        role=role,
        context={
            "aws:userid": f"{role.resource_id}:{session_name}",
            "aws:PrincipalArn": role.arn,
            "aws:PrincipalAccount": role.account_id,
            "aws:PrincipalType": "AssumedRole",
            "aws:PrincipalIsAWSService": "false",
            "aws:RoleSessionName": session_name,
            **_tags("aws:PrincipalTag", role.tags),
        },
    )


def session_policies(credential: TemporaryCredential) -> list[NamedPolicy] | None:
    """The session policies passed to AssumeRole; None when there were none."""
    if not credential.session_policy and not credential.session_policy_arns:
        return None
    found: list[NamedPolicy | None] = []
    if credential.session_policy:
        found.append(named("session policy", credential.session_policy, attached_to="session"))
    for arn in credential.session_policy_arns:
        text = managed_document(credential.account_id, arn)
        found.append(
            named(arn.rsplit("/", 1)[-1], text, arn=arn, attached_to="session") if text else None
        )
    return [p for p in found if p is not None]


def caller_for(ctx: CallContext) -> Caller:
    """Resolve the caller of `ctx`. Raises ExpiredToken for expired temporary
    credentials, whichever door they came through."""
    principal = ctx.principal
    credential = None
    if ctx.access_key_id.startswith("ASIA"):
        credential = TemporaryCredential.objects.filter(access_key_id=ctx.access_key_id).first()
        if credential is None or credential.expired:
            raise expired_token()
    if principal.kind == "IAMUser":
        user = User.objects.filter(account_id=ctx.account.id, name__iexact=principal.name).first()
        if user is None:
            # The user was deleted while signed in: nothing allows anything.
            caller = Caller(f"arn:aws:iam::{ctx.account.id}:user/{principal.name}", ctx.account.id,
                            "IAMUser")  # fmt: skip
        else:
            caller = caller_for_user(user)
    elif principal.kind == "AssumedRole":
        role_name, _, session_name = principal.name.partition("/")
        role = Role.objects.filter(account_id=ctx.account.id, name__iexact=role_name).first()
        session = session_policies(credential) if credential else None
        if role is None:
            caller = Caller(principal.arn, ctx.account.id, "AssumedRole", session=session)
        else:
            caller = caller_for_role(role, session_name, session)
    else:
        caller = Caller(principal.arn, principal.account_id, principal.kind)
    caller.context["aws:SourceIp"] = ctx.source_ip
    caller.context["aws:RequestedRegion"] = ctx.region
    if ctx.user_agent:
        caller.context["aws:UserAgent"] = ctx.user_agent
    if credential is not None:
        issued = credential.created_at
        caller.context["aws:TokenIssueTime"] = issued.strftime("%Y-%m-%dT%H:%M:%SZ")
        caller.context["aws:MultiFactorAuthPresent"] = str(credential.mfa_authenticated).lower()
        if credential.mfa_authenticated:
            age = int((timezone.now() - issued).total_seconds())
            caller.context["aws:MultiFactorAuthAge"] = str(age)
        if credential.source_identity:
            caller.context["aws:SourceIdentity"] = credential.source_identity
    elif ctx.door == "console":
        # A console session is a temporary session; without MFA at sign-in the key says
        # false (long-term access keys leave it out, as AWS does).
        caller.context["aws:MultiFactorAuthPresent"] = "false"
    return caller
