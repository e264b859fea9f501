"""IAM users, their console passwords (login profiles) and access keys."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password

from services.core import constraints, locks
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import AccessKey
from services.core.operations import operation
from services.iam import errors, passwords
from services.iam.common import (
    already_exists,
    caller_user,
    check_name,
    check_path,
    delete_conflict,
    get_user,
    limit_exceeded,
    no_such_entity,
    page,
    save_tags,
    tag_list,
    tags_from,
    untag,
)
from services.iam.models import LoginProfile, MfaDevice, TemporaryCredential, User, iam_timestamp

MAX_ACCESS_KEYS = 2  # IAM-05


def _boundary(ctx: CallContext, arn: str | None) -> str:
    if not arn:
        return ""
    from services.iam.policies import find_policy

    find_policy(ctx, arn, for_boundary=True)
    return arn


@operation("iam", "CreateUser", global_service=True)
def create_user(ctx: CallContext, params: dict) -> dict:
    name = check_name(params["UserName"], "userName")
    user = User(
        account=ctx.account,
        region="",
        name=name,
        path=check_path(params.get("Path")),
        permissions_boundary=_boundary(ctx, params.get("PermissionsBoundary")),
        tags=tags_from(params),
    )
    if User.objects.visible_to(ctx).filter(name__iexact=name).exists():
        raise _user_exists(name)
    user.save()  # a concurrent CreateUser of the same name loses on the constraint
    ctx.touch(user)
    return {"User": user.describe()}


def _user_exists(name: str) -> AwsError:
    return already_exists(f"User with name {name} already exists.")


constraints.on_violation(User, "iam_user_name_unique", lambda v: _user_exists(v.row.name))
# MFA devices are the one thing that holds a user (a PROTECT foreign key).
constraints.on_protected(
    User, lambda _: delete_conflict("Cannot delete entity, must delete MFA device first.")
)


@operation("iam", "GetUser", global_service=True)
def get_user_op(ctx: CallContext, params: dict) -> dict:
    if not params.get("UserName") and ctx.principal.is_root:
        # GetUser without a name as the root user describes the root user.
        return {
            "User": {
                "Path": "/",
                "UserName": "",
                "UserId": ctx.account.id,
                "Arn": f"arn:aws:iam::{ctx.account.id}:root",
                "CreateDate": iam_timestamp(ctx.account.created_at),
            }
        }
    return {"User": caller_user(ctx, params).describe()}


@operation("iam", "ListUsers", global_service=True)
def list_users(ctx: CallContext, params: dict) -> dict:
    qs = User.objects.visible_to(ctx).order_by("name")
    prefix = params.get("PathPrefix")
    if prefix:
        qs = qs.filter(path__startswith=prefix)
    result = page(list(qs), params, "Users")
    result["Users"] = [u.describe(tags=False) for u in result["Users"]]
    return result


@operation("iam", "UpdateUser", global_service=True)
def update_user(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"], for_update=True)
    old_name = user.name
    if params.get("NewPath") is not None:
        user.path = check_path(params["NewPath"], "newPath")
    new_name = params.get("NewUserName")
    if new_name and new_name != old_name:
        check_name(new_name, "newUserName")
        clash = User.objects.visible_to(ctx).filter(name__iexact=new_name).exclude(pk=user.pk)
        if clash.exists():
            raise already_exists(f"User with name {new_name} already exists.")
        user.name = new_name
        # Keys and sessions name their user; they follow the rename.
        AccessKey.objects.filter(account=ctx.account, user_name=old_name).update(user_name=new_name)
        TemporaryCredential.objects.filter(account=ctx.account, user_name=old_name).update(
            user_name=new_name
        )
    user.save()
    ctx.touch(user)
    return {}


@operation("iam", "DeleteUser", global_service=True)
def delete_user(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"], for_update=True)
    # What must go first, in the order IAM checks it.
    if LoginProfile.objects.filter(user=user).exists():
        raise delete_conflict("Cannot delete entity, must delete login profile first.")
    if AccessKey.objects.filter(account=ctx.account, user_name=user.name).exists():
        raise delete_conflict("Cannot delete entity, must delete access keys first.")
    if MfaDevice.objects.filter(user=user).exists():
        raise constraints.dependency_error(User, user.resource_id)
    if user.inline.exists():
        raise delete_conflict("Cannot delete entity, must delete policies first.")
    if user.attached.exists():
        raise delete_conflict("Cannot delete entity, must detach all policies first.")
    if user.iam_groups.exists():
        raise delete_conflict("Cannot delete entity, must remove users from group first.")
    ctx.touch(user)
    TemporaryCredential.objects.filter(account=ctx.account, user_name=user.name).delete()
    user.delete()
    return {}


@operation("iam", "TagUser", global_service=True)
def tag_user(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"], for_update=True)
    save_tags(user, tags_from(params, user.tags))
    ctx.touch(user)
    return {}


@operation("iam", "UntagUser", global_service=True)
def untag_user(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"], for_update=True)
    save_tags(user, untag(user.tags, params.get("TagKeys") or []))
    ctx.touch(user)
    return {}


@operation("iam", "ListUserTags", global_service=True)
def list_user_tags(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"])
    return page(tag_list(user.tags), params, "Tags")


# --- login profiles (console passwords) ------------------------------------------------


def _profile(user: User, *, for_update: bool = False) -> LoginProfile:
    qs = LoginProfile.objects.filter(user=user)
    if for_update:
        qs = locks.rows(qs)
    profile = qs.first()
    if profile is None:
        raise no_such_entity(f"Login Profile for User {user.name} cannot be found.")
    return profile


@operation("iam", "CreateLoginProfile", global_service=True)
def create_login_profile(ctx: CallContext, params: dict) -> dict:
    user = caller_user(ctx, params, for_update=True)
    if LoginProfile.objects.filter(user=user).exists():
        raise already_exists(f"Login Profile for user {user.name} already exists.")
    password = params.get("Password")
    if not password:
        raise errors.ValidationError("Password is required.")
    passwords.check(password, ctx.account)
    profile = LoginProfile(
        user=user, password_reset_required=bool(params.get("PasswordResetRequired"))
    )
    passwords.set_password(profile, password)
    profile.save()
    ctx.touch(user)
    return {"LoginProfile": profile.describe()}


@operation("iam", "GetLoginProfile", global_service=True)
def get_login_profile(ctx: CallContext, params: dict) -> dict:
    return {"LoginProfile": _profile(caller_user(ctx, params)).describe()}


@operation("iam", "UpdateLoginProfile", global_service=True)
def update_login_profile(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"], for_update=True)
    profile = _profile(user, for_update=True)
    if params.get("Password"):
        passwords.check(params["Password"], ctx.account, [profile.password, *profile.history])
        passwords.set_password(profile, params["Password"])
    if params.get("PasswordResetRequired") is not None:
        profile.password_reset_required = params["PasswordResetRequired"]
    profile.save()
    ctx.touch(user)
    return {}


@operation("iam", "DeleteLoginProfile", global_service=True)
def delete_login_profile(ctx: CallContext, params: dict) -> dict:
    user = caller_user(ctx, params, for_update=True)
    _profile(user).delete()
    ctx.touch(user)
    return {}


@operation("iam", "ChangePassword", global_service=True)
def change_password(ctx: CallContext, params: dict) -> dict:
    """An IAM user changes their own console password."""
    if ctx.principal.kind != "IAMUser":
        raise errors.InvalidUserType("Only IAM users can change their own password this way.")
    user = get_user(ctx, ctx.principal.name, for_update=True)
    profile = _profile(user, for_update=True)
    if not check_password(params["OldPassword"], profile.password):
        raise errors.InvalidUserType("The old password was incorrect.")
    passwords.check(params["NewPassword"], ctx.account, [profile.password, *profile.history])
    passwords.set_password(profile, params["NewPassword"])
    profile.password_reset_required = False
    profile.save()
    ctx.touch(user)
    return {}


# --- access keys (IAM-05) ---------------------------------------------------------------


def _key_owner(ctx: CallContext, params: dict) -> str:
    """The user name whose keys a call manages: "" for the root user's own keys."""
    if params.get("UserName"):
        return get_user(ctx, params["UserName"]).name
    if ctx.principal.kind == "IAMUser":
        return get_user(ctx, ctx.principal.name).name
    if ctx.principal.is_root:
        return ""
    raise errors.ValidationError("Must specify userName when calling with non-User credentials")


