"""Managed policies (AWS managed and customer managed, with versions), their attachment
to users, groups and roles, inline policies, and permissions boundaries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q
from django.utils import timezone

from services.core import constraints, locks
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.iam import aws_managed, errors
from services.iam.aws_managed import AwsManagedPolicy
from services.iam.common import (
    already_exists,
    check_name,
    check_path,
    delete_conflict,
    encode_document,
    get_group,
    get_role,
    get_user,
    limit_exceeded,
    no_such_entity,
    page,
    save_tags,
    split_policy_arn,
    tag_list,
    tags_from,
    untag,
)
from services.iam.models import (
    Group,
    InlinePolicy,
    ManagedPolicy,
    PolicyAttachment,
    PolicyVersion,
    Role,
    User,
    iam_timestamp,
)
from services.iam.policy_doc import parse_policy
from services.iam.roles import policy_size

MANAGED_POLICY_SIZE = 6144
MAX_VERSIONS = 5
MAX_ATTACHED = 10  # managed policies per user, group or role


# --- finding policies -------------------------------------------------------------------


def find_policy(
    ctx: CallContext, arn: str, *, for_boundary: bool = False, for_update: bool = False
) -> ManagedPolicy | AwsManagedPolicy:
    """The AWS managed or customer managed policy `arn` names, as the caller sees it;
    `for_update` locks a customer managed one (so that DeletePolicy waits)."""
    account, path, name = split_policy_arn(arn)
    if account == "aws":
        found = aws_managed.get(arn)
        if found is not None:
            return found
    elif account == ctx.account.id:
        qs = ManagedPolicy.objects.visible_to(ctx)
        if for_update:
            qs = locks.rows(qs)
        policy = qs.filter(name__iexact=name, path=path).first()
        if policy is not None:
            return policy
    raise ManagedPolicy.not_found(arn)


def document_of(policy: ManagedPolicy | AwsManagedPolicy) -> str:
    if isinstance(policy, AwsManagedPolicy):
        return policy.document_text
    return policy.default_document


def usage(account_id: str, arn: str) -> tuple[int, int]:
    """(AttachmentCount, PermissionsBoundaryUsageCount) of `arn` in one account."""
    attached = PolicyAttachment.objects.filter(account_id=account_id, policy_arn=arn).count()
    boundaries = (
        User.objects.filter(account_id=account_id, permissions_boundary=arn).count()
        + Role.objects.filter(account_id=account_id, permissions_boundary=arn).count()
    )
    return attached, boundaries


def policy_shape(
    ctx: CallContext, policy: ManagedPolicy | AwsManagedPolicy, *, detail: bool
) -> dict:
    """The IAM `Policy` shape; GetPolicy adds the description and tags (`detail`)."""
    attached, boundaries = usage(ctx.account.id, policy.arn)
    if isinstance(policy, AwsManagedPolicy):
        data = {
            "PolicyName": policy.name,
            "PolicyId": policy.policy_id,
            "Arn": policy.arn,
            "Path": policy.path,
            "DefaultVersionId": policy.default_version_id,
            "AttachmentCount": attached,
            "PermissionsBoundaryUsageCount": boundaries,
            "IsAttachable": True,
            "CreateDate": aws_managed.CREATED,
            "UpdateDate": policy.update_date,
        }
        if detail:
            data["Description"] = policy.description
        return data
    data = policy.describe(attached, boundaries, tags=detail)
    if not detail:
        data.pop("Description", None)
    return data


def check_identity_document(document: str) -> str:
    parse_policy(document, "identity")
    return document


# --- customer managed policies ----------------------------------------------------------


def _policy_exists(name: str) -> AwsError:
    return already_exists(
        f"A policy called {name} already exists. Duplicate names are not allowed."
    )


constraints.on_violation(
    ManagedPolicy, "iam_policy_name_unique", lambda v: _policy_exists(v.row.name)
)


@operation("iam", "CreatePolicy", global_service=True)
def create_policy(ctx: CallContext, params: dict) -> dict:
    name = check_name(params["PolicyName"], "policyName", 128)
    document = check_identity_document(params["PolicyDocument"])
    if policy_size(document) > MANAGED_POLICY_SIZE:
        raise limit_exceeded("PolicySize", MANAGED_POLICY_SIZE)
    if ManagedPolicy.objects.visible_to(ctx).filter(name__iexact=name).exists():
        raise _policy_exists(name)
    policy = ManagedPolicy(
        account=ctx.account,
        region="",
        name=name,
        path=check_path(params.get("Path")),
        description=params.get("Description") or "",
        tags=tags_from(params),
    )
    policy.save()
    PolicyVersion.objects.create(policy=policy, version_id="v1", document=document)
    ctx.touch(policy)
    data = policy_shape(ctx, policy, detail=True)
    data.pop("Description", None)
    return {"Policy": data}


@operation("iam", "GetPolicy", global_service=True)
def get_policy(ctx: CallContext, params: dict) -> dict:
    return {"Policy": policy_shape(ctx, find_policy(ctx, params["PolicyArn"]), detail=True)}


@operation("iam", "ListPolicies", global_service=True)
def list_policies(ctx: CallContext, params: dict) -> dict:
    scope = params.get("Scope") or "All"
    found: list[ManagedPolicy | AwsManagedPolicy] = []
    if scope in ("All", "AWS"):
        found.extend(aws_managed.POLICIES.values())
    if scope in ("All", "Local"):
        found.extend(ManagedPolicy.objects.visible_to(ctx))
    prefix = params.get("PathPrefix")
    if prefix:
        found = [p for p in found if p.path.startswith(prefix)]
    shapes = [policy_shape(ctx, p, detail=False) for p in sorted(found, key=lambda p: p.name)]
    if params.get("OnlyAttached"):
        usage_filter = params.get("PolicyUsageFilter")
        shapes = [
            s
            for s in shapes
            if (usage_filter != "PermissionsBoundary" and s["AttachmentCount"])
            or (usage_filter != "PermissionsPolicy" and s["PermissionsBoundaryUsageCount"])
        ]
    return page(shapes, params, "Policies")


def _local(ctx: CallContext, arn: str, action: str, *, for_update: bool = False) -> ManagedPolicy:
    """A customer managed policy to change. AWS managed policies cannot be changed."""
    policy = find_policy(ctx, arn)
    if isinstance(policy, AwsManagedPolicy):
        raise errors.AccessDenied(
            f"User: {ctx.principal.arn} is not authorized to perform: iam:{action} on "
            f"resource: policy {arn}"
        )
    if for_update:
        # Deleted by a racing call between the look-up and the lock: gone, as AWS says.
        policy = locks.rows(ManagedPolicy.objects.filter(pk=policy.pk)).first()
        if policy is None:
            raise ManagedPolicy.not_found(arn)
    return policy


@operation("iam", "DeletePolicy", global_service=True)
def delete_policy(ctx: CallContext, params: dict) -> dict:
    policy = _local(ctx, params["PolicyArn"], "DeletePolicy", for_update=True)
    attached, boundaries = usage(ctx.account.id, policy.arn)
    if attached or boundaries:
        raise delete_conflict("Cannot delete a policy attached to entities.")
    if policy.versions.count() > 1:
        raise delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must "
            "delete the policy's versions. The default version is deleted with the policy."
        )
    ctx.touch(policy)
    policy.delete()
    return {}


@operation("iam", "TagPolicy", global_service=True)
def tag_policy(ctx: CallContext, params: dict) -> dict:
    policy = _local(ctx, params["PolicyArn"], "TagPolicy", for_update=True)
    save_tags(policy, tags_from(params, policy.tags))
    return {}


@operation("iam", "UntagPolicy", global_service=True)
def untag_policy(ctx: CallContext, params: dict) -> dict:
    policy = _local(ctx, params["PolicyArn"], "UntagPolicy", for_update=True)
    save_tags(policy, untag(policy.tags, params.get("TagKeys") or []))
    return {}


@operation("iam", "ListPolicyTags", global_service=True)
def list_policy_tags(ctx: CallContext, params: dict) -> dict:
    policy = find_policy(ctx, params["PolicyArn"])
    tags = {} if isinstance(policy, AwsManagedPolicy) else policy.tags
    return page(tag_list(tags), params, "Tags")


# --- versions ---------------------------------------------------------------------------


def _version_shape(version: PolicyVersion, default_id: str, *, document: bool) -> dict:
    data: dict = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.version_id == default_id,
        "CreateDate": iam_timestamp(version.created_at),
    }
    if document:
        data["Document"] = encode_document(version.document)
    return data


def _no_version(arn: str, version_id: str) -> AwsError:
    return no_such_entity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


@operation("iam", "CreatePolicyVersion", global_service=True)
def create_policy_version(ctx: CallContext, params: dict) -> dict:
    policy = _local(ctx, params["PolicyArn"], "CreatePolicyVersion", for_update=True)
    document = check_identity_document(params["PolicyDocument"])
    if policy_size(document) > MANAGED_POLICY_SIZE:
        raise limit_exceeded("PolicySize", MANAGED_POLICY_SIZE)
    if policy.versions.count() >= MAX_VERSIONS:
        raise errors.LimitExceeded(
            "A managed policy can have up to 5 versions. Before you create a new version, "
            "you must delete an existing version."
        )
    version = PolicyVersion.objects.create(
        policy=policy, version_id=f"v{policy.next_version}", document=document
    )
    policy.next_version += 1
    policy.updated_at = timezone.now()
    if params.get("SetAsDefault"):
        policy.default_version_id = version.version_id
    policy.save()
    ctx.touch(policy)
    return {"PolicyVersion": _version_shape(version, policy.default_version_id, document=False)}


@operation("iam", "GetPolicyVersion", global_service=True)
def get_policy_version(ctx: CallContext, params: dict) -> dict:
    arn, version_id = params["PolicyArn"], params["VersionId"]
    policy = find_policy(ctx, arn)
    if isinstance(policy, AwsManagedPolicy):
        if version_id != policy.default_version_id:
            raise _no_version(arn, version_id)
        return {
            "PolicyVersion": {
                "Document": encode_document(policy.document_text),
                "VersionId": version_id,
                "IsDefaultVersion": True,
                "CreateDate": policy.update_date,
            }
        }
    version = policy.versions.filter(version_id=version_id).first()
    if version is None:
        raise _no_version(arn, version_id)
    return {"PolicyVersion": _version_shape(version, policy.default_version_id, document=True)}


@operation("iam", "ListPolicyVersions", global_service=True)
def list_policy_versions(ctx: CallContext, params: dict) -> dict:
    policy = find_policy(ctx, params["PolicyArn"])
    if isinstance(policy, AwsManagedPolicy):
        versions = [
            {
                "VersionId": policy.default_version_id,
                "IsDefaultVersion": True,
                "CreateDate": policy.update_date,
            }
        ]
    else:
        versions = [
            _version_shape(v, policy.default_version_id, document=False)
            for v in policy.versions.order_by("-created_at", "-id")
        ]
    return page(versions, params, "Versions")


@operation("iam", "DeletePolicyVersion", global_service=True)
def delete_policy_version(ctx: CallContext, params: dict) -> dict:
    arn, version_id = params["PolicyArn"], params["VersionId"]
    policy = _local(ctx, arn, "DeletePolicyVersion", for_update=True)
    version = policy.versions.filter(version_id=version_id).first()
    if version is None:
        raise _no_version(arn, version_id)
    if version_id == policy.default_version_id:
        raise delete_conflict("Cannot delete the default version of a policy.")
    version.delete()
    ctx.touch(policy)
    return {}


@operation("iam", "SetDefaultPolicyVersion", global_service=True)
def set_default_policy_version(ctx: CallContext, params: dict) -> dict:
    arn, version_id = params["PolicyArn"], params["VersionId"]
    policy = _local(ctx, arn, "SetDefaultPolicyVersion", for_update=True)
    if not policy.versions.filter(version_id=version_id).exists():
        raise _no_version(arn, version_id)
    policy.default_version_id = version_id
    policy.updated_at = timezone.now()
    policy.save(update_fields=["default_version_id", "updated_at"])
    ctx.touch(policy)
    return {}


# --- attachments and inline policies, the same for users, groups and roles -------------


@dataclass(frozen=True)
class Holder:
    """How a kind of identity is named in the API: UserName, 'user', PoliciesPerUser."""

    kind: str  # user, group, role
    param: str  # UserName
    quota: str  # PoliciesPerUser
    inline_size: int  # the aggregate size of its inline policies

    def get(self, ctx: CallContext, params: dict, *, for_update: bool = False) -> Model:
        getter = {"user": get_user, "group": get_group, "role": get_role}[self.kind]
        return getter(ctx, params[self.param], for_update=for_update)


HOLDERS = {
    "User": Holder("user", "UserName", "PoliciesPerUser", 2048),
    "Group": Holder("group", "GroupName", "PoliciesPerGroup", 5120),
    "Role": Holder("role", "RoleName", "PoliciesPerRole", 10240),
}


def _attach(holder: Holder):
    def attach(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params, for_update=True)
        arn = params["PolicyArn"]
        # The policy after its holder (services.core.locks): a racing DeletePolicy, which
        # checks the policy is unused under this lock, cannot leave this attachment behind.
        find_policy(ctx, arn, for_update=True)
        links = PolicyAttachment.objects.filter(**{holder.kind: entity})
        if links.filter(policy_arn=arn).exists():
            return {}
        if links.count() >= MAX_ATTACHED:
            raise limit_exceeded(holder.quota, MAX_ATTACHED)
        PolicyAttachment.objects.create(
            account=ctx.account, policy_arn=arn, **{holder.kind: entity}
        )
        ctx.touch(entity)
        return {}

    return attach


def _detach(holder: Holder):
    def detach(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params, for_update=True)
        arn = params["PolicyArn"]
        deleted, _ = PolicyAttachment.objects.filter(
            policy_arn=arn, **{holder.kind: entity}
        ).delete()
        if not deleted:
            raise no_such_entity(f"Policy {arn} was not found.")
        ctx.touch(entity)
        return {}

    return detach


def _list_attached(holder: Holder):
    def list_attached(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params)
        arns = PolicyAttachment.objects.filter(**{holder.kind: entity}).values_list(
            "policy_arn", flat=True
        )
        items = []
        for arn in sorted(arns, key=lambda a: split_policy_arn(a)[2].lower()):
            _, path, name = split_policy_arn(arn)
            if params.get("PathPrefix") and not path.startswith(params["PathPrefix"]):
                continue
            items.append({"PolicyName": name, "PolicyArn": arn})
        return page(items, params, "AttachedPolicies")

    return list_attached


def _inline_query(holder: Holder, entity: Model):
    return InlinePolicy.objects.filter(**{holder.kind: entity})


def _no_inline(holder: Holder, name: str) -> AwsError:
    return no_such_entity(f"The {holder.kind} policy with name {name} cannot be found.")


def _put_inline(holder: Holder):
    def put(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params, for_update=True)
        name = check_name(params["PolicyName"], "policyName", 128)
        document = check_identity_document(params["PolicyDocument"])
        others = _inline_query(holder, entity).exclude(name=name)
        total = policy_size(document) + sum(policy_size(p.document) for p in others)
        if total > holder.inline_size:
            raise errors.LimitExceeded(
                f"Maximum policy size of {holder.inline_size} bytes exceeded for "
                f"{holder.kind} {entity.name}"
            )
        InlinePolicy.objects.update_or_create(
            account=ctx.account,
            name=name,
            **{holder.kind: entity},
            defaults={"document": document},
        )
        ctx.touch(entity)
        return {}

    return put


def _get_inline(holder: Holder, param: str):
    def get(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params)
        policy = _inline_query(holder, entity).filter(name=params["PolicyName"]).first()
        if policy is None:
            raise _no_inline(holder, params["PolicyName"])
        return {
            param: entity.name,
            "PolicyName": policy.name,
            "PolicyDocument": encode_document(policy.document),
        }

    return get


def _delete_inline(holder: Holder):
    def delete(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params, for_update=True)
        deleted, _ = _inline_query(holder, entity).filter(name=params["PolicyName"]).delete()
        if not deleted:
            raise _no_inline(holder, params["PolicyName"])
        ctx.touch(entity)
        return {}

    return delete


def _list_inline(holder: Holder):
    def list_inline(ctx: CallContext, params: dict) -> dict:
        entity = holder.get(ctx, params)
        names = list(_inline_query(holder, entity).order_by("name").values_list("name", flat=True))
        return page(names, params, "PolicyNames")

    return list_inline


for _suffix, _holder in HOLDERS.items():
    operation("iam", f"Attach{_suffix}Policy", global_service=True)(_attach(_holder))
    operation("iam", f"Detach{_suffix}Policy", global_service=True)(_detach(_holder))
    operation("iam", f"ListAttached{_suffix}Policies", global_service=True)(_list_attached(_holder))
    operation("iam", f"Put{_suffix}Policy", global_service=True)(_put_inline(_holder))
    operation("iam", f"Get{_suffix}Policy", global_service=True)(
        _get_inline(_holder, _holder.param)
    )
    operation("iam", f"Delete{_suffix}Policy", global_service=True)(_delete_inline(_holder))
    operation("iam", f"List{_suffix}Policies", global_service=True)(_list_inline(_holder))


@operation("iam", "ListEntitiesForPolicy", global_service=True)
def list_entities_for_policy(ctx: CallContext, params: dict) -> dict:
    arn = params["PolicyArn"]
    find_policy(ctx, arn)
    wanted = params.get("EntityFilter")
    usage_filter = params.get("PolicyUsageFilter")
    prefix = params.get("PathPrefix") or "/"
    links = PolicyAttachment.objects.filter(account=ctx.account, policy_arn=arn)
    groups, users, roles = [], [], []
    if usage_filter != "PermissionsBoundary":
        if wanted in (None, "Group"):
            groups = [
                {"GroupName": g.name, "GroupId": g.resource_id}
                for g in Group.objects.filter(attached__in=links, path__startswith=prefix)
            ]
        if wanted in (None, "User"):
            users = [
                {"UserName": u.name, "UserId": u.resource_id}
                for u in User.objects.filter(attached__in=links, path__startswith=prefix)
            ]
        if wanted in (None, "Role"):
            roles = [
                {"RoleName": r.name, "RoleId": r.resource_id}
                for r in Role.objects.filter(attached__in=links, path__startswith=prefix)
            ]
    if usage_filter != "PermissionsPolicy":
        boundary = Q(account=ctx.account, permissions_boundary=arn, path__startswith=prefix)
        if wanted in (None, "User"):
            users += [
                {"UserName": u.name, "UserId": u.resource_id}
                for u in User.objects.filter(boundary)
                if {"UserName": u.name, "UserId": u.resource_id} not in users
            ]
        if wanted in (None, "Role"):
            roles += [
                {"RoleName": r.name, "RoleId": r.resource_id}
                for r in Role.objects.filter(boundary)
                if {"RoleName": r.name, "RoleId": r.resource_id} not in roles
            ]
    return {
        "PolicyGroups": groups,
        "PolicyUsers": users,
        "PolicyRoles": roles,
        "IsTruncated": False,
    }


# --- permissions boundaries (IAM-09) ----------------------------------------------------


def _put_boundary(getter, param: str):
    def put(ctx: CallContext, params: dict) -> dict:
        entity = getter(ctx, params[param], for_update=True)
        arn = params["PermissionsBoundary"]
        find_policy(ctx, arn, for_boundary=True)
        entity.permissions_boundary = arn
        entity.save(update_fields=["permissions_boundary"])
        ctx.touch(entity)
        return {}

    return put


def _delete_boundary(getter, param: str):
    def delete(ctx: CallContext, params: dict) -> dict:
        entity = getter(ctx, params[param], for_update=True)
        entity.permissions_boundary = ""
        entity.save(update_fields=["permissions_boundary"])
        ctx.touch(entity)
        return {}

    return delete


operation("iam", "PutUserPermissionsBoundary", global_service=True)(
    _put_boundary(get_user, "UserName")
)
operation("iam", "DeleteUserPermissionsBoundary", global_service=True)(
    _delete_boundary(get_user, "UserName")
)
operation("iam", "PutRolePermissionsBoundary", global_service=True)(
    _put_boundary(get_role, "RoleName")
)
operation("iam", "DeleteRolePermissionsBoundary", global_service=True)(
    _delete_boundary(get_role, "RoleName")
)
