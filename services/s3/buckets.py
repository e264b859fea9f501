"""Buckets: CreateBucket, DeleteBucket, ListBuckets, HeadBucket, GetBucketLocation.

Bucket names are global (S3-01): one name, one bucket, whichever account and region;
the region a bucket lives in is chosen at creation by its LocationConstraint.
"""

from __future__ import annotations

import base64

from django.db import IntegrityError, transaction

from services.core import shapes
from services.core.context import CallContext
from services.core.operations import operation
from services.core.regions import is_region
from services.s3 import access, names
from services.s3.common import bucket_for, find_bucket, owner
from services.s3.errors import error, invalid_argument
from services.s3.models import Bucket

# New buckets, as AWS makes them since 2023: ACLs disabled, all public access blocked,
# SSE-S3 default encryption.
DEFAULT_PUBLIC_ACCESS_BLOCK = {flag: True for flag in access.BPA_FLAGS}
DEFAULT_ENCRYPTION = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]
}
_ALREADY_EXISTS = (
    "The requested bucket name is not available. The bucket namespace is shared by all "
    "users of the system. Please select a different name and try again."
)


def _location_of(ctx: CallContext, params: dict) -> str:
    """The region the new bucket goes to, or the error S3 gives for the constraint."""
    config = params.get("CreateBucketConfiguration") or {}
    constraint = config.get("LocationConstraint")
    if constraint == "EU":
        constraint = "eu-west-1"
    if constraint is None or constraint == "":
        if ctx.region != "us-east-1":
            raise error(
                "IllegalLocationConstraintException",
                "The unspecified location constraint is incompatible for the region specific "
                "endpoint this request was sent to.",
            )
        return "us-east-1"
    if constraint == "us-east-1" or not is_region(constraint):
        raise error(
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
            LocationConstraint=constraint,
        )
    if constraint != ctx.region and ctx.region != "us-east-1":
        raise error(
            "IllegalLocationConstraintException",
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to.",
        )
    return constraint


@operation("s3", "CreateBucket")
def create_bucket(ctx: CallContext, params: dict) -> dict:
    name = params["Bucket"]
    names.check(name)
    region = _location_of(ctx, params)
    ownership = params.get("ObjectOwnership") or "BucketOwnerEnforced"
    if ownership not in shapes.enum_values("s3", "ObjectOwnership"):
        raise invalid_argument("Invalid x-amz-object-ownership header: " + ownership)
    existing = Bucket.objects.filter(resource_id=name).first()
    if existing is not None:
        return _create_existing(ctx, existing, region)
    acl = params.get("ACL") or ""
    grants = canned_grants(acl)
    if ownership == "BucketOwnerEnforced" and acl not in ("", "private"):
        raise error(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )
    if access.grants_public(grants):
        raise error(
            "InvalidBucketAclWithBlockPublicAccessError",
            "Bucket cannot have public ACLs set with BlockPublicAccess enabled",
        )
    bucket = Bucket(
        account=ctx.account,
        region=region,
        resource_id=name,
        state="active",
        object_ownership=ownership,
        acl=grants,
        public_access_block=dict(DEFAULT_PUBLIC_ACCESS_BLOCK),
        encryption=DEFAULT_ENCRYPTION,
    )
    tags = (params.get("CreateBucketConfiguration") or {}).get("Tags")
    if tags:
        bucket.tags = {t["Key"]: t.get("Value", "") for t in tags}
    try:
        with transaction.atomic():
            bucket.save()
    except IntegrityError:
        # Another call created the name between our look-up and our insert (the unique
        # index made this one wait for it to commit): answer as if it had come first.
        winner = Bucket.objects.filter(resource_id=name).first()
        if winner is None:  # created and deleted again meanwhile
            raise error(
                "OperationAborted",
                "A conflicting conditional operation is currently in progress against this "
                "resource. Please try again.",
                409,
            ) from None
        return _create_existing(ctx, winner, region)
    ctx.touch(bucket)
    location = f"/{name}" if region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": access.bucket_arn(name)}


