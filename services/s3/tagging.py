"""Tags of buckets (up to 50) and objects (up to 10)."""

from __future__ import annotations

from services.core.context import CallContext
from services.core.operations import operation
from services.s3 import versions
from services.s3.common import bucket_for
from services.s3.errors import error, invalid_argument, not_configured
from services.s3.models import ObjectVersion
from services.s3.objects import check_tag_text


def _tag_dict(tag_set: list[dict], limit: int) -> dict[str, str]:
    tags: dict[str, str] = {}
    for tag in tag_set or []:
        key = tag.get("Key", "")
        if key in tags:
            raise invalid_argument("Cannot provide multiple Tags with the same key", "Tag", key)
        if key.lower().startswith("aws:"):
            raise invalid_argument("System tags cannot be added/updated by requester", "Tag", key)
        tags[key] = tag.get("Value", "")
    if len(tags) > limit:
        raise error(
            "BadRequest",
            "Object tags cannot be greater than 10"
            if limit == 10
            else "Bucket tag count cannot be greater than 50",
        )
    check_tag_text(tags)
    return tags


def tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


@operation("s3", "PutBucketTagging")
def put_bucket_tagging(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.tags = _tag_dict((params.get("Tagging") or {}).get("TagSet"), 50)
    bucket.save(update_fields=["tags"])
    return {}


@operation("s3", "GetBucketTagging")
def get_bucket_tagging(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.tags:
        raise not_configured("NoSuchTagSet", "The TagSet does not exist", bucket.name)
    return {"TagSet": tag_set(bucket.tags)}


@operation("s3", "DeleteBucketTagging", iam_action="s3:PutBucketTagging")
def delete_bucket_tagging(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.tags = {}
    bucket.save(update_fields=["tags"])
    return {}


def _version(ctx: CallContext, params: dict):
    bucket = bucket_for(ctx, params["Bucket"])
    found = versions.find(bucket, params["Key"], params.get("VersionId"))
    return bucket, found


def _version_out(bucket, found) -> dict:
    version_id = versions.version_id_out(bucket, found)
    return {"VersionId": version_id} if version_id else {}


@operation("s3", "PutObjectTagging")
def put_object_tagging(ctx: CallContext, params: dict) -> dict:
    bucket, found = _version(ctx, params)
    tags = _tag_dict((params.get("Tagging") or {}).get("TagSet"), 10)
    ObjectVersion.objects.filter(pk=found.pk).update(tags=tags)
    return _version_out(bucket, found)


@operation("s3", "GetObjectTagging")
def get_object_tagging(ctx: CallContext, params: dict) -> dict:
    bucket, found = _version(ctx, params)
    return {**_version_out(bucket, found), "TagSet": tag_set(found.tags)}


@operation("s3", "DeleteObjectTagging")
def delete_object_tagging(ctx: CallContext, params: dict) -> dict:
    bucket, found = _version(ctx, params)
    ObjectVersion.objects.filter(pk=found.pk).update(tags={})
    return _version_out(bucket, found)
