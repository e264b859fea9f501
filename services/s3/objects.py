"""Objects: PutObject, GetObject, HeadObject, CopyObject, DeleteObject, DeleteObjects.

A body arrives as bytes, a file or a `storage.Spool` (the streaming doors); it is
placed in the blob store and its row written in the operation's transaction. GetObject
returns its Body as a `storage.BlobReader` opened on the file.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from urllib.parse import parse_qsl, unquote

from django.utils import timezone

from services.core import authz
from services.core.context import CallContext
from services.core.operations import operation
from services.s3 import access, encryption, storage, versions
from services.s3.buckets import canned_grants
from services.s3.common import bucket_for
from services.s3.conditions import check_read_conditions, check_write_conditions, parse_range
from services.s3.errors import error, invalid_argument, malformed_xml
from services.s3.models import Bucket, ObjectVersion

MAX_PUT = 5 * 1024**3  # S3-02: a single PUT up to 5 GB
MAX_OBJECT = 5 * 1024**4  # S3-02: an object up to 5 TB
MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048  # user metadata: the UTF-8 bytes of its names and values
MAX_REDIRECT = 2048
STORAGE_CLASSES = (
    "STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER",
    "DEEP_ARCHIVE", "REDUCED_REDUNDANCY",
)  # fmt: skip
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
_META_FIELDS = {
    "ContentType": "content_type",
    "ContentEncoding": "content_encoding",
    "ContentDisposition": "content_disposition",
    "ContentLanguage": "content_language",
    "CacheControl": "cache_control",
    "Expires": "expires",
    "WebsiteRedirectLocation": "website_redirect",
}


def check_key(key: str) -> None:
    if not key:
        raise invalid_argument("Key must not be empty", "key", key)
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise error("KeyTooLongError", "Your key is too long", 400, Size=len(key.encode()),
                    MaxSizeAllowed=MAX_KEY_BYTES)  # fmt: skip


def check_storage_class(value: str | None) -> str:
    value = value or "STANDARD"
    if value not in STORAGE_CLASSES:
        raise error("InvalidStorageClass", "The storage class you specified is not valid", 400,
                    StorageClassRequested=value)  # fmt: skip
    return value


def parse_tagging(text: str | None) -> dict[str, str]:
    """x-amz-tagging: "k1=v1&k2=v2" (URL-encoded)."""
    if not text:
        return {}
    tags = dict(parse_qsl(text, keep_blank_values=True))
    check_tags(tags)
    return tags


_TAG_PUNCTUATION = frozenset(" +-=._:/@")


def _tag_text(text: str) -> bool:
    """S3's tag alphabet: letters, digits, white space and + - = . _ : / @."""
    return all(c.isalnum() or c.isspace() or c in _TAG_PUNCTUATION for c in text)


