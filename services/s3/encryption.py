"""Server-side encryption as recorded settings: the bucket default (SSE-S3 since 2023,
or SSE-KMS with a key), what each object was written with, and the headers that say
so. Nothing is really encrypted: the simulator keeps the bytes as they came."""

from __future__ import annotations

import hashlib
import uuid

from services.core.context import CallContext
from services.core.operations import operation
from services.s3.common import bucket_for
from services.s3.errors import error, invalid_argument, malformed_xml, not_configured
from services.s3.models import Bucket, ObjectVersion

ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def default_kms_key(account_id: str, region: str) -> str:
    """The ARN of the account's AWS managed key for S3 (aws/s3) in `region`."""
    seed = hashlib.sha256(f"aws/s3:{account_id}:{region}".encode()).digest()[:16]
    return f"arn:aws:kms:{region}:{account_id}:key/{uuid.UUID(bytes=seed)}"


def _kms_arn(ctx: CallContext, bucket: Bucket, key_id: str | None) -> str:
    if not key_id:
        return default_kms_key(bucket.account_id, bucket.region)
    if key_id.startswith("arn:"):
        return key_id
    if key_id.startswith("alias/"):
        return f"arn:aws:kms:{bucket.region}:{bucket.account_id}:{key_id}"
    return f"arn:aws:kms:{bucket.region}:{bucket.account_id}:key/{key_id}"


def _default_rule(bucket: Bucket) -> dict:
    rules = (bucket.encryption or {}).get("Rules") or [{}]
    return rules[0]


def for_write(ctx: CallContext, bucket: Bucket, params: dict) -> dict:
    """The encryption fields of a new object: what the request asks, else the bucket's."""
    algorithm = params.get("ServerSideEncryption")
    if params.get("SSECustomerAlgorithm") or params.get("SSECustomerKey"):
        raise error("NotImplemented", "Stratolab does not simulate SSE-C (customer-provided "
                    "keys).", 501)  # fmt: skip
    if algorithm is not None and algorithm not in ALGORITHMS:
        raise invalid_argument(
            "The encryption method specified is not supported",
            "x-amz-server-side-encryption",
            algorithm,
        )
    key_id = params.get("SSEKMSKeyId")
    if key_id and algorithm not in ("aws:kms", "aws:kms:dsse"):
        raise invalid_argument(
            "Server Side Encryption with AWS KMS managed key requires HTTP header "
            "x-amz-server-side-encryption : aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id",
            key_id,
        )
    rule = _default_rule(bucket)
    default = rule.get("ApplyServerSideEncryptionByDefault") or {"SSEAlgorithm": "AES256"}
    bucket_key = params.get("BucketKeyEnabled")
    if algorithm is None:
        algorithm = default.get("SSEAlgorithm", "AES256")
        key_id = key_id or default.get("KMSMasterKeyID")
        if bucket_key is None:
            bucket_key = bool(rule.get("BucketKeyEnabled"))
    fields = {"sse_algorithm": algorithm, "kms_key_id": "", "bucket_key_enabled": False}
    if algorithm.startswith("aws:kms"):
        fields["kms_key_id"] = _kms_arn(ctx, bucket, key_id)
        fields["bucket_key_enabled"] = bool(bucket_key)
    return fields


def headers(version: ObjectVersion) -> dict:
    found: dict = {}
    if version.sse_algorithm:
        found["ServerSideEncryption"] = version.sse_algorithm
    if version.kms_key_id:
        found["SSEKMSKeyId"] = version.kms_key_id
    if version.bucket_key_enabled:
        found["BucketKeyEnabled"] = True
    return found


@operation("s3", "PutBucketEncryption", iam_action="s3:PutEncryptionConfiguration")
def put_bucket_encryption(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    config = params.get("ServerSideEncryptionConfiguration") or {}
    rules = config.get("Rules") or []
    if len(rules) != 1:
        raise malformed_xml()
    default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    if algorithm not in ALGORITHMS:
        raise malformed_xml()
    if default.get("KMSMasterKeyID") and algorithm == "AES256":
        raise invalid_argument(
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or "
            "aws:kms:dsse",
            "ApplyServerSideEncryptionByDefault",
        )
    bucket.encryption = {"Rules": [{**rules[0], "BucketKeyEnabled": bool(
        rules[0].get("BucketKeyEnabled"))}]}  # fmt: skip
    bucket.save(update_fields=["encryption"])
    return {}


@operation("s3", "GetBucketEncryption", iam_action="s3:GetEncryptionConfiguration")
def get_bucket_encryption(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.encryption:
        raise not_configured(
            "ServerSideEncryptionConfigurationNotFoundError",
            "The server side encryption configuration was not found",
            bucket.name,
        )
    return {"ServerSideEncryptionConfiguration": bucket.encryption}


@operation("s3", "DeleteBucketEncryption", iam_action="s3:PutEncryptionConfiguration")
def delete_bucket_encryption(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    # Every bucket is encrypted since 2023: deleting the configuration restores SSE-S3.
    from services.s3.buckets import DEFAULT_ENCRYPTION

    bucket.encryption = DEFAULT_ENCRYPTION
    bucket.save(update_fields=["encryption"])
    return {}
