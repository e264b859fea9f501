"""Bucket permissions: the bucket policy, Block Public Access, Object Ownership and
ACLs of buckets and objects (S3-03)."""

from __future__ import annotations

from services.core import shapes
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.iam.policy_language import glob_match, parse_policy
from services.s3 import access, versions
from services.s3.common import bucket_for, owner
from services.s3.errors import error, malformed_xml, not_configured
from services.s3.models import Bucket, ObjectVersion
from services.s3.objects import grants_from_params

# --- the bucket policy -------------------------------------------------------------------


def _check_policy(bucket: Bucket, text: str) -> None:
    try:
        document = parse_policy(text, "resource")
    except AwsError as exc:
        raise error("MalformedPolicy", _s3_policy_message(exc.message)) from None
    except RecursionError:  # JSON nested past what the parser can follow
        raise error(
            "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"
        ) from None
    for statement in document.statements:
        for resource in statement.resources or ():
            if resource == "*":
                continue
            name = resource[len("arn:aws:s3:::") :].split("/", 1)[0]
            if not resource.startswith("arn:aws:s3:::") or not _same_bucket(name, bucket.name):
                raise error("MalformedPolicy", "Policy has invalid resource")
        for action in statement.actions:
            if not (action == "*" or action.lower().startswith("s3:")):
                raise error("MalformedPolicy", "Policy has invalid action")


def _same_bucket(pattern: str, name: str) -> bool:
    return glob_match(pattern, name)


def _s3_policy_message(message: str) -> str:
    if message.startswith("Missing required field Principal"):
        return "Missing required field Principal"
    return message


@operation("s3", "PutBucketPolicy")
def put_bucket_policy(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], for_update=True)
    text = params.get("Policy") or ""
    _check_policy(bucket, text)
    if access.bpa(bucket, "BlockPublicPolicy") and access.policy_is_public(text):
        raise access.access_denied(
            f"User: {ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on "
            f'resource: "{access.bucket_arn(bucket.name)}" because public policies are blocked '
            "by the BlockPublicPolicy block public access setting."
        )
    bucket.policy = text
    bucket.save(update_fields=["policy"])
    return {}


@operation("s3", "GetBucketPolicy")
def get_bucket_policy(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.policy:
        raise not_configured("NoSuchBucketPolicy", "The bucket policy does not exist", bucket.name)
    return {"Policy": bucket.policy}


@operation("s3", "DeleteBucketPolicy")
def delete_bucket_policy(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.policy = ""
    bucket.save(update_fields=["policy"])
    return {}


@operation("s3", "GetBucketPolicyStatus")
def get_bucket_policy_status(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.policy:
        raise not_configured("NoSuchBucketPolicy", "The bucket policy does not exist", bucket.name)
    return {"PolicyStatus": {"IsPublic": access.policy_is_public(bucket.policy)}}


# --- Block Public Access -----------------------------------------------------------------


@operation("s3", "PutPublicAccessBlock", iam_action="s3:PutBucketPublicAccessBlock")
def put_public_access_block(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    config = params.get("PublicAccessBlockConfiguration") or {}
    bucket.public_access_block = {flag: bool(config.get(flag)) for flag in access.BPA_FLAGS}
    bucket.save(update_fields=["public_access_block"])
    return {}


@operation("s3", "GetPublicAccessBlock", iam_action="s3:GetBucketPublicAccessBlock")
def get_public_access_block(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if bucket.public_access_block is None:
        raise not_configured(
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
            bucket.name,
        )
    return {"PublicAccessBlockConfiguration": dict(bucket.public_access_block)}


@operation("s3", "DeletePublicAccessBlock", iam_action="s3:PutBucketPublicAccessBlock")
def delete_public_access_block(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.public_access_block = None
    bucket.save(update_fields=["public_access_block"])
    return {}


# --- Object Ownership --------------------------------------------------------------------


@operation("s3", "PutBucketOwnershipControls")
def put_ownership_controls(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    rules = (params.get("OwnershipControls") or {}).get("Rules") or []
    ownerships = shapes.enum_values("s3", "ObjectOwnership")
    if len(rules) != 1 or rules[0].get("ObjectOwnership") not in ownerships:
        raise malformed_xml()
    ownership = rules[0]["ObjectOwnership"]
    if ownership == "BucketOwnerEnforced" and bucket.acl:
        raise error(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )
    bucket.object_ownership = ownership
    bucket.save(update_fields=["object_ownership"])
    return {}


@operation("s3", "GetBucketOwnershipControls")
def get_ownership_controls(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    return {"OwnershipControls": {"Rules": [{"ObjectOwnership": bucket.object_ownership}]}}


@operation("s3", "DeleteBucketOwnershipControls", iam_action="s3:PutBucketOwnershipControls")
def delete_ownership_controls(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.object_ownership = "ObjectWriter"
    bucket.save(update_fields=["object_ownership"])
    return {}


# --- ACLs ---------------------------------------------------------------------------------


def acl_output(owner_account: str, grants: list[dict]) -> dict:
    me = owner(owner_account)
    full = {"Grantee": {"Type": "CanonicalUser", **me}, "Permission": "FULL_CONTROL"}
    return {"Owner": me, "Grants": [full, *grants]}


def _grants_from_policy(policy: dict | None, owner_account: str) -> list[dict]:
    """An AccessControlPolicy body: the owner's own FULL_CONTROL is implied."""
    me = owner(owner_account)["ID"]
    grants = []
    for grant in (policy or {}).get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        if grantee.get("ID") == me and grant.get("Permission") == "FULL_CONTROL":
            continue
        if grantee.get("Type") not in ("CanonicalUser", "Group", "AmazonCustomerByEmail"):
            raise malformed_xml()
        grants.append(
            {
                "Grantee": {k: v for k, v in grantee.items() if k in ("Type", "ID", "URI")},
                "Permission": grant.get("Permission"),
            }
        )
    return grants


def _new_grants(params: dict, owner_account: str) -> tuple[list[dict], str]:
    if params.get("AccessControlPolicy"):
        return _grants_from_policy(params["AccessControlPolicy"], owner_account), ""
    return grants_from_params(params), params.get("ACL") or ""


@operation("s3", "PutBucketAcl")
def put_bucket_acl(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    grants, canned = _new_grants(params, bucket.account_id)
    access.check_acl_allowed(bucket, grants, canned=canned)
    bucket.acl = grants
    bucket.save(update_fields=["acl"])
    return {}


@operation("s3", "GetBucketAcl")
def get_bucket_acl(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    return acl_output(bucket.account_id, list(bucket.acl))


def _object(ctx: CallContext, params: dict) -> tuple[Bucket, ObjectVersion]:
    bucket = bucket_for(ctx, params["Bucket"])
    return bucket, versions.find(bucket, params["Key"], params.get("VersionId"))


@operation("s3", "PutObjectAcl")
def put_object_acl(ctx: CallContext, params: dict) -> dict:
    bucket, version = _object(ctx, params)
    grants, canned = _new_grants(params, bucket.account_id)
    access.check_acl_allowed(bucket, grants, canned=canned)
    ObjectVersion.objects.filter(pk=version.pk).update(acl=grants)
    return {}


@operation("s3", "GetObjectAcl")
def get_object_acl(ctx: CallContext, params: dict) -> dict:
    bucket, version = _object(ctx, params)
    return acl_output(version.owner_account or bucket.account_id, list(version.acl))
