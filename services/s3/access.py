"""Who may do what to a bucket and its objects: IAM policies, the bucket policy, ACLs and
Block Public Access, evaluated with the IAM evaluator (S3-03).

S3's operations are authorized by the core path like every other (services.core.authz;
services/s3/authorization.py says what each call acts on and decides through `decide`
here), but S3 decides differently from the generic rule: a bucket policy's explicit deny
binds even the owner's root user (except for the bucket policy actions, so the owner can
always undo a policy), and callers from other accounts or without credentials at all are
allowed only by the bucket policy or an ACL.
"""

from __future__ import annotations

import json

from services.core import authz
from services.core.authz import Decision, Target
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.iam import policy_language
from services.iam.policy_language import (
    NamedPolicy,
    PolicyDocument,
    Request,
    evaluate,
    now_context,
    parse_policy,
)
from services.s3.errors import access_denied, error
from services.s3.models import Bucket, ObjectVersion

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PUBLIC_GROUPS = (ALL_USERS, AUTHENTICATED_USERS)
POLICY_ACTIONS = {"s3:getbucketpolicy", "s3:putbucketpolicy", "s3:deletebucketpolicy"}
ANONYMOUS = "Anonymous"

# What each ACL permission lets a grantee do, on a bucket and on an object.
_BUCKET_ACL = {
    "READ": {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
    "WRITE": {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
    "READ_ACP": {"s3:GetBucketAcl"},
    "WRITE_ACP": {"s3:PutBucketAcl"},
}
_OBJECT_ACL = {
    "READ": {"s3:GetObject", "s3:GetObjectVersion"},
    "READ_ACP": {"s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
    "WRITE_ACP": {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
}
# Conditions that tie a public-looking statement to known callers (not public then).
_FIXED_KEYS = {
    "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:sourcearn",
    "aws:sourceowner", "aws:principalorgid", "aws:principalaccount", "aws:principalarn",
    "aws:userid", "s3:dataaccesspointaccount", "aws:principalorgpaths",
}  # fmt: skip


def anonymous() -> Principal:
    return Principal(account_id="", kind=ANONYMOUS)  # type: ignore[arg-type]


def is_anonymous(ctx: CallContext) -> bool:
    return ctx.principal.kind == ANONYMOUS


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


# --- Block Public Access ------------------------------------------------------------------

BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def bpa(bucket: Bucket, flag: str) -> bool:
    return bool((bucket.public_access_block or {}).get(flag))


def grants_public(grants: list[dict]) -> bool:
    return any(g.get("Grantee", {}).get("URI") in PUBLIC_GROUPS for g in grants or [])


def _document(text: str) -> PolicyDocument | None:
    try:
        return parse_policy(text, "resource")
    except AwsError:
        return None


def policy_is_public(text: str) -> bool:
    """Whether a bucket policy grants access to anyone: an Allow for Principal "*"
    without a condition that pins the caller to known accounts, networks or sources."""
    document = _document(text) if text else None
    if document is None:
        return False
    for statement in document.statements:
        if statement.effect != "Allow":
            continue
        principals = statement.principals or {}
        wildcard = statement.not_principal or any(
            "*" in values for ptype, values in principals.items() if ptype in ("*", "AWS")
        )
        if not wildcard:
            continue
        if any(c.key.lower() in _FIXED_KEYS for c in statement.conditions):
            continue
        return True
    return False


# --- the resource-based policy the IAM evaluator sees -----------------------------------


def _bucket_name_of(arn: str) -> str | None:
    if not arn.startswith("arn:aws:s3:::"):
        return None
    return arn[len("arn:aws:s3:::") :].split("/", 1)[0]


def bucket_policies(bucket: Bucket, *, for_outsiders: bool) -> list[NamedPolicy]:
    if not bucket.policy:
        return []
    if for_outsiders and bpa(bucket, "RestrictPublicBuckets") and policy_is_public(bucket.policy):
        # RestrictPublicBuckets: a public policy then grants nothing outside the account.
        document = _document(bucket.policy)
        if document is None:
            return []
        kept = tuple(
            s
            for s in document.statements
            if s.effect == "Deny" or not policy_is_public(_statement_text(s))
        )
        document = PolicyDocument(document.version, kept, document.id, document.text)
        return [NamedPolicy("bucket policy", document, attached_to=f"bucket {bucket.name}")]
    document = _document(bucket.policy)
    return (
        [NamedPolicy("bucket policy", document, attached_to=f"bucket {bucket.name}")]
        if (document)
        else []
    )


def _statement_text(statement) -> str:
    # Re-evaluate one statement on its own for publicness.
    principal = {k: list(v) for k, v in (statement.principals or {}).items()}
    if principal == {"*": ["*"]}:
        principal = "*"
    body = {
        "Effect": statement.effect,
        "Principal": principal,
        "Action": list(statement.actions) or "*",
        "Resource": list(statement.resources or ["*"]),
    }
    if statement.conditions:
        body["Condition"] = {}
        for c in statement.conditions:
            body["Condition"].setdefault(c.operator, {})[c.key] = list(c.values)
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


@policy_language.register_resource_policies
def _s3_policies(target: Target, action: str) -> tuple[list[NamedPolicy], bool] | None:
    name = _bucket_name_of(target.arn)
    if name is None or not action.lower().startswith("s3:"):
        return None
    bucket = Bucket.objects.filter(resource_id=name).first()
    if bucket is None:
        return [], False
    return bucket_policies(bucket, for_outsiders=bool(target.account)), False


# --- deciding ------------------------------------------------------------------------------

_ALLOW_ALL = parse_policy(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


def _acl_allows(action: str, bucket: Bucket, obj: ObjectVersion | None, ctx: CallContext) -> bool:
    if bucket.object_ownership == "BucketOwnerEnforced":
        return False  # ACLs disabled: they grant nothing
    ignore_public = bpa(bucket, "IgnorePublicAcls")
    grants = list(obj.acl if obj is not None else bucket.acl)
    table = _OBJECT_ACL if obj is not None else _BUCKET_ACL
    for grant in grants:
        grantee = grant.get("Grantee", {})
        uri = grantee.get("URI")
        if uri in PUBLIC_GROUPS and ignore_public:
            continue
        if uri == AUTHENTICATED_USERS and is_anonymous(ctx):
            continue
        if uri not in PUBLIC_GROUPS and grantee.get("ID") != _canonical(ctx):
            continue
        permission = grant.get("Permission")
        if permission == "FULL_CONTROL" or action in table.get(permission, set()):
            return True
    return False


def _canonical(ctx: CallContext) -> str:
    from services.s3.models import canonical_user_id

    return canonical_user_id(ctx.principal.account_id) if ctx.principal.account_id else ""


def _refused(ctx: CallContext, action: str, resource: str, reason: str) -> Decision:
    """S3's denial: the resource quoted, and no more than "Access Denied" for a caller
    without credentials."""
    message = (
        "Access Denied"
        if is_anonymous(ctx)
        else f"User: {ctx.principal.arn} is not authorized to perform: {action} on resource: "
        f'"{resource}" {reason}'
    )
    return Decision(False, reason, resource, action=action, message=message)


def decide(
    ctx: CallContext,
    action: str,
    bucket: Bucket,
    key: str | None = None,
    *,
    obj: ObjectVersion | None = None,
    params: dict | None = None,
) -> Decision:
    """Whether the caller may perform `action` (s3:GetObject) on the bucket, or on `key`
    in it (`obj`: the version whose ACL counts too)."""
    resource = object_arn(bucket.name, key) if key is not None else bucket_arn(bucket.name)
    owner = bucket.account_id
    principal = ctx.principal
    own_root = principal.is_root and principal.account_id == owner
    if own_root and action.lower() in POLICY_ACTIONS:
        return Decision(True, resource=resource)
    outsider = is_anonymous(ctx) or principal.account_id != owner
    if principal.is_root or is_anonymous(ctx):
        result = _decide_directly(ctx, action, resource, bucket, outsider)
        if result.allowed or (
            result.decision == "implicitDeny" and _acl_allows(action, bucket, obj, ctx)
        ):
            return Decision(True, resource=resource)
        return _refused(ctx, action, resource, result.reason)
    target = Target(resource, bucket.tags if key is None else {}, owner if outsider else "")
    decision = authz.evaluate(ctx, action, [target], params or {})
    if decision.allowed or (
        "explicit deny" not in decision.reason and _acl_allows(action, bucket, obj, ctx)
    ):
        return Decision(True, resource=resource, principal_arn=decision.principal_arn)
    return _refused(ctx, action, resource, decision.reason)


def decide_unowned(ctx: CallContext, action: str, resource: str, params: dict) -> Decision:
    """An action on no bucket (s3:ListAllMyBuckets, "*") or on one that does not exist
    yet (s3:CreateBucket): identity-based policies alone decide."""
    if is_anonymous(ctx):
        return _refused(ctx, action, resource, "")
    if principal_is_own_root(ctx):
        return Decision(True, resource=resource)
    decision = authz.evaluate(ctx, action, [Target(resource)], params)
    if decision.allowed or resource == "*":
        return decision
    return _refused(ctx, action, resource, decision.reason)


def principal_is_own_root(ctx: CallContext) -> bool:
    return ctx.principal.is_root and ctx.principal.account_id == ctx.account.id


def _decide_directly(ctx: CallContext, action: str, resource: str, bucket: Bucket, outsider: bool):
    """Root users and anonymous callers, decided by the bucket policy alone."""
    principal = ctx.principal
    # Neither has identity-based policies to limit it: a root user may do what its account
    # may; an anonymous caller gets exactly what the bucket policy grants to "*".
    identity = [NamedPolicy("root", _ALLOW_ALL)]
    context = {**now_context(_now()), "aws:SourceIp": ctx.source_ip}
    if ctx.user_agent:
        context["aws:UserAgent"] = ctx.user_agent
    if principal.is_root:
        context["aws:PrincipalAccount"] = principal.account_id
        context["aws:PrincipalArn"] = principal.arn
        context["aws:PrincipalType"] = "Account"
    request = Request(
        principal_arn=principal.arn if principal.is_root else "anonymous",
        action=action,
        resource=resource,
        context=context,
        principal_account=principal.account_id or "anonymous",
        resource_account=bucket.account_id,
    )
    return evaluate(request, identity, resource=bucket_policies(bucket, for_outsiders=outsider))


def _now():
    from django.utils import timezone

    return timezone.now()


def check_acl_allowed(bucket: Bucket, grants: list[dict], *, canned: str = "") -> None:
    """ACLs that a bucket refuses: any but the owner's when ACLs are disabled, public
    ones under BlockPublicAcls."""
    if bucket.object_ownership == "BucketOwnerEnforced" and (
        grants or canned not in ("", "private", "bucket-owner-full-control")
    ):
        raise error("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
    if bpa(bucket, "BlockPublicAcls") and grants_public(grants):
        raise access_denied()
