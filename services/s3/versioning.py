"""PutBucketVersioning and GetBucketVersioning (S3-04): versioning can be enabled and
suspended, never turned off again."""

from __future__ import annotations

from services.core import shapes
from services.core.context import CallContext
from services.core.operations import operation
from services.s3.common import bucket_for
from services.s3.errors import error, malformed_xml


@operation("s3", "PutBucketVersioning")
def put_bucket_versioning(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], for_update=True)
    config = params.get("VersioningConfiguration") or {}
    status = config.get("Status")
    if status not in shapes.enum_values("s3", "BucketVersioningStatus"):
        raise malformed_xml()
    mfa_delete = config.get("MFADelete")
    if mfa_delete == "Enabled" and not params.get("MFA"):
        raise error(
            "InvalidRequest",
            "DevPay and Mfa are mutually exclusive authorization methods.",
        )
    bucket.versioning = status
    if mfa_delete:
        bucket.mfa_delete = mfa_delete
    bucket.save(update_fields=["versioning", "mfa_delete"])
    return {}


@operation("s3", "GetBucketVersioning")
def get_bucket_versioning(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    result: dict = {}
    if bucket.versioning:
        result["Status"] = bucket.versioning
    if bucket.mfa_delete:
        result["MFADelete"] = bucket.mfa_delete
    return result