def _create_existing(ctx: CallContext, existing: Bucket, region: str) -> dict:
    """CreateBucket of a name that is taken: S3's answer depends on who owns it and where."""
    name = existing.name
    if existing.account_id != ctx.account.id:
        raise error("BucketAlreadyExists", _ALREADY_EXISTS, 409, BucketName=name)
    if existing.region == "us-east-1" and region == "us-east-1":
        # Legacy us-east-1 behaviour: re-creating your own bucket succeeds and resets
        # its ACL (CreateBucket API reference, "BucketAlreadyOwnedByYou").
        existing.acl = []
        existing.save(update_fields=["acl"])
        ctx.touch(existing)
        return {"Location": f"/{name}", "BucketArn": access.bucket_arn(name)}
    raise error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        BucketName=name,
    )


CANNED = {
    "private": [],
    "public-read": [("Group", access.ALL_USERS, "READ")],
    "public-read-write": [
        ("Group", access.ALL_USERS, "READ"),
        ("Group", access.ALL_USERS, "WRITE"),
    ],
    "authenticated-read": [("Group", access.AUTHENTICATED_USERS, "READ")],
    "log-delivery-write": [
        ("Group", access.LOG_DELIVERY, "WRITE"),
        ("Group", access.LOG_DELIVERY, "READ_ACP"),
    ],
    "aws-exec-read": [],
    "bucket-owner-read": [],
    "bucket-owner-full-control": [],
}


def canned_grants(acl: str) -> list[dict]:
    """The grants a canned ACL adds to the owner's FULL_CONTROL."""
    if acl and acl not in CANNED:
        raise invalid_argument("", "x-amz-acl", acl)
    return [
        {"Grantee": {"Type": kind, "URI": uri}, "Permission": permission}
        for kind, uri, permission in CANNED.get(acl or "private", [])
    ]


@operation("s3", "DeleteBucket")
def delete_bucket(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], for_update=True)
    if bucket.versions.exists():
        raise error(
            "BucketNotEmpty",
            "The bucket you tried to delete is not empty",
            409,
            BucketName=bucket.name,
        )
    from services.s3 import storage

    storage.unlink_on_commit(
        *[p.blob for u in bucket.uploads.all() for p in u.parts.all()]  # abandoned uploads
    )
    bucket.delete()
    return {}


@operation("s3", "ListBuckets", iam_action="s3:ListAllMyBuckets")
def list_buckets(ctx: CallContext, params: dict) -> dict:
    qs = Bucket.objects.filter(account=ctx.account).order_by("resource_id")
    if params.get("Prefix"):
        qs = qs.filter(resource_id__startswith=params["Prefix"])
    if params.get("BucketRegion"):
        qs = qs.filter(region=params["BucketRegion"])
    token = params.get("ContinuationToken")
    if token:
        try:
            after = base64.urlsafe_b64decode(token.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            raise invalid_argument(
                "The continuation token provided is incorrect", "continuation-token", token
            ) from None
        qs = qs.filter(resource_id__gt=after)
    limit = params.get("MaxBuckets")
    if limit is not None and not 1 <= limit <= 10000:
        raise invalid_argument(
            "Argument max-buckets must be an integer between 1 and 10000", "max-buckets", limit
        )
    rows = list(qs[: limit + 1] if limit else qs)
    result: dict = {"Owner": owner(ctx.account.id)}
    if limit and len(rows) > limit:
        rows = rows[:limit]
        result["ContinuationToken"] = base64.urlsafe_b64encode(rows[-1].name.encode()).decode()
    result["Buckets"] = [
        {
            "Name": b.name,
            "CreationDate": b.created_at,
            "BucketRegion": b.region,
            "BucketArn": access.bucket_arn(b.name),
        }
        for b in rows
    ]
    if params.get("Prefix"):
        result["Prefix"] = params["Prefix"]
    return result


@operation("s3", "HeadBucket", iam_action="s3:ListBucket")
def head_bucket(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    return {
        "BucketRegion": bucket.region,
        "AccessPointAlias": False,
        "BucketArn": access.bucket_arn(bucket.name),
    }


@operation("s3", "GetBucketLocation")
def get_bucket_location(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    # us-east-1 buckets have no location constraint: S3 answers an empty one.
    return {"LocationConstraint": None if bucket.region == "us-east-1" else bucket.region}


def find(name: str) -> Bucket:
    return find_bucket(name)
