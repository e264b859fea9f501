"""IAM roles with their trust policies, and instance profiles that carry a role to EC2."""

from __future__ import annotations

import json
import re

from services.core import constraints, locks
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.iam.common import (
    already_exists,
    check_name,
    check_path,
    delete_conflict,
    get_instance_profile,
    get_role,
    limit_exceeded,
    page,
    save_tags,
    tag_list,
    tags_from,
    untag,
    validation_error,
)
from services.iam.models import InstanceProfile, Role, User
from services.iam.policy_doc import PolicyError, parse_policy

TRUST_POLICY_SIZE = 2048
MAX_SESSION = (3600, 43200)


def policy_size(document: str) -> int:
    """IAM does not count white space outside strings toward a policy's size."""
    try:
        return len(json.dumps(json.loads(document), separators=(",", ":")))
    except ValueError:
        return len(document)


_USER_OR_ROLE = re.compile(r"^arn:aws:iam::(\d{12}):(user|role)(/(?:.*/)?)?([^/]+)$")


def check_trust_policy(document: str) -> str:
    """Validate a role trust policy (IAM-04, IAM-06): its grammar, its size, and that the
    users and roles it names exist (IAM refuses a principal it cannot resolve)."""
    parsed = parse_policy(document, "trust")
    if policy_size(document) > TRUST_POLICY_SIZE:
        raise limit_exceeded("ACLSizePerRole", TRUST_POLICY_SIZE)
    for statement in parsed.statements:
        for value in (statement.principals or {}).get("AWS", ()):
            m = _USER_OR_ROLE.match(value)
            if not m:
                continue
            account, kind, _, name = m.groups()
            model = User if kind == "user" else Role
            if not model.objects.filter(account_id=account, name__iexact=name).exists():
                raise PolicyError(f'Invalid principal in policy: "AWS":"{value}"')
    return document


def _max_session(value: int | None) -> int:
    if value is None:
        return 3600
    low, high = MAX_SESSION
    if value < low:
        raise validation_error(
            str(value),
            "maxSessionDuration",
            f"Member must have value greater than or equal to {low}",
        )
    if value > high:
        raise validation_error(
            str(value), "maxSessionDuration", f"Member must have value less than or equal to {high}"
        )
    return value


def _role_exists(name: str) -> AwsError:
    return already_exists(f"Role with name {name} already exists.")


def _profile_exists(name: str) -> AwsError:
    return already_exists(f"Instance Profile {name} already exists.")


constraints.on_violation(Role, "iam_role_name_unique", lambda v: _role_exists(v.row.name))
constraints.on_violation(
    InstanceProfile, "iam_profile_name_unique", lambda v: _profile_exists(v.row.name)
)


@operation("iam", "CreateRole", global_service=True)
def create_role(ctx: CallContext, params: dict) -> dict:
    from services.iam.users import _boundary

    name = check_name(params["RoleName"], "roleName")
    if Role.objects.visible_to(ctx).filter(name__iexact=name).exists():
        raise _role_exists(name)
    role = Role(
        account=ctx.account,
        region="",
        name=name,
        path=check_path(params.get("Path")),
        assume_role_policy=check_trust_policy(params["AssumeRolePolicyDocument"]),
        description=params.get("Description") or "",
        max_session_duration=_max_session(params.get("MaxSessionDuration")),
        permissions_boundary=_boundary(ctx, params.get("PermissionsBoundary")),
        tags=tags_from(params),
    )
    role.save()
    ctx.touch(role)
    data = role.describe(encoded=True)
    data.pop("RoleLastUsed", None)
    return {"Role": data}


@operation("iam", "GetRole", global_service=True)
def get_role_op(ctx: CallContext, params: dict) -> dict:
    return {"Role": get_role(ctx, params["RoleName"]).describe(encoded=True)}


@operation("iam", "ListRoles", global_service=True)
def list_roles(ctx: CallContext, params: dict) -> dict:
    qs = Role.objects.visible_to(ctx).order_by("name")
    if params.get("PathPrefix"):
        qs = qs.filter(path__startswith=params["PathPrefix"])
    result = page(list(qs), params, "Roles")
    result["Roles"] = [r.describe(full=False, encoded=True) for r in result["Roles"]]
    return result


