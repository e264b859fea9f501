"""The authorization hook every operation passes before it runs.

The root user may do anything in its own account. Other principals are decided by the
policy evaluator that the IAM service registers with `set_evaluator`; until one is
registered, they are denied (IAM-01: implicit deny).

What a call acts on is found here, generically, so a new service is covered without
writing anything: a Describe* call acts on "*"; a call naming resource ids (VolumeId,
InstanceIds, ...) acts on those resources' ARNs, found by id prefix among the declared
types (`registry.models_by_id_prefix`); a Create*/Run*/Allocate* call acts on the ARN
of the type it makes with "*" for the id (`arn:aws:ec2:us-east-1:123456789012:volume/*`,
as AWS checks it). A service that knows better registers a resolver for its actions
with `@resources("iam:*")` or `@resources("ec2:RunInstances")`; a target may name its
own IAM action (`Target.action`: S3's GetObject with a VersionId is s3:GetObjectVersion
on the object).

A service whose resources carry policies that bind every caller (S3's bucket policies
and ACLs: they deny the owner's root user too and admit other accounts and anonymous
callers) registers a decider for its prefix with `@decides("s3")`: it is given the
resolved targets instead of the root-user shortcut and the evaluator, and decides with
the evaluator's help (`evaluate`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from services.core import errors
from services.core.context import CallContext
from services.core.errors import AwsError


@dataclass(frozen=True)
class Target:
    """A resource a call acts on, with what conditions may test about it."""

    arn: str  # "*" for actions without resource-level permissions
    tags: Mapping[str, str] = field(default_factory=dict)
    account: str = ""  # the owner, when it is not the caller's account
    action: str = ""  # the IAM action checked on it, when not the call's


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # AWS's wording after the resource: "because no identity-based policy allows the
    # ec2:RunInstances action" or "with an explicit deny in an identity-based policy".
    reason: str = ""
    resource: str = "*"  # the resource the decision is about
    principal_arn: str = ""  # the caller as IAM names it (with the user's path)
    statement: str = ""  # the deciding statement, for the console and the simulator
    action: str = ""  # the IAM action denied, when not the call's (see Target.action)
    message: str = ""  # the whole denial message, for a service that words its own


Evaluator = Callable[[CallContext, str, list[Target], dict], Decision]
# (ctx, action name such as "CreateUser", params) -> what the call acts on
Resolver = Callable[[CallContext, str, dict], list[Target]]
# (ctx, IAM action, resolved targets, params) -> the decision, for every caller
Decider = Callable[[CallContext, str, list[Target], dict], Decision]
_evaluator: Evaluator | None = None
_resolvers: dict[str, Resolver] = {}
_deciders: dict[str, Decider] = {}
# IAM prefix -> the error code its service answers a denial with (SNS: AuthorizationError).
_denial_codes: dict[str, tuple[str, int]] = {}


def set_evaluator(evaluator: Evaluator | None) -> None:
    global _evaluator
    _evaluator = evaluator


def resources(pattern: str) -> Callable[[Resolver], Resolver]:
    """Register how to find the targets of `pattern`: "ec2:RunInstances" or "iam:*"."""

    def register(resolver: Resolver) -> Resolver:
        _resolvers[pattern] = resolver
        return resolver

    return register


def denial_code(prefix: str, code: str, status: int = 403) -> None:
    """Make denials of `prefix`'s actions answer `code` (SNS says AuthorizationError)."""
    _denial_codes[prefix] = (code, status)


def decides(prefix: str) -> Callable[[Decider], Decider]:
    """Register the decider of every action of `prefix` ("s3")."""

    def register(decider: Decider) -> Decider:
        _deciders[prefix] = decider
        return decider

    return register


def authorize(ctx: CallContext, iam_action: str, resource_arns: list[str], params: dict) -> None:
    """Raise AccessDenied (UnauthorizedOperation for EC2) unless the caller may perform
    `iam_action` (e.g. ec2:CreateVolume) on what the call acts on."""
    decision = check(ctx, iam_action, resource_arns, params)
    if not decision.allowed:
        raise denied(ctx, decision.action or iam_action, decision)


def check(ctx: CallContext, iam_action: str, resource_arns: list[str], params: dict) -> Decision:
    """The decision for the caller, without raising (the console uses it to grey out
    what the user may not do)."""
    decider = _deciders.get(iam_action.split(":", 1)[0])
    if decider is not None:
        targets = [Target(a) for a in resource_arns] or targets_of(ctx, iam_action, params)
        return decider(ctx, iam_action, targets, params)
    if ctx.principal.is_root and ctx.principal.account_id == ctx.account.id:
        return Decision(True, resource=(resource_arns or ["*"])[0])
    targets = [Target(a) for a in resource_arns] or targets_of(ctx, iam_action, params)
    return evaluate(ctx, iam_action, targets, params)


