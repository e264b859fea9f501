"""Multipart upload: CreateMultipartUpload, UploadPart, UploadPartCopy,
CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads.

Parts are stored as blobs of their own; Complete writes the object's blob by
concatenating them (in the kernel, with copy_file_range) and removes the parts once
the transaction commits. The ETag is the MD5 of the parts' binary MD5s, then "-" and
the number of parts, as S3 computes it.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from services.core.context import CallContext
from services.core.operations import operation
from services.s3 import access, encryption, storage, versions
from services.s3.common import bucket_for, new_upload_id, owner
from services.s3.conditions import parse_range
from services.s3.errors import error, invalid_argument, malformed_xml, no_such_upload
from services.s3.models import MultipartUpload, ObjectVersion, UploadPart
from services.s3.objects import (
    MAX_OBJECT,
    MAX_PUT,
    _check_md5,
    _jsonable_attributes,
    check_checksums,
    check_key,
    from_jsonable,
    grants_from_params,
    object_attributes,
    read_source,
    spool_body,
    write_headers,
)

MIN_PART = 5 * 1024 * 1024  # every part but the last
MAX_PARTS = 10000
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been "
    "uploaded, or the specified entity tag may not match the part's entity tag."
)


def _upload(bucket, key: str, upload_id: str, *, for_update: bool = False) -> MultipartUpload:
    qs = MultipartUpload.objects.filter(bucket=bucket, key=key, upload_id=upload_id)
    if for_update:
        qs = qs.select_for_update()
    found = qs.first()
    if found is None:
        raise no_such_upload(upload_id)
    return found


@operation("s3", "CreateMultipartUpload", iam_action="s3:PutObject")
def create_multipart_upload(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    check_key(key)
    bucket = bucket_for(ctx, params["Bucket"])
    fields = object_attributes(params)
    grants = grants_from_params(params)
    access.check_acl_allowed(bucket, grants, canned=params.get("ACL") or "")
    sse = encryption.for_write(ctx, bucket, params)
    algorithm = (params.get("ChecksumAlgorithm") or "").upper()
    upload = MultipartUpload.objects.create(
        bucket=bucket,
        key=key,
        upload_id=new_upload_id(),
        owner_account=ctx.account.id,
        storage_class=fields["storage_class"],
        attributes={**_jsonable_attributes(fields), "acl": grants, "sse": sse},
        checksum_algorithm=algorithm,
    )
    result = {"Bucket": bucket.name, "Key": key, "UploadId": upload.upload_id}
    result.update({k: v for k, v in encryption.headers(ObjectVersion(**sse)).items()})
    if algorithm:
        result["ChecksumAlgorithm"] = algorithm
        result["ChecksumType"] = "COMPOSITE"
    return result


def _part_number(params: dict) -> int:
    number = params.get("PartNumber")
    if not isinstance(number, int) or not 1 <= number <= MAX_PARTS:
        raise invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive",
            "partNumber",
            number,
        )
    return number


def _save_part(upload: MultipartUpload, number: int, **fields) -> None:
    old = UploadPart.objects.filter(upload=upload, part_number=number).first()
    if old is not None:
        storage.unlink_on_commit(old.blob)
        old.delete()
    UploadPart.objects.create(upload=upload, part_number=number, **fields)


@operation("s3", "UploadPart", iam_action="s3:PutObject")
def upload_part(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    bucket = bucket_for(ctx, params["Bucket"])
    body = spool_body(params)
    try:
        number = _part_number(params)
        upload = _upload(bucket, key, params["UploadId"])
        if body.size > MAX_PUT:
            raise error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                        400, ProposedSize=body.size, MaxSizeAllowed=MAX_PUT)  # fmt: skip
        _check_md5(params, body)
        checksums = check_checksums(params, body)
    except BaseException:
        body.discard()
        raise
    with storage.placed_blob(body, bucket.account_id) as blob:
        _save_part(upload, number, etag=body.digests.md5_hex, size=body.size, blob=blob,
                   checksums=checksums)  # fmt: skip
    result = {"ETag": f'"{body.digests.md5_hex}"'}
    result.update(upload.attributes.get("sse") and encryption.headers(
        ObjectVersion(**upload.attributes["sse"])) or {})  # fmt: skip
    algorithm = upload.checksum_algorithm
    if algorithm and algorithm in checksums:
        result[f"Checksum{algorithm}"] = checksums[algorithm]
    return result


@operation("s3", "UploadPartCopy", iam_action="s3:PutObject")
def upload_part_copy(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    source_bucket, source = read_source(ctx, params)
    bucket = bucket_for(ctx, params["Bucket"])
    number = _part_number(params)
    upload = _upload(bucket, key, params["UploadId"])
    start, length = 0, source.size
    if params.get("CopySourceRange"):
        found = parse_range(params["CopySourceRange"], source.size)
        if found is None:
            raise invalid_argument("The x-amz-copy-source-range value must be of the form "
                                   "bytes=first-last where first and last are the zero-based "
                                   "offsets of the first and last bytes to copy",
                                   "x-amz-copy-source-range",
                                   params["CopySourceRange"])  # fmt: skip
        start, length = found
    reader = storage.BlobReader(source.blob, start, length)
    body = storage.spool(storage.read_stream(reader, None))
    reader.close()
    with storage.placed_blob(body, bucket.account_id) as blob:
        _save_part(upload, number, etag=body.digests.md5_hex, size=body.size, blob=blob,
                   checksums=body.digests.checksums())  # fmt: skip
    result: dict = {"CopyPartResult": {"ETag": f'"{body.digests.md5_hex}"',
                                       "LastModified": timezone.now()}}  # fmt: skip
    source_version = versions.version_id_out(source_bucket, source)
    if source_version:
        result["CopySourceVersionId"] = source_version
    return result


@operation("s3", "CompleteMultipartUpload", iam_action="s3:PutObject")
def complete_multipart_upload(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    bucket = bucket_for(ctx, params["Bucket"])
    upload = _upload(bucket, key, params["UploadId"], for_update=True)
    listed = (params.get("MultipartUpload") or {}).get("Parts") or []
    if not listed:
        raise malformed_xml()
    numbers = [p.get("PartNumber") for p in listed]
    if any(not isinstance(n, int) for n in numbers):
        raise malformed_xml()
    if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        raise error(
            "InvalidPartOrder",
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
            400,
            UploadId=upload.upload_id,
        )
    stored = {p.part_number: p for p in upload.parts.all()}
    parts: list[UploadPart] = []
    for item in listed:
        part = stored.get(item["PartNumber"])
        etag = (item.get("ETag") or "").strip().strip('"')
        if part is None or etag != part.etag:
            raise error("InvalidPart", INVALID_PART, 400, UploadId=upload.upload_id,
                        PartNumber=item["PartNumber"], ETag=item.get("ETag", ""))  # fmt: skip
        parts.append(part)
    for part in parts[:-1]:
        if part.size < MIN_PART:
            raise error(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed object size.",
                400,
                ProposedSize=part.size,
                MinSizeAllowed=MIN_PART,
                PartNumber=part.part_number,
                ETag=f'"{part.etag}"',
            )
    total = sum(p.size for p in parts)
    if total > MAX_OBJECT:
        raise error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                    400, ProposedSize=total, MaxSizeAllowed=MAX_OBJECT)  # fmt: skip
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(bytes.fromhex(part.etag))
    etag = f"{digest.hexdigest()}-{len(parts)}"
    attributes = from_jsonable(dict(upload.attributes))
    grants = attributes.pop("acl", [])
    sse = attributes.pop("sse", {})
    with storage.new_blob(bucket.account_id) as (blob, out):
        for part in parts:
            storage.copy_into(out, part.blob)
        out.close()
        version = ObjectVersion(
            blob=blob,
            size=total,
            etag=etag,
            owner_account=upload.owner_account,
            acl=grants,
            parts_count=len(parts),
            part_sizes=[p.size for p in parts],
            checksums=_composite(upload, parts),
            **attributes,
            **sse,
        )
        versions.add_version(bucket, key, version)
        storage.unlink_on_commit(*[p.blob for p in upload.parts.all()])
        upload.delete()
    from services.s3 import notifications

    notifications.record(bucket, "s3:ObjectCreated:CompleteMultipartUpload", version, ctx=ctx)
    result = write_headers(bucket, version)
    result.update({"Location": f"/{bucket.name}/{key}", "Bucket": bucket.name, "Key": key})
    for name, value in version.checksums.items():
        result[f"Checksum{name}"] = value
        result["ChecksumType"] = "COMPOSITE"
    return result


def _composite(upload: MultipartUpload, parts: list[UploadPart]) -> dict[str, str]:
    """A composite checksum ("<checksum of the part checksums>-N") for the algorithm the
    upload was created with."""
    import base64
    import zlib

    algorithm = upload.checksum_algorithm
    if not algorithm or any(algorithm not in p.checksums for p in parts):
        return {}
    raw = b"".join(base64.b64decode(p.checksums[algorithm]) for p in parts)
    if algorithm == "CRC32":
        value = zlib.crc32(raw).to_bytes(4, "big")
    elif algorithm == "SHA256":
        value = hashlib.sha256(raw).digest()
    elif algorithm == "SHA1":
        value = hashlib.sha1(raw, usedforsecurity=False).digest()
    elif algorithm == "CRC32C":
        from services.s3.crc import crc32c

        value = crc32c(raw).to_bytes(4, "big")
    else:
        return {}
    return {algorithm: f"{base64.b64encode(value).decode()}-{len(parts)}"}


@operation("s3", "AbortMultipartUpload")
def abort_multipart_upload(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    bucket = bucket_for(ctx, params["Bucket"])
    upload = _upload(bucket, key, params["UploadId"], for_update=True)
    storage.unlink_on_commit(*[p.blob for p in upload.parts.all()])
    upload.delete()
    return {}


def _page_int(params: dict, name: str, wire: str, default: int) -> int:
    value = params.get(name)
    if value is None:
        return default
    if value < 0:
        raise invalid_argument(f"Argument {wire} must be an integer between 0 and 2147483647",
                               wire, value)  # fmt: skip
    return min(value, 1000)


@operation("s3", "ListParts", iam_action="s3:ListMultipartUploadParts")
def list_parts(ctx: CallContext, params: dict) -> dict:
    key = params["Key"]
    bucket = bucket_for(ctx, params["Bucket"])
    upload = _upload(bucket, key, params["UploadId"])
    limit = _page_int(params, "MaxParts", "max-parts", 1000)
    marker = int(params.get("PartNumberMarker") or 0)
    rows = list(upload.parts.filter(part_number__gt=marker).order_by("part_number")[: limit + 1])
    truncated = len(rows) > limit
    rows = rows[:limit]
    result = {
        "Bucket": bucket.name,
        "Key": key,
        "UploadId": upload.upload_id,
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": truncated,
        "Initiator": {"ID": owner(upload.owner_account)["ID"],
                      "DisplayName": owner(upload.owner_account)["DisplayName"]},
        "Owner": owner(upload.owner_account),
        "StorageClass": upload.storage_class,
        "Parts": [
            {"PartNumber": p.part_number, "LastModified": p.last_modified,
             "ETag": f'"{p.etag}"', "Size": p.size}
            for p in rows
        ],
    }  # fmt: skip
    if rows:
        result["NextPartNumberMarker"] = rows[-1].part_number
    if upload.checksum_algorithm:
        result["ChecksumAlgorithm"] = upload.checksum_algorithm
    return result


@operation("s3", "ListMultipartUploads", iam_action="s3:ListBucketMultipartUploads")
def list_multipart_uploads(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    limit = _page_int(params, "MaxUploads", "max-uploads", 1000)
    prefix = params.get("Prefix") or ""
    qs = MultipartUpload.objects.filter(bucket=bucket, key__startswith=prefix)
    key_marker = params.get("KeyMarker") or ""
    if key_marker:
        qs = qs.filter(key__gt=key_marker) | qs.filter(
            key=key_marker, upload_id__gt=params.get("UploadIdMarker") or ""
        )
    rows = list(qs.order_by("key", "initiated", "upload_id")[: limit + 1])
    truncated = len(rows) > limit
    rows = rows[:limit]
    result: dict = {
        "Bucket": bucket.name,
        "KeyMarker": key_marker,
        "UploadIdMarker": params.get("UploadIdMarker") or "",
        "Prefix": prefix,
        "MaxUploads": limit,
        "IsTruncated": truncated,
        "Uploads": [
            {
                "UploadId": u.upload_id,
                "Key": u.key,
                "Initiated": u.initiated,
                "StorageClass": u.storage_class,
                "Owner": owner(u.owner_account),
                "Initiator": owner(u.owner_account),
            }
            for u in rows
        ],
    }
    if truncated and rows:
        result["NextKeyMarker"] = rows[-1].key
        result["NextUploadIdMarker"] = rows[-1].upload_id
    if not result["Uploads"]:
        del result["Uploads"]
    return result