@operation("iam", "UpdateRole", global_service=True)
def update_role(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"], for_update=True)
    if params.get("Description") is not None:
        role.description = params["Description"]
    if params.get("MaxSessionDuration") is not None:
        role.max_session_duration = _max_session(params["MaxSessionDuration"])
    role.save()
    ctx.touch(role)
    return {}


@operation("iam", "UpdateRoleDescription", global_service=True)
def update_role_description(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"], for_update=True)
    role.description = params["Description"]
    role.save(update_fields=["description"])
    ctx.touch(role)
    return {"Role": role.describe(encoded=True)}


@operation("iam", "UpdateAssumeRolePolicy", global_service=True)
def update_assume_role_policy(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"], for_update=True)
    role.assume_role_policy = check_trust_policy(params["PolicyDocument"])
    role.save(update_fields=["assume_role_policy"])
    ctx.touch(role)
    return {}


@operation("iam", "DeleteRole", global_service=True)
def delete_role(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"], for_update=True)
    if role.instance_profiles.exists():
        raise delete_conflict(
            "Cannot delete entity, must remove roles from instance profile first."
        )
    if role.inline.exists():
        raise delete_conflict("Cannot delete entity, must delete policies first.")
    if role.attached.exists():
        raise delete_conflict("Cannot delete entity, must detach all policies first.")
    ctx.touch(role)
    role.delete()
    return {}


@operation("iam", "TagRole", global_service=True)
def tag_role(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"], for_update=True)
    save_tags(role, tags_from(params, role.tags))
    ctx.touch(role)
    return {}


@operation("iam", "UntagRole", global_service=True)
def untag_role(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"], for_update=True)
    save_tags(role, untag(role.tags, params.get("TagKeys") or []))
    ctx.touch(role)
    return {}


@operation("iam", "ListRoleTags", global_service=True)
def list_role_tags(ctx: CallContext, params: dict) -> dict:
    return page(tag_list(get_role(ctx, params["RoleName"]).tags), params, "Tags")


# --- instance profiles ------------------------------------------------------------------


@operation("iam", "CreateInstanceProfile", global_service=True)
def create_instance_profile(ctx: CallContext, params: dict) -> dict:
    name = check_name(params["InstanceProfileName"], "instanceProfileName", 128)
    if InstanceProfile.objects.visible_to(ctx).filter(name__iexact=name).exists():
        raise _profile_exists(name)
    profile = InstanceProfile(
        account=ctx.account,
        region="",
        name=name,
        path=check_path(params.get("Path")),
        tags=tags_from(params),
    )
    profile.save()
    ctx.touch(profile)
    return {"InstanceProfile": profile.describe()}


@operation("iam", "GetInstanceProfile", global_service=True)
def get_instance_profile_op(ctx: CallContext, params: dict) -> dict:
    return {"InstanceProfile": get_instance_profile(ctx, params["InstanceProfileName"]).describe()}


@operation("iam", "ListInstanceProfiles", global_service=True)
def list_instance_profiles(ctx: CallContext, params: dict) -> dict:
    qs = InstanceProfile.objects.visible_to(ctx).order_by("name")
    if params.get("PathPrefix"):
        qs = qs.filter(path__startswith=params["PathPrefix"])
    result = page(list(qs), params, "InstanceProfiles")
    result["InstanceProfiles"] = [p.describe() for p in result["InstanceProfiles"]]
    return result


@operation("iam", "ListInstanceProfilesForRole", global_service=True)
def list_instance_profiles_for_role(ctx: CallContext, params: dict) -> dict:
    role = get_role(ctx, params["RoleName"])
    result = page(list(role.instance_profiles.order_by("name")), params, "InstanceProfiles")
    result["InstanceProfiles"] = [p.describe() for p in result["InstanceProfiles"]]
    return result


@operation("iam", "DeleteInstanceProfile", global_service=True)
def delete_instance_profile(ctx: CallContext, params: dict) -> dict:
    profile = get_instance_profile(ctx, params["InstanceProfileName"])
    if profile.roles.exists():
        raise delete_conflict(
            "Cannot delete entity, must remove roles from instance profile first."
        )
    ctx.touch(profile)
    profile.delete()
    return {}


@operation("iam", "AddRoleToInstanceProfile", global_service=True)
def add_role_to_instance_profile(ctx: CallContext, params: dict) -> dict:
    profile = get_instance_profile(ctx, params["InstanceProfileName"])
    role = get_role(ctx, params["RoleName"])
    locks.rows(InstanceProfile.objects.filter(pk=profile.pk)).first()
    if profile.roles.exists():
        # An instance profile holds one role.
        raise limit_exceeded("InstanceSessionsPerInstanceProfile", 1)
    profile.roles.add(role)
    ctx.touch(profile)
    return {}


@operation("iam", "RemoveRoleFromInstanceProfile", global_service=True)
def remove_role_from_instance_profile(ctx: CallContext, params: dict) -> dict:
    profile = get_instance_profile(ctx, params["InstanceProfileName"])
    role = get_role(ctx, params["RoleName"])
    if not profile.roles.filter(pk=role.pk).exists():
        raise Role.not_found(role.name)
    profile.roles.remove(role)
    ctx.touch(profile)
    return {}


@operation("iam", "TagInstanceProfile", global_service=True)
def tag_instance_profile(ctx: CallContext, params: dict) -> dict:
    profile = get_instance_profile(ctx, params["InstanceProfileName"])
    save_tags(profile, tags_from(params, profile.tags))
    return {}


@operation("iam", "UntagInstanceProfile", global_service=True)
def untag_instance_profile(ctx: CallContext, params: dict) -> dict:
    profile = get_instance_profile(ctx, params["InstanceProfileName"])
    save_tags(profile, untag(profile.tags, params.get("TagKeys") or []))
    return {}


@operation("iam", "ListInstanceProfileTags", global_service=True)
def list_instance_profile_tags(ctx: CallContext, params: dict) -> dict:
    profile = get_instance_profile(ctx, params["InstanceProfileName"])
    return page(tag_list(profile.tags), params, "Tags")
