"""The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy run the same
evaluator as enforcement, and say which statements decided."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.core.authz import Target
from services.core.context import CallContext
from services.core.operations import operation
from services.iam import authorizer, errors, principals
from services.iam.common import invalid_input, page
from services.iam.evaluator import Match, NamedPolicy, Request, Result, evaluate
from services.iam.models import Group, Role, User
from services.iam.policy_doc import PolicyDocument, PolicyError, parse_policy


@dataclass(frozen=True)
class Simulation:
    """One action on one resource, simulated."""

    action: str
    resource: str
    result: Result
    boundary: bool | None  # allowed by the permissions boundary; None without one
    missing: tuple[str, ...]  # condition keys the policies test but the context lacks


def _source_type(match: Match) -> str:
    if match.kind == "resource":
        return "resource"
    policy = match.policy
    if policy.arn.startswith("arn:aws:iam::aws:"):
        return "aws-managed"
    if policy.arn:
        return "user-managed"
    if policy.attached_to.startswith("inline in "):
        return policy.attached_to.split()[2]  # user, group or role
    return "none"


def _statement_shape(match: Match) -> dict:
    s = match.statement
    return {
        "SourcePolicyId": match.policy.name,
        "SourcePolicyType": _source_type(match),
        "StartPosition": {"Line": s.line, "Column": s.column},
        "EndPosition": {"Line": s.end_line, "Column": s.end_column},
    }


def _matched(result: Result) -> list[Match]:
    if result.decision == "implicitDeny":
        return []
    effect = "Allow" if result.allowed else "Deny"
    return [m for m in result.matches if m.statement.effect == effect]


def _condition_keys(policies: list[NamedPolicy]) -> set[str]:
    keys: set[str] = set()
    for policy in policies:
        for statement in policy.document.statements:
            keys.update(c.key for c in statement.conditions)
    return keys


def run(
    caller: principals.Caller,
    actions: list[str],
    resources: list[str],
    context: dict,
    resource_policy: list[NamedPolicy] | None = None,
    resource_owner: str = "",
) -> list[Simulation]:
    """Simulate every action on every resource for `caller` (the console uses this)."""
    full = {**caller.context, **context}
    lowered = {k.lower() for k in full}
    every = caller.identity + (caller.boundary or []) + (resource_policy or [])
    missing = tuple(sorted(k for k in _condition_keys(every) if k.lower() not in lowered))
    found = []
    for action in actions:
        for resource in resources or ["*"]:
            target = Target(resource)
            if resource_policy is not None:
                request = Request(
                    principal_arn=caller.arn,
                    action=action,
                    resource=resource,
                    context={**full, **authorizer.resource_keys(target, action, caller.account_id)},
                    principal_account=caller.account_id,
                    resource_account=resource_owner or caller.account_id,
                    role_arn=caller.role_arn,
                )
                result = evaluate(
                    request, caller.identity, resource=resource_policy, boundary=caller.boundary
                )
            else:
                result = authorizer.decide(caller, action, target, full)
            boundary = None
            if caller.boundary is not None:
                boundary = any(
                    m.kind == "boundary" and m.statement.effect == "Allow" for m in result.matches
                ) and not any(
                    m.kind == "boundary" and m.statement.effect == "Deny" for m in result.matches
                )
            found.append(Simulation(action, resource, result, boundary, missing))
    return found


def _shape(sim: Simulation) -> dict:
    data: dict = {
        "EvalActionName": sim.action,
        "EvalResourceName": sim.resource,
        "EvalDecision": sim.result.decision,
        "MatchedStatements": [_statement_shape(m) for m in _matched(sim.result)],
        "MissingContextValues": list(sim.missing),
        "EvalDecisionDetails": {},
    }
    if sim.boundary is not None:
        data["PermissionsBoundaryDecisionDetail"] = {"AllowedByPermissionsBoundary": sim.boundary}
    return data


_TYPED_LISTS = re.compile(r"List$")


def context_entries(params: dict) -> dict[str, str | list[str]]:
    """ContextEntries ([{ContextKeyName, ContextKeyValues, ContextKeyType}]) as keys."""
    context: dict[str, str | list[str]] = {}
    for entry in params.get("ContextEntries") or []:
        name = entry.get("ContextKeyName")
        values = [str(v) for v in entry.get("ContextKeyValues") or []]
        if not name:
            continue
        many = _TYPED_LISTS.search(entry.get("ContextKeyType") or "") or len(values) > 1
        context[name] = values if many else (values[0] if values else "")
    return context


def _input_policies(texts: list[str], member: str, kind: str = "identity") -> list[NamedPolicy]:
    found = []
    for i, text in enumerate(texts, start=1):
        try:
            document: PolicyDocument = parse_policy(text, kind)  # type: ignore[arg-type]
        except PolicyError as error:
            raise errors.InvalidInput(f"{member}.{i}: {error.message}") from error
        found.append(NamedPolicy(f"{member}.{i}", document))
    return found


def _resource_policy(params: dict) -> list[NamedPolicy] | None:
    text = params.get("ResourcePolicy")
    if not text:
        return None
    return _input_policies([text], "ResourcePolicy", "resource")


def caller_for_source(ctx: CallContext, arn: str) -> principals.Caller:
    """The principal a PolicySourceArn names: a user, a group or a role."""
    m = re.match(r"^arn:aws:iam::(\d{12}):(user|group|role)(/(?:.*/)?)?([^/]+)$", arn or "")
    if not m or m.group(1) != ctx.account.id:
        raise invalid_input(f"Invalid ARN: {arn}")
    kind, name = m.group(2), m.group(4)
    if kind == "user":
        user = User.objects.filter(account=ctx.account, name__iexact=name).first()
        if user is None:
            raise User.not_found(name)
        return principals.caller_for_user(user)
    if kind == "group":
        group = Group.objects.filter(account=ctx.account, name__iexact=name).first()
        if group is None:
            raise Group.not_found(name)
        return principals.Caller(
            arn=group.arn,
            account_id=ctx.account.id,
            kind="Group",
            identity=principals._policies_of(ctx.account.id, {"group": group}, f"group {name}"),
            context={"aws:PrincipalAccount": ctx.account.id},
        )
    role = Role.objects.filter(account=ctx.account, name__iexact=name).first()
    if role is None:
        raise Role.not_found(name)
    caller = principals.caller_for_role(role, "simulation")
    caller.arn = role.arn
    return caller


@operation("iam", "SimulatePrincipalPolicy", global_service=True)
def simulate_principal_policy(ctx: CallContext, params: dict) -> dict:
    caller = caller_for_source(ctx, params["PolicySourceArn"])
    caller.identity = caller.identity + _input_policies(
        params.get("PolicyInputList") or [], "PolicyInputList"
    )
    if params.get("PermissionsBoundaryPolicyInputList"):
        caller.boundary = _input_policies(
            params["PermissionsBoundaryPolicyInputList"], "PermissionsBoundaryPolicyInputList"
        )
    if params.get("CallerArn"):
        caller.arn = params["CallerArn"]
    sims = run(
        caller,
        params["ActionNames"],
        params.get("ResourceArns") or ["*"],
        context_entries(params),
        _resource_policy(params),
        params.get("ResourceOwner") or "",
    )
    return page([_shape(s) for s in sims], params, "EvaluationResults")


@operation("iam", "SimulateCustomPolicy", global_service=True)
def simulate_custom_policy(ctx: CallContext, params: dict) -> dict:
    caller_arn = params.get("CallerArn") or f"arn:aws:iam::{ctx.account.id}:user/simulated"
    caller = principals.Caller(
        arn=caller_arn,
        account_id=ctx.account.id,
        kind="IAMUser",
        identity=_input_policies(params["PolicyInputList"], "PolicyInputList"),
        boundary=(
            _input_policies(
                params["PermissionsBoundaryPolicyInputList"], "PermissionsBoundaryPolicyInputList"
            )
            if params.get("PermissionsBoundaryPolicyInputList")
            else None
        ),
    )
    sims = run(
        caller,
        params["ActionNames"],
        params.get("ResourceArns") or ["*"],
        context_entries(params),
        _resource_policy(params),
        params.get("ResourceOwner") or "",
    )
    return page([_shape(s) for s in sims], params, "EvaluationResults")
