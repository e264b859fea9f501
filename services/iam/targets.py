"""What IAM calls act on, for authorization: IAM actions name their entities by name
(UserName, RoleName, PolicyArn, ...), so the ARN is built from the name and the path
(and the entity's tags are read for aws:ResourceTag). STS's: services/sts/sessions.py."""

from __future__ import annotations

from services.core import authz
from services.core.authz import Target
from services.core.context import CallContext
from services.iam.models import Group, InstanceProfile, Role, User

# Actions whose resource is the group or the instance profile, though they name a
# user or a role too.
_ON_GROUP = {"AddUserToGroup", "RemoveUserFromGroup"}
_ON_PROFILE = {"AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile"}
# Listing actions act on the path they list (arn:aws:iam::123456789012:user/).
_LISTS = {
    "ListUsers": "user",
    "ListGroups": "group",
    "ListRoles": "role",
    "ListPolicies": "policy",
    "ListInstanceProfiles": "instance-profile",
}
# Actions that act on the caller's own user when they name none.
_SELF = {
    "GetUser", "ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
    "ChangePassword", "GetLoginProfile", "ListMFADevices", "ListSigningCertificates",
    "ListSSHPublicKeys", "ListServiceSpecificCredentials",
}  # fmt: skip


def _entity(ctx: CallContext, model: type, kind: str, name: str, path: str | None) -> Target:
    row = model.objects.filter(account_id=ctx.account.id, name__iexact=name).first()
    if row is not None:
        return Target(row.arn, row.tags)
    return Target(f"arn:aws:iam::{ctx.account.id}:{kind}{path or '/'}{name}")


@authz.resources("iam:*")
def iam_targets(ctx: CallContext, action: str, params: dict) -> list[Target]:
    account = ctx.account.id
    path = params.get("Path")
    if action in _LISTS:
        prefix = params.get("PathPrefix") or "/"
        return [Target(f"arn:aws:iam::{account}:{_LISTS[action]}{prefix}")]
    if action in _ON_GROUP and params.get("GroupName"):
        return [_entity(ctx, Group, "group", params["GroupName"], None)]
    if action in _ON_PROFILE and params.get("InstanceProfileName"):
        return [
            _entity(ctx, InstanceProfile, "instance-profile", params["InstanceProfileName"], None)
        ]
    if params.get("UserName"):
        return [_entity(ctx, User, "user", params["UserName"], path)]
    if params.get("GroupName"):
        return [_entity(ctx, Group, "group", params["GroupName"], path)]
    if params.get("RoleName"):
        return [_entity(ctx, Role, "role", params["RoleName"], path)]
    if params.get("InstanceProfileName"):
        return [
            _entity(ctx, InstanceProfile, "instance-profile", params["InstanceProfileName"], path)
        ]
    if action == "CreatePolicy" and params.get("PolicyName"):
        return [Target(f"arn:aws:iam::{account}:policy{path or '/'}{params['PolicyName']}")]
    if params.get("PolicyArn"):
        return [Target(params["PolicyArn"])]
    if action == "CreateVirtualMFADevice" and params.get("VirtualMFADeviceName"):
        return [Target(f"arn:aws:iam::{account}:mfa{path or '/'}{params['VirtualMFADeviceName']}")]
    if params.get("SerialNumber", "").startswith("arn:"):
        return [Target(params["SerialNumber"])]
    if params.get("PolicySourceArn"):
        return [Target(params["PolicySourceArn"])]
    if action in _SELF and ctx.principal.kind == "IAMUser":
        return [_entity(ctx, User, "user", ctx.principal.name, None)]
    return [Target("*")]