def evaluate(ctx: CallContext, iam_action: str, targets: list[Target], params: dict) -> Decision:
    """The registered evaluator's decision (identity-based and resource-based policies)
    for a caller that is not its account's root user; each target with its own action."""
    decision = Decision(True, resource=targets[0].arn if targets else "*")
    for action in dict.fromkeys(t.action or iam_action for t in targets):
        group = [t for t in targets if (t.action or iam_action) == action]
        if _evaluator is None:
            return Decision(
                False,
                f"because no identity-based policy allows the {action} action",
                group[0].arn,
                action=action if action != iam_action else "",
            )
        decision = _evaluator(ctx, action, group, params)
        if not decision.allowed:
            if action != iam_action:
                decision = dataclasses.replace(decision, action=action)
            return decision
    return decision


def denied(ctx: CallContext, iam_action: str, decision: Decision) -> AwsError:
    """The error AWS gives for a denied call."""
    principal = decision.principal_arn or ctx.principal.arn
    on = "" if decision.resource == "*" else f" on resource: {decision.resource}"
    message = decision.message or (
        f"User: {principal} is not authorized to perform: {iam_action}{on} {decision.reason}"
    )
    prefix = iam_action.split(":", 1)[0]
    if prefix in _denial_codes:
        code, status = _denial_codes[prefix]
        return AwsError(code, message, status)
    protocol = _protocol(prefix)
    if protocol == "ec2":
        # EC2's query API names a denial UnauthorizedOperation.
        return errors.UnauthorizedOperation(
            f"You are not authorized to perform this operation. {message}"
        )
    if protocol in ("json", "rest-json"):
        return errors.AccessDeniedException(message, status=400 if protocol == "json" else 403)
    return errors.AccessDenied(message)


@functools.cache
def _protocol(service: str) -> str:
    from services.core import shapes

    try:
        return shapes.service_model(service).protocol
    except Exception:  # an IAM prefix that is not a botocore service name
        return "query"


# --- finding what a call acts on ---------------------------------------------------------


def targets_of(ctx: CallContext, iam_action: str, params: dict) -> list[Target]:
    prefix, _, action = iam_action.partition(":")
    resolver = _resolvers.get(iam_action) or _resolvers.get(f"{prefix}:*")
    found = resolver(ctx, action, params) if resolver else _generic(ctx, prefix, action, params)
    return found or [Target("*")]


def _models_by_prefix() -> dict[str, type]:
    from services.core import registry

    return registry.models_by_id_prefix()


def _arn(ctx: CallContext, model: type, resource_id: str) -> str:
    return model.arn_format.format(
        region=ctx.region if model.regional else "", account=ctx.account.id, id=resource_id
    )


_ID = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)*?)-[0-9a-f]{8,17}$")
_CREATES = ("Create", "Run", "Allocate", "Import", "Copy", "Register", "Request", "Purchase")


def _ids(params: dict) -> list[str]:
    found: list[str] = []
    for key, value in params.items():
        if not (key.endswith(("Id", "Ids")) or key == "Resources"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _ID.match(item):
                found.append(item)
    return found


def _generic(ctx: CallContext, service: str, action: str, params: dict) -> list[Target]:
    if action.startswith(("Describe", "List", "Lookup", "Get")):
        return [Target("*")]
    models = _models_by_prefix()
    targets: list[Target] = []
    if action.startswith(_CREATES):
        # What the call makes comes first: RunInstances acts on instance/* (and on the
        # image, subnet and security groups it names, below).
        noun = re.sub(r"^(" + "|".join(_CREATES) + ")", "", action)
        if noun.endswith("s") and not noun.endswith("ss"):
            noun = noun[:-1]
        for model in models.values():
            if model.__name__ == noun and model.arn_format.startswith(f"arn:aws:{service}:"):
                targets.append(Target(_arn(ctx, model, "*")))
                break
    for resource_id in _ids(params):
        model = models.get(_ID.match(resource_id).group(1))
        if model is None or not model.arn_format.startswith(f"arn:aws:{service}:"):
            continue
        row = model.objects.filter(resource_id=resource_id).first()
        owner = row.account_id if row is not None else ""
        mine = row is not None and owner == ctx.account.id
        tags = row.tags if mine else {}
        # The row's own ARN when it is the caller's: some ARNs name the resource by
        # name, not id (a placement group's is placement-group/<name>).
        arn = row.arn if mine and (row.region == ctx.region or not model.regional) else ""
        targets.append(Target(arn or _arn(ctx, model, resource_id), tags))
    return targets or [Target("*")]
