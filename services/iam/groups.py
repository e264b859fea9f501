"""IAM groups: collections of users that share policies. A user may be in several
groups; a group holds users only, never other groups (IAM-03)."""

from __future__ import annotations

from services.core import constraints
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.iam.common import (
    already_exists,
    check_name,
    check_path,
    delete_conflict,
    get_group,
    get_user,
    limit_exceeded,
    page,
)
from services.iam.models import Group, User

MAX_GROUPS_PER_USER = 10


def _group_exists(name: str) -> AwsError:
    return already_exists(f"Group with name {name} already exists.")


constraints.on_violation(Group, "iam_group_name_unique", lambda v: _group_exists(v.row.name))


@operation("iam", "CreateGroup", global_service=True)
def create_group(ctx: CallContext, params: dict) -> dict:
    name = check_name(params["GroupName"], "groupName", 128)
    if Group.objects.visible_to(ctx).filter(name__iexact=name).exists():
        raise _group_exists(name)
    group = Group(account=ctx.account, region="", name=name, path=check_path(params.get("Path")))
    group.save()
    ctx.touch(group)
    return {"Group": group.describe()}


@operation("iam", "GetGroup", global_service=True)
def get_group_op(ctx: CallContext, params: dict) -> dict:
    group = get_group(ctx, params["GroupName"])
    result = page(list(group.users.order_by("name")), params, "Users")
    result["Users"] = [u.describe(tags=False) for u in result["Users"]]
    return {"Group": group.describe(), **result}


@operation("iam", "ListGroups", global_service=True)
def list_groups(ctx: CallContext, params: dict) -> dict:
    qs = Group.objects.visible_to(ctx).order_by("name")
    if params.get("PathPrefix"):
        qs = qs.filter(path__startswith=params["PathPrefix"])
    result = page(list(qs), params, "Groups")
    result["Groups"] = [g.describe() for g in result["Groups"]]
    return result


@operation("iam", "UpdateGroup", global_service=True)
def update_group(ctx: CallContext, params: dict) -> dict:
    group = get_group(ctx, params["GroupName"], for_update=True)
    if params.get("NewPath") is not None:
        group.path = check_path(params["NewPath"], "newPath")
    new_name = params.get("NewGroupName")
    if new_name and new_name != group.name:
        check_name(new_name, "newGroupName", 128)
        clash = Group.objects.visible_to(ctx).filter(name__iexact=new_name).exclude(pk=group.pk)
        if clash.exists():
            raise already_exists(f"Group with name {new_name} already exists.")
        group.name = new_name
    group.save()
    ctx.touch(group)
    return {}


@operation("iam", "DeleteGroup", global_service=True)
def delete_group(ctx: CallContext, params: dict) -> dict:
    group = get_group(ctx, params["GroupName"], for_update=True)
    if group.users.exists():
        raise delete_conflict("Cannot delete entity, must remove users from group first.")
    if group.inline.exists():
        raise delete_conflict("Cannot delete entity, must delete policies first.")
    if group.attached.exists():
        raise delete_conflict("Cannot delete entity, must detach all policies first.")
    ctx.touch(group)
    group.delete()
    return {}


@operation("iam", "AddUserToGroup", global_service=True)
def add_user_to_group(ctx: CallContext, params: dict) -> dict:
    group = get_group(ctx, params["GroupName"], for_update=True)
    user = get_user(ctx, params["UserName"], for_update=True)
    if group.users.filter(pk=user.pk).exists():
        return {}  # IAM accepts adding a member twice
    if user.iam_groups.count() >= MAX_GROUPS_PER_USER:
        raise limit_exceeded("GroupsPerUser", MAX_GROUPS_PER_USER)
    group.users.add(user)
    ctx.touch(group)
    return {}


@operation("iam", "RemoveUserFromGroup", global_service=True)
def remove_user_from_group(ctx: CallContext, params: dict) -> dict:
    group = get_group(ctx, params["GroupName"], for_update=True)
    user = get_user(ctx, params["UserName"])
    if not group.users.filter(pk=user.pk).exists():
        raise User.not_found(user.name)
    group.users.remove(user)
    ctx.touch(group)
    return {}


@operation("iam", "ListGroupsForUser", global_service=True)
def list_groups_for_user(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"])
    result = page(list(user.iam_groups.order_by("name")), params, "Groups")
    result["Groups"] = [g.describe() for g in result["Groups"]]
    return result
