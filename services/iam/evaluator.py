"""The IAM policy evaluator: one request against the policies that apply to it.

Pure: it reads no database. The caller (services/iam/authorizer.py, the policy
simulator, the tests) gathers the policies and the request context. The logic follows
AWS's "Policy evaluation logic" pages:

1. An explicit Deny in any policy (identity-based, resource-based, permissions boundary,
   session policy) decides: denied (IAM-02).
2. Within one account, an Allow in an identity-based policy or in a resource-based
   policy allows, but an identity-based Allow counts only if the permissions boundary
   and the session policy (when there are any) also allow (IAM-09). A resource-based
   policy naming the IAM user or the role session itself allows even then; one naming
   the role is limited like the role's own policies; one naming only the account
   delegates to the account's identity-based policies.
3. Role trust policies are the exception: they must allow the caller explicitly.
4. Across accounts, both the resource-based policy and the caller's identity-based
   policies must allow.
5. Otherwise the request is implicitly denied (IAM-01).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from services.core import describe
from services.iam import conditions
from services.iam.policy_doc import PolicyDocument, Statement

PolicyKind = Literal["identity", "resource", "boundary", "session"]

_KIND_LABEL = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "boundary": "permissions boundary",
    "session": "session policy",
}

# Literal * and ? written as ${*} and ${?} (or substituted from a variable's value) must
# not act as wildcards; they travel as these two private characters until matching.
_STAR, _QMARK = "\x00", "\x01"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Request:
    """What is being asked: who, which action, on which resource, in which context."""

    principal_arn: str
    action: str  # ec2:RunInstances
    resource: str = "*"  # one resource ARN, or "*" for actions without resource-level rules
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    principal_account: str = ""
    resource_account: str = ""  # the resource owner; empty: the principal's account
    role_arn: str = ""  # for a role session: the role, as resource policies may name it

    def values(self, key: str) -> list[str] | None:
        """The request's values of condition key `key` (names are case-insensitive)."""
        found = _lower_keys(self.context).get(key.lower())
        if found is None:
            return None
        return [found] if isinstance(found, str) else list(found)

    @property
    def same_account(self) -> bool:
        return not self.resource_account or self.resource_account == self.principal_account


def _lower_keys(context: Mapping[str, object]) -> dict[str, object]:
    return {k.lower(): v for k, v in context.items()}


@dataclass(frozen=True)
class NamedPolicy:
    """A policy document with the name the console shows for it."""

    name: str  # AdministratorAccess, or the inline policy's name
    document: PolicyDocument
    arn: str = ""  # managed policies only
    attached_to: str = ""  # "user alice", "group admins": where an inline policy lives


@dataclass(frozen=True)
class Match:
    """A statement that applies to the request."""

    kind: PolicyKind
    policy: NamedPolicy
    statement: Statement
    principal_match: str = ""  # resource policies: direct, role, account or public

    def describe(self) -> str:
        where = f" ({self.policy.attached_to})" if self.policy.attached_to else ""
        return (
            f"{self.statement.effect} in {_KIND_LABEL[self.kind]} "
            f"{self.policy.name}{where}, {self.statement.label}"
        )


Decision = Literal["allowed", "explicitDeny", "implicitDeny"]