def _key_shape(key: AccessKey, *, secret: bool = False) -> dict:
    data = {
        "UserName": key.user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": iam_timestamp(key.created_at),
    }
    if secret:
        data["SecretAccessKey"] = key.secret_access_key
    return data


def _get_key(ctx: CallContext, owner: str, key_id: str) -> AccessKey:
    key = (
        locks.rows(AccessKey.objects)
        .filter(account=ctx.account, user_name=owner, access_key_id=key_id)
        .first()
    )
    if key is None:
        raise no_such_entity(f"The Access Key with id {key_id} cannot be found.")
    return key


@operation("iam", "CreateAccessKey", global_service=True)
def create_access_key(ctx: CallContext, params: dict) -> dict:
    owner = _key_owner(ctx, params)
    # Lock the owner so two concurrent CreateAccessKey calls cannot both pass the quota.
    if owner:
        get_user(ctx, owner, for_update=True)
    else:
        locks.lock_account(ctx)
    keys = AccessKey.objects.filter(account=ctx.account, user_name=owner)
    if keys.count() >= MAX_ACCESS_KEYS:
        raise limit_exceeded("AccessKeysPerUser", MAX_ACCESS_KEYS)
    key = AccessKey.objects.create(account=ctx.account, user_name=owner)
    # The secret appears in this response only; later calls never show it (IAM-05).
    return {"AccessKey": _key_shape(key, secret=True)}


