"""IAM enforcement: the evaluator behind `services.core.authz` for every operation of
every service, from every door (installed by IamConfig.ready).

For each resource the call acts on (see authz.targets_of), the request context is the
caller's keys (services/iam/principals.py), the time, the request's tags and the
resource's tags; the policies are the caller's identity-based policies, permissions
boundary and session policies, plus the resource's resource-based policy where the
service has one (role trust policies here; other services register theirs with
`register_resource_policies`). Every resource must be allowed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from services.core import authz
from services.core.authz import Decision, Target
from services.core.context import CallContext
from services.iam import principals
from services.iam.evaluator import NamedPolicy, Request, Result, evaluate, now_context
from services.iam.models import PasswordPolicy, Role

# (target, action) -> (resource-based policies, whether the policy must allow explicitly)
ResourcePolicySource = Callable[[Target, str], tuple[list[NamedPolicy], bool] | None]
_sources: list[ResourcePolicySource] = []

# Actions every authenticated caller may perform, whatever the policies say: AWS
# documents that no permission is needed for either, and that policies cannot control
# GetSessionToken ("an authentication operation"); a Deny for them has no effect.
ALWAYS_ALLOWED = {"sts:getcalleridentity", "sts:getsessiontoken"}


def register_resource_policies(source: ResourcePolicySource) -> ResourcePolicySource:
    """Let a service take part with its resource-based policies (an S3 bucket policy,
    say): `source(target, action)` returns them for the resources it owns, else None."""
    _sources.append(source)
    return source


def resource_policies(target: Target, action: str) -> tuple[list[NamedPolicy], bool]:
    for source in _sources:
        found = source(target, action)
        if found is not None:
            return found
    return [], False


@register_resource_policies
def _trust_policies(target: Target, action: str) -> tuple[list[NamedPolicy], bool] | None:
    """A role's trust policy is the resource-based policy of sts:AssumeRole*, and must
    allow the caller explicitly (policy evaluation logic: role trust policies)."""
    if not action.lower().startswith("sts:assumerole") or ":role/" not in target.arn:
        return None
    parts = target.arn.split(":", 5)
    name = parts[5].rsplit("/", 1)[-1]
    role = Role.objects.filter(account_id=parts[4], name__iexact=name).first()
    return (principals.trust_policy(role) if role else []), True


def request_keys(params: dict) -> dict[str, str | list[str]]:
    """aws:RequestTag/KEY and aws:TagKeys from the tags a request sets."""
    tags: dict[str, str] = {}
    for tag in params.get("Tags") or []:
        if isinstance(tag, dict) and "Key" in tag:
            tags[tag["Key"]] = tag.get("Value", "")
    for spec in params.get("TagSpecifications") or []:
        for tag in spec.get("Tags") or []:
            tags[tag["Key"]] = tag.get("Value", "")
    keys: dict[str, str | list[str]] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    tag_keys = list(tags) or list(params.get("TagKeys") or [])
    if tag_keys:
        keys["aws:TagKeys"] = tag_keys
    for param, key in (
        ("PolicyArn", "iam:PolicyARN"),
        ("PermissionsBoundary", "iam:PermissionsBoundary"),
        ("RoleSessionName", "sts:RoleSessionName"),
    ):
        if isinstance(params.get(param), str):
            keys[key] = params[param]
    return keys


def resource_keys(target: Target, action: str, account_id: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    service = action.split(":", 1)[0]
    for k, v in target.tags.items():
        keys[f"aws:ResourceTag/{k}"] = v
        # Services' own spelling of the same key (ec2:ResourceTag/..., iam:ResourceTag/...).
        keys[f"{service}:ResourceTag/{k}"] = v
    keys["aws:ResourceAccount"] = resource_account(target, account_id)
    return keys


def resource_account(target: Target, default: str) -> str:
    if target.account:
        return target.account
    parts = target.arn.split(":")
    if len(parts) > 4 and parts[4].isdigit():
        return parts[4]
    return default


def decide(caller: principals.Caller, action: str, target: Target, context: dict) -> Result:
    """One request (one action on one resource) for `caller`."""
    policies, required = resource_policies(target, action)
    request = Request(
        principal_arn=caller.arn,
        action=action,
        resource=target.arn,
        context={**context, **resource_keys(target, action, caller.account_id)},
        principal_account=caller.account_id,
        resource_account=resource_account(target, caller.account_id),
        role_arn=caller.role_arn,
    )
    return evaluate(
        request,
        caller.identity,
        resource=policies,
        boundary=caller.boundary,
        session=caller.session,
        resource_policy_required=required,
    )


def _may_change_own_password(caller: principals.Caller, action: str, target: Target) -> bool:
    """AllowUsersToChangePassword lets every IAM user change their own password."""
    if caller.user is None or action.lower() not in (
        "iam:changepassword",
        "iam:getaccountpasswordpolicy",
    ):
        return False
    if action.lower() == "iam:changepassword" and target.arn != caller.user.arn:
        return False
    return PasswordPolicy.objects.filter(
        account_id=caller.account_id, allow_users_to_change=True
    ).exists()


def evaluate_call(ctx: CallContext, action: str, targets: list[Target], params: dict) -> Decision:
    """The evaluator services.core.authz calls for every non-root caller."""
    if action.lower() in ALWAYS_ALLOWED:
        return Decision(True, resource=targets[0].arn)
    caller = principals.caller_for(ctx)
    context = {**caller.context, **now_context(timezone.now()), **request_keys(params)}
    statement = ""
    for target in targets:
        result = decide(caller, action, target, context)
        if not result.allowed and not (
            result.decision == "implicitDeny" and _may_change_own_password(caller, action, target)
        ):
            return Decision(False, result.reason, target.arn, caller.arn, result.summary)
        statement = result.summary
    if caller.role is not None:
        Role.objects.filter(pk=caller.role.pk).update(
            last_used_at=timezone.now(), last_used_region=ctx.region
        )
    return Decision(True, "", targets[0].arn, caller.arn, statement)


def install() -> None:
    authz.set_evaluator(evaluate_call)