@dataclass(frozen=True)
class Result:
    decision: Decision
    reason: str  # AWS's wording: "because no identity-based policy allows the X action"
    deciding: Match | None = None
    matches: tuple[Match, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"

    @property
    def summary(self) -> str:
        """One line for the console and the simulator."""
        if self.deciding is not None:
            verb = "Allowed" if self.allowed else "Denied"
            return f"{verb}: {self.deciding.describe()}"
        return "Denied: no statement allowed it (implicit deny)"


# --- matching ----------------------------------------------------------------------------


def resolve(text: str, request: Request, *, literal: bool) -> str | None:
    """Substitute policy variables (${aws:username}, ${aws:PrincipalTag/team, 'none'});
    None when a variable has no value and no default, so the element cannot match."""
    if "${" not in text:
        return text
    missing = False

    def substitute(m: re.Match[str]) -> str:
        nonlocal missing
        inner = m.group(1).strip()
        if inner == "*":
            return _STAR
        if inner == "?":
            return _QMARK
        if inner == "$":
            return "$"
        key, sep, default = inner.partition(",")
        values = request.values(key.strip())
        if values:
            value = values[0]
        elif sep:
            value = default.strip().strip("'")
        else:
            missing = True
            return ""
        return value.replace("*", _STAR).replace("?", _QMARK)

    result = _VARIABLE.sub(substitute, text)
    if missing:
        return None
    if literal:
        result = result.replace(_STAR, "*").replace(_QMARK, "?")
    return result


def _glob(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if _STAR not in pattern and _QMARK not in pattern:
        return conditions.glob_match(pattern, value, ignore_case=ignore_case)
    # A variable's value brought `*` and `?` in as literal characters (the markers).
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    tokens = [
        (False, "*") if c == _STAR else (False, "?") if c == _QMARK else (c in "*?", c)
        for c in pattern
    ]
    return describe.Wildcard.of(tokens).match(value)


def action_matches(pattern: str, action: str) -> bool:
    """Actions match case-insensitively, with * and ? wildcards."""
    return conditions.glob_match(pattern, action, ignore_case=True)


def resource_matches(pattern: str, resource: str) -> bool:
    """A Resource pattern against a resource ARN: each ARN part on its own, wildcards
    within a part, case-sensitive. A request on "*" (an action without resource-level
    permissions) is matched only by "*"."""
    if pattern == "*":
        return True
    if resource == "*":
        return False
    want, have = pattern.split(":", 5), resource.split(":", 5)
    if len(want) < 6 or len(have) != 6:
        return _glob(pattern, resource)
    return all(_glob(w, h) for w, h in zip(want, have, strict=True))


def _principal_match(statement: Statement, request: Request) -> str:
    """How a resource-based statement's Principal names the caller: "direct" (the user,
    the role session, or a service), "role", "account", "public", or "" for no match."""
    principals = statement.principals or {}
    best = ""
    order = {"": 0, "account": 1, "role": 2, "public": 3, "direct": 4}
    for ptype, values in principals.items():
        for value in values:
            kind = ""
            if ptype == "*" or (ptype == "AWS" and value == "*"):
                kind = "public"
            elif ptype == "AWS":
                if value == request.principal_arn:
                    kind = "direct"
                elif request.role_arn and value == request.role_arn:
                    kind = "role"
                elif value in (
                    request.principal_account,
                    f"arn:aws:iam::{request.principal_account}:root",
                ):
                    kind = "account"
            elif ptype == "Service" and value == request.principal_arn:
                kind = "direct"
            if order[kind] > order[best]:
                best = kind
    if statement.not_principal:
        return "" if best else "public"
    return best


def _conditions_hold(statement: Statement, request: Request, variables: bool) -> bool:
    for cond in statement.conditions:
        _, base, _ = conditions.split_operator(cond.operator)
        policy_values: list[str] = []
        for value in cond.values:
            if variables and base in conditions.VARIABLE_OPERATORS:
                literal = base not in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike")
                resolved = resolve(value, request, literal=literal)
                if resolved is None:
                    continue
                value = resolved.replace(_STAR, "*").replace(_QMARK, "?")
            policy_values.append(value)
        if not conditions.test(cond.operator, request.values(cond.key), policy_values):
            return False
    return True


def statement_applies(
    statement: Statement, request: Request, *, variables: bool, resource_policy: bool = False
) -> str | bool:
    """Whether `statement` applies to `request` (for a resource policy: how the
    principal matched, a non-empty string)."""
    principal = "direct"
    if resource_policy:
        principal = _principal_match(statement, request)
        if not principal:
            return False
    hit = any(action_matches(p, request.action) for p in statement.actions)
    if hit == statement.not_action:
        return False
    if statement.resources is not None:
        hit = False
        for pattern in statement.resources:
            resolved = resolve(pattern, request, literal=False) if variables else pattern
            if resolved is not None and resource_matches(resolved, request.resource):
                hit = True
                break
        if hit == statement.not_resource:
            return False
    if not _conditions_hold(statement, request, variables):
        return False
    return principal if resource_policy else True


def matching(policies: Iterable[NamedPolicy], kind: PolicyKind, request: Request) -> list[Match]:
    found = []
    for policy in policies:
        variables = policy.document.supports_variables
        for statement in policy.document.statements:
            applies = statement_applies(
                statement, request, variables=variables, resource_policy=kind == "resource"
            )
            if applies:
                principal = applies if isinstance(applies, str) and kind == "resource" else ""
                found.append(Match(kind, policy, statement, principal))
    return found


# --- the decision ------------------------------------------------------------------------


def _no_allow(kind: PolicyKind, action: str) -> str:
    return f"because no {_KIND_LABEL[kind]} allows the {action} action"


def evaluate(
    request: Request,
    identity: Sequence[NamedPolicy] = (),
    *,
    resource: Sequence[NamedPolicy] = (),
    boundary: Sequence[NamedPolicy] | None = None,
    session: Sequence[NamedPolicy] | None = None,
    resource_policy_required: bool = False,
) -> Result:
    """Decide `request`. `boundary` and `session` are None when the principal has no
    permissions boundary / session policy (which is not the same as an empty one)."""
    found = {
        "identity": matching(identity, "identity", request),
        "resource": matching(resource, "resource", request),
        "boundary": matching(boundary or (), "boundary", request),
        "session": matching(session or (), "session", request),
    }
    everything = tuple(m for ms in found.values() for m in ms)

    for kind in ("identity", "resource", "boundary", "session"):
        for m in found[kind]:
            if m.statement.effect == "Deny":
                label = _KIND_LABEL[kind]
                article = "an" if label[0] in "aeiou" else "a"
                return Result(
                    "explicitDeny", f"with an explicit deny in {article} {label}", m, everything
                )

    def first_allow(kind: str, principal: tuple[str, ...] = ()) -> Match | None:
        for m in found[kind]:
            if m.statement.effect == "Allow" and (not principal or m.principal_match in principal):
                return m
        return None

    identity_allow = first_allow("identity")
    boundary_ok = boundary is None or first_allow("boundary") is not None
    session_ok = session is None or first_allow("session") is not None
    limited_ok = boundary_ok and session_ok

    def identity_denial() -> str:
        if identity_allow is None:
            return _no_allow("identity", request.action)
        if not boundary_ok:
            return _no_allow("boundary", request.action)
        return _no_allow("session", request.action)

    resource_any = first_allow("resource")
    if not request.same_account:
        if resource_any is None:
            return Result("implicitDeny", _no_allow("resource", request.action), None, everything)
        if identity_allow is not None and limited_ok:
            return Result("allowed", "", identity_allow, everything)
        return Result("implicitDeny", identity_denial(), None, everything)

    direct = first_allow("resource", ("direct", "public"))
    if direct is not None:
        return Result("allowed", "", direct, everything)
    role_grant = first_allow("resource", ("role",))
    if role_grant is not None and limited_ok:
        return Result("allowed", "", role_grant, everything)
    if resource_policy_required:
        account_grant = first_allow("resource", ("account",))
        if account_grant is None and role_grant is None:
            return Result("implicitDeny", _no_allow("resource", request.action), None, everything)
    if identity_allow is not None and limited_ok:
        return Result("allowed", "", identity_allow, everything)
    return Result("implicitDeny", identity_denial(), None, everything)


def now_context(now: dt.datetime) -> dict[str, str]:
    """aws:CurrentTime and aws:EpochTime for `now`."""
    now = now.astimezone(dt.UTC)
    return {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
    }