@operation("iam", "ListAccessKeys", global_service=True)
def list_access_keys(ctx: CallContext, params: dict) -> dict:
    owner = _key_owner(ctx, params)
    keys = AccessKey.objects.filter(account=ctx.account, user_name=owner).order_by("created_at")
    result = page(list(keys), params, "AccessKeyMetadata")
    result["AccessKeyMetadata"] = [_key_shape(k) for k in result["AccessKeyMetadata"]]
    return result


@operation("iam", "UpdateAccessKey", global_service=True)
def update_access_key(ctx: CallContext, params: dict) -> dict:
    status = params["Status"]
    if status not in ("Active", "Inactive"):
        raise errors.ValidationError(
            f"1 validation error detected: Value '{status}' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Active, Inactive]"
        )
    key = _get_key(ctx, _key_owner(ctx, params), params["AccessKeyId"])
    key.status = status
    key.save(update_fields=["status"])
    return {}


@operation("iam", "DeleteAccessKey", global_service=True)
def delete_access_key(ctx: CallContext, params: dict) -> dict:
    _get_key(ctx, _key_owner(ctx, params), params["AccessKeyId"]).delete()
    return {}


@operation("iam", "GetAccessKeyLastUsed", global_service=True)
def get_access_key_last_used(ctx: CallContext, params: dict) -> dict:
    key = AccessKey.objects.filter(account=ctx.account, access_key_id=params["AccessKeyId"]).first()
    if key is None:
        raise errors.AccessDenied(
            f"User: {ctx.principal.arn} is not authorized to perform: iam:GetAccessKeyLastUsed "
            f"on resource: access key {params['AccessKeyId']}"
        )
    last: dict = {"ServiceName": "N/A", "Region": "N/A"}
    if key.last_used_at:
        last = {
            "LastUsedDate": iam_timestamp(key.last_used_at),
            "ServiceName": key.last_used_service or "N/A",
            "Region": key.last_used_region or "N/A",
        }
    result: dict = {"AccessKeyLastUsed": last}
    if key.user_name:
        result["UserName"] = key.user_name
    return result