def check_tag_text(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not key or len(key) > 128 or not _tag_text(key):
            raise error("InvalidTag", "The TagKey you have provided is invalid")
        if len(value) > 256 or not _tag_text(value):
            raise error("InvalidTag", "The TagValue you have provided is invalid")


def check_tags(tags: dict[str, str]) -> None:
    """An object's tags: 10 at most."""
    if len(tags) > 10:
        raise error("BadRequest", "Object tags cannot be greater than 10")
    check_tag_text(tags)


def grants_from_params(params: dict) -> list[dict]:
    """Canned ACL (x-amz-acl) or explicit x-amz-grant-* headers as grants."""
    grants = canned_grants(params.get("ACL") or "")
    for header, permission in (
        ("GrantRead", "READ"),
        ("GrantReadACP", "READ_ACP"),
        ("GrantWriteACP", "WRITE_ACP"),
        ("GrantWrite", "WRITE"),
        ("GrantFullControl", "FULL_CONTROL"),
    ):
        for item in (params.get(header) or "").split(","):
            kind, _, value = item.strip().partition("=")
            value = value.strip().strip('"')
            if not value:
                continue
            if kind == "uri":
                grants.append(
                    {"Grantee": {"Type": "Group", "URI": value}, "Permission": permission}
                )
            elif kind == "id":
                grants.append(
                    {"Grantee": {"Type": "CanonicalUser", "ID": value}, "Permission": permission}
                )
            else:
                raise invalid_argument("Invalid grantee", header, item)
    return grants


def _check_md5(params: dict, body: storage.Spool) -> None:
    text = params.get("ContentMD5")
    if text is None:
        return
    try:
        claimed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        claimed = b""
    if len(claimed) != 16:
        raise error("InvalidDigest", "The Content-MD5 you specified was invalid.", 400,
                    **{"Content-MD5": text})  # fmt: skip
    if claimed != body.digests.md5_bytes:
        raise error(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            400,
            ExpectedDigest=text,
            CalculatedDigest=base64.b64encode(body.digests.md5_bytes).decode(),
        )


def wanted_checksums(params: dict) -> set[str]:
    """The checksum algorithms a request names (header values or the SDK's choice)."""
    found = {
        name for name in storage.CHECKSUM_ALGORITHMS if params.get(f"Checksum{name}") is not None
    }
    algorithm = (params.get("ChecksumAlgorithm") or "").upper()
    if algorithm:
        if algorithm not in storage.CHECKSUM_ALGORITHMS:
            raise invalid_argument(
                "Value for x-amz-sdk-checksum-algorithm header is invalid.",
                "x-amz-sdk-checksum-algorithm",
                algorithm,
            )
        found.add(algorithm)
    return found


def check_checksums(params: dict, body: storage.Spool) -> dict[str, str]:
    """Compare the checksums the client sent (headers or aws-chunked trailers) with the
    body's; BadDigest on a mismatch. Returns the checksums to keep with the object."""
    computed = body.digests.checksums()
    kept = {"CRC32": computed["CRC32"]}
    for name in wanted_checksums(params):
        if name not in computed:
            continue  # the body was spooled without it (not asked for at the door)
        kept[name] = computed[name]
        claimed = params.get(f"Checksum{name}")
        if claimed is not None and claimed != computed[name]:
            raise error(
                "BadDigest", f"The {name} you specified did not match the calculated checksum."
            )
    return kept


def spool_body(params: dict) -> storage.Spool:
    return storage.as_spool(params.get("Body"), wanted_checksums(params))


def check_metadata(metadata: dict[str, str]) -> None:
    size = sum(len(k.encode("utf-8")) + len(str(v).encode("utf-8")) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise error("MetadataTooLarge",
                    "Your metadata headers exceed the maximum allowed metadata size.", 400,
                    Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)  # fmt: skip


def check_redirect(location: str | None) -> None:
    """x-amz-website-redirect-location: a path in the bucket or an http(s) URL, 2 KB at most."""
    if location is None:
        return
    if not location.startswith(("/", "http://", "https://")):
        raise error("InvalidRedirectLocation", "The website redirect location must have a "
                    "prefix of 'http://' or 'https://' or '/'.")  # fmt: skip
    if len(location) > MAX_REDIRECT:
        raise error("InvalidRedirectLocation", "The length of website redirect location cannot "
                    "exceed 2,048 characters.")  # fmt: skip


def object_attributes(params: dict) -> dict:
    """The row fields a PutObject / CreateMultipartUpload / CopyObject (REPLACE) sets from
    its parameters, checked against S3's limits."""
    check_metadata(params.get("Metadata") or {})
    check_redirect(params.get("WebsiteRedirectLocation"))
    fields: dict = {}
    for param, field in _META_FIELDS.items():
        if params.get(param) is not None:
            fields[field] = params[param]
    fields.setdefault("content_type", DEFAULT_CONTENT_TYPE)
    fields["metadata"] = {k.lower(): v for k, v in (params.get("Metadata") or {}).items()}
    fields["storage_class"] = check_storage_class(params.get("StorageClass"))
    fields["tags"] = parse_tagging(params.get("Tagging"))
    return fields


def _jsonable_attributes(fields: dict) -> dict:
    found = dict(fields)
    if isinstance(found.get("expires"), dt.datetime):
        found["expires"] = found["expires"].isoformat()
    return found


def from_jsonable(fields: dict) -> dict:
    found = dict(fields)
    if isinstance(found.get("expires"), str):
        found["expires"] = dt.datetime.fromisoformat(found["expires"])
    return found


def write_headers(bucket: Bucket, version: ObjectVersion) -> dict:
    """ETag, version id and encryption headers of a write's answer."""
    result = {"ETag": version.quoted_etag}
    version_id = versions.version_id_out(bucket, version)
    if version_id:
        result["VersionId"] = version_id
    result.update(encryption.headers(version))
    return result


@operation("s3", "PutObject")
def put_object(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    check_key(key)
    bucket = bucket_for(ctx, params["Bucket"])
    body = spool_body(params)
    try:
        if body.size > MAX_PUT:
            raise error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                        400, ProposedSize=body.size, MaxSizeAllowed=MAX_PUT)  # fmt: skip
        _check_md5(params, body)
        checksums = check_checksums(params, body)
        fields = object_attributes(params)
        grants = grants_from_params(params)
        access.check_acl_allowed(bucket, grants, canned=params.get("ACL") or "")
        check_write_conditions(bucket, key, params)
        sse = encryption.for_write(ctx, bucket, params)
    except BaseException:
        body.discard()
        raise
    with storage.placed_blob(body, bucket.account_id) as blob:
        version = ObjectVersion(
            blob=blob,
            size=body.size,
            etag=body.digests.md5_hex,
            owner_account=ctx.account.id,
            acl=grants,
            checksums=checksums,
            **fields,
            **sse,
        )
        versions.add_version(bucket, key, version)
        from services.s3 import notifications

        notifications.record(bucket, "s3:ObjectCreated:Put", version, ctx=ctx)
    result = write_headers(bucket, version)
    if params.get("ChecksumAlgorithm") or any(params.get(f"Checksum{n}") for n in checksums):
        for name, value in checksums.items():
            if name != "CRC32" or "CRC32" in wanted_checksums(params):
                result[f"Checksum{name}"] = value
        result["ChecksumType"] = "FULL_OBJECT"
    return result


def _read_object(ctx: CallContext, params: dict, action: str) -> tuple[Bucket, ObjectVersion]:
    """The version a GET or HEAD reads (the call was authorized before it ran, with the
    object's ACL: someone who may not read it learned nothing about it)."""
    bucket = bucket_for(ctx, params["Bucket"])
    return bucket, versions.find(bucket, params["Key"], params.get("VersionId"))


def describe_headers(bucket: Bucket, version: ObjectVersion, params: dict) -> dict:
    """The metadata headers GetObject and HeadObject answer with."""
    result: dict = {
        "ETag": version.quoted_etag,
        "LastModified": version.last_modified,
        "ContentLength": version.size,
        "ContentType": version.content_type or DEFAULT_CONTENT_TYPE,
        "AcceptRanges": "bytes",
        "Metadata": dict(version.metadata),
    }
    for param, field in _META_FIELDS.items():
        if param != "ContentType" and getattr(version, field):
            result[param] = getattr(version, field)
    version_id = versions.version_id_out(bucket, version)
    if version_id:
        result["VersionId"] = version_id
    if version.storage_class not in ("STANDARD", ""):
        result["StorageClass"] = version.storage_class
    if version.tags:
        result["TagCount"] = len(version.tags)
    if version.parts_count and params.get("PartNumber"):
        result["PartsCount"] = version.parts_count
    restore = restore_header(version)
    if restore:
        result["Restore"] = restore
    result.update(encryption.headers(version))
    if params.get("ChecksumMode") == "ENABLED" and not params.get("Range"):
        for name, value in version.checksums.items():
            if version.parts_count is None or name == "CRC64NVME":
                result[f"Checksum{name}"] = value
        if version.parts_count is None and version.checksums:
            result["ChecksumType"] = "FULL_OBJECT"
    for param, field in (
        ("ResponseContentType", "ContentType"),
        ("ResponseContentLanguage", "ContentLanguage"),
        ("ResponseExpires", "Expires"),
        ("ResponseCacheControl", "CacheControl"),
        ("ResponseContentDisposition", "ContentDisposition"),
        ("ResponseContentEncoding", "ContentEncoding"),
    ):
        if params.get(param) is not None:
            result[field] = params[param]
    return result


def restore_header(version: ObjectVersion) -> str | None:
    if version.restore_ongoing:
        return 'ongoing-request="true"'
    if version.is_restored:
        expiry = version.restore_expiry.strftime("%a, %d %b %Y %H:%M:%S GMT")
        return f'ongoing-request="false", expiry-date="{expiry}"'
    return None


def _part_range(version: ObjectVersion, part_number: int) -> tuple[int, int]:
    sizes = version.part_sizes or [version.size]
    if not 1 <= part_number <= len(sizes):
        raise error("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                    PartNumberRequested=part_number, ActualPartCount=len(sizes))  # fmt: skip
    start = sum(sizes[: part_number - 1])
    return start, sizes[part_number - 1]


@operation("s3", "GetObject")
def get_object(ctx: CallContext, params: dict) -> dict:
    bucket, version = _read_object(ctx, params, "s3:GetObject")
    if version.is_archived and not version.is_restored:
        raise error("InvalidObjectState", "The operation is not valid for the object's storage "
                    "class", 403, StorageClass=version.storage_class)  # fmt: skip
    check_read_conditions(version, params)
    result = describe_headers(bucket, version, params)
    start, length = 0, version.size
    if params.get("PartNumber"):
        start, length = _part_range(version, params["PartNumber"])
        result["PartsCount"] = version.parts_count or 1
        if version.parts_count:
            result["ContentRange"] = f"bytes {start}-{start + length - 1}/{version.size}"
            result["StatusCode"] = 206
    elif params.get("Range"):
        found = parse_range(params["Range"], version.size)
        if found is not None:
            start, length = found
            result["ContentRange"] = f"bytes {start}-{start + length - 1}/{version.size}"
            result["StatusCode"] = 206
    result["ContentLength"] = length
    result["Body"] = storage.BlobReader(version.blob, start, length)
    return result


@operation("s3", "HeadObject", iam_action="s3:GetObject")
def head_object(ctx: CallContext, params: dict) -> dict:
    bucket, version = _read_object(ctx, params, "s3:GetObject")
    check_read_conditions(version, params)
    result = describe_headers(bucket, version, params)
    if params.get("PartNumber"):
        start, length = _part_range(version, params["PartNumber"])
        result["ContentLength"] = length
        result["PartsCount"] = version.parts_count or 1
    elif params.get("Range"):
        found = parse_range(params["Range"], version.size)
        if found is not None:
            result["ContentLength"] = found[1]
            result["ContentRange"] = f"bytes {found[0]}-{sum(found) - 1}/{version.size}"
    return result


@operation("s3", "DeleteObject")
def delete_object(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    version_id = params.get("VersionId")
    bucket = bucket_for(ctx, params["Bucket"])
    result = versions.delete(bucket, key, version_id, ctx.account.id)
    from services.s3 import notifications

    notifications.record(
        bucket,
        "s3:ObjectRemoved:DeleteMarkerCreated"
        if result.get("DeleteMarker") and version_id is None
        else "s3:ObjectRemoved:Delete",
        None,
        key=key,
        ctx=ctx,
        version_id=result.get("VersionId"),
    )
    if not bucket.versioning and "VersionId" not in (params or {}):
        result.pop("VersionId", None)
    return result


@operation("s3", "DeleteObjects", iam_action="s3:DeleteObject")
def delete_objects(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    request = params.get("Delete") or {}
    items = request.get("Objects") or []
    if not items or len(items) > 1000:
        raise malformed_xml()
    deleted, errors = [], []
    for item in items:
        key, version_id = item.get("Key", ""), item.get("VersionId")
        action = "s3:DeleteObjectVersion" if version_id is not None else "s3:DeleteObject"
        try:
            # Each key is authorized on its own: a refusal is that key's error.
            authz.authorize(ctx, action, [access.object_arn(bucket.name, key)], params)
            done = versions.delete(bucket, key, version_id, ctx.account.id)
        except Exception as exc:  # an AwsError for one key is reported, not raised
            code = getattr(exc, "code", "InternalError")
            message = getattr(exc, "message", "We encountered an internal error.")
            errors.append({"Key": key, "Code": code, "Message": message,
                           **({"VersionId": version_id} if version_id else {})})  # fmt: skip
            continue
        from services.s3 import notifications

        notifications.record(
            bucket,
            "s3:ObjectRemoved:DeleteMarkerCreated"
            if done.get("DeleteMarker") and version_id is None
            else "s3:ObjectRemoved:Delete",
            None,
            key=key,
            ctx=ctx,
            version_id=done.get("VersionId"),
        )
        entry: dict = {"Key": key}
        if version_id is not None:
            entry["VersionId"] = version_id
            if done.get("DeleteMarker"):
                entry["DeleteMarker"] = True
                entry["DeleteMarkerVersionId"] = version_id
        elif done.get("DeleteMarker"):
            entry["DeleteMarker"] = True
            entry["DeleteMarkerVersionId"] = done["VersionId"]
        deleted.append(entry)
    result: dict = {}
    if not request.get("Quiet"):
        result["Deleted"] = deleted
    if errors:
        result["Errors"] = errors
    return result


def parse_copy_source(text: str) -> tuple[str, str, str | None]:
    """x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, "?versionId=..."."""
    source, _, query = text.partition("?")
    source = unquote(source).lstrip("/")
    bucket, _, key = source.partition("/")
    if not bucket or not key or "\x00" in source:
        raise invalid_argument("Invalid copy source object key", "x-amz-copy-source", text)
    version_id = dict(parse_qsl(query)).get("versionId") if query else None
    return bucket, key, version_id


def read_source(ctx: CallContext, params: dict) -> tuple[Bucket, ObjectVersion]:
    """The object a copy reads (authorized like a GET of it before the call ran)."""
    name, key, version_id = parse_copy_source(params["CopySource"])
    bucket = bucket_for(ctx, name)
    version = versions.find(bucket, key, version_id)
    if version.is_archived and not version.is_restored:
        raise error("InvalidObjectState", "The source object of the COPY action is not in the "
                    "active tier and is only stored in Amazon S3 Glacier.", 403,
                    StorageClass=version.storage_class)  # fmt: skip
    check_read_conditions(
        version,
        {
            "IfMatch": params.get("CopySourceIfMatch"),
            "IfNoneMatch": params.get("CopySourceIfNoneMatch"),
            "IfModifiedSince": params.get("CopySourceIfModifiedSince"),
            "IfUnmodifiedSince": params.get("CopySourceIfUnmodifiedSince"),
        },
        copy=True,
    )
    return bucket, version


@operation("s3", "CopyObject", iam_action="s3:PutObject")
def copy_object(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    check_key(key)
    source_bucket, source = read_source(ctx, params)
    bucket = bucket_for(ctx, params["Bucket"])
    if source.size > MAX_PUT:
        raise invalid_argument(
            "The specified copy source is larger than the maximum allowable size for a copy "
            f"source: {MAX_PUT}"
        )
    directive = params.get("MetadataDirective") or "COPY"
    tagging = params.get("TaggingDirective") or "COPY"
    if directive not in ("COPY", "REPLACE") or tagging not in ("COPY", "REPLACE"):
        raise invalid_argument("Unknown metadata directive.", "x-amz-metadata-directive",
                               directive)  # fmt: skip
    same = source_bucket.pk == bucket.pk and source.key == key and source.is_latest
    changes = directive == "REPLACE" or any(
        params.get(p)
        for p in ("StorageClass", "WebsiteRedirectLocation", "ServerSideEncryption", "SSEKMSKeyId")
    )
    if same and not changes:
        raise error(
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect location "
            "or encryption attributes.",
        )
    if directive == "REPLACE":
        fields = object_attributes({**params, "Tagging": None})
    else:
        fields = {f: getattr(source, f) for f in _META_FIELDS.values()}
        fields["metadata"] = dict(source.metadata)
        fields["storage_class"] = check_storage_class(params.get("StorageClass"))
    fields["storage_class"] = check_storage_class(params.get("StorageClass"))
    if tagging == "REPLACE":
        fields["tags"] = parse_tagging(params.get("Tagging"))
    else:
        fields["tags"] = dict(source.tags)
    grants = grants_from_params(params)
    access.check_acl_allowed(bucket, grants, canned=params.get("ACL") or "")
    sse = encryption.for_write(ctx, bucket, params)
    with storage.new_blob(bucket.account_id) as (blob, out):
        if source.blob:
            storage.copy_into(out, source.blob)
        out.close()
        version = ObjectVersion(
            blob=blob,
            size=source.size,
            etag=source.etag,
            owner_account=ctx.account.id,
            acl=grants,
            checksums=dict(source.checksums),
            parts_count=source.parts_count,
            part_sizes=list(source.part_sizes),
            **fields,
            **sse,
        )
        versions.add_version(bucket, key, version)
        from services.s3 import notifications

        notifications.record(bucket, "s3:ObjectCreated:Copy", version, ctx=ctx)
    result = write_headers(bucket, version)
    result.pop("ETag")
    result["CopyObjectResult"] = {
        "ETag": version.quoted_etag,
        "LastModified": version.last_modified,
    }
    source_version = versions.version_id_out(source_bucket, source)
    if source_version:
        result["CopySourceVersionId"] = source_version
    return result


def md5_etag(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def now() -> dt.datetime:
    return timezone.now()
