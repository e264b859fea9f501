"""Listing keys: ListObjectsV2, ListObjects (v1, markers) and ListObjectVersions.

Keys come back in UTF-8 byte order (the "C" collation of the key column). With a
delimiter, keys sharing a prefix up to the delimiter roll up into one CommonPrefix,
which counts once against MaxKeys; the listing then jumps past the whole prefix
instead of reading every key under it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

from services.core.context import CallContext
from services.core.operations import operation
from services.s3.common import bucket_for, encode_key, owner
from services.s3.errors import invalid_argument
from services.s3.models import Bucket, ObjectVersion

BATCH = 1000


def _after_prefix(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    last = prefix[-1]
    return prefix[:-1] + chr(ord(last) + 1)


def _check_max_keys(value: int | None) -> int:
    if value is None:
        return 1000
    if value < 0:
        raise invalid_argument("Argument maxKeys must be an integer between 0 and 2147483647",
                               "maxKeys", value)  # fmt: skip
    return min(value, 1000)


def _walk(
    qs, prefix: str, delimiter: str, after: str, *, inclusive: bool = False
) -> Iterator[tuple[str, ObjectVersion | None]]:
    """(key, row) for keys after `after`, or (common prefix, None) for rolled-up keys,
    in order. `qs` is already restricted to what is listed (latest versions, ...)."""
    position, include = after, inclusive
    if delimiter and after.startswith(prefix) and after.endswith(delimiter):
        # Resuming after a common prefix (a token or marker naming it) skips all of it.
        if after.find(delimiter, len(prefix)) == len(after) - len(delimiter):
            position, include = _after_prefix(after), True
    while True:
        page = qs.filter(key__startswith=prefix) if prefix else qs
        page = page.filter(key__gte=position) if include else page.filter(key__gt=position)
        rows = list(page.order_by("key", "-pk")[:BATCH])
        if not rows:
            return
        jumped = False
        for row in rows:
            if delimiter:
                cut = row.key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = row.key[: cut + len(delimiter)]
                    yield common, None
                    position, include, jumped = _after_prefix(common), True, True
                    break
            yield row.key, row
            position, include = row.key, False
        if not jumped and len(rows) < BATCH:
            return


def _latest(bucket: Bucket):
    return ObjectVersion.objects.filter(bucket=bucket, is_latest=True, is_delete_marker=False)


def _content(row: ObjectVersion, encoding: str | None, fetch_owner: bool) -> dict:
    item = {
        "Key": encode_key(row.key, encoding),
        "LastModified": row.last_modified,
        "ETag": row.quoted_etag,
        "Size": row.size,
        "StorageClass": row.storage_class or "STANDARD",
    }
    if row.checksums and row.parts_count is None:
        item["ChecksumAlgorithm"] = sorted(row.checksums)[:1]
        item["ChecksumType"] = "FULL_OBJECT"
    if fetch_owner:
        item["Owner"] = owner(row.owner_account)
    if row.restore_ongoing or row.is_restored:
        item["RestoreStatus"] = {"IsRestoreInProgress": row.restore_ongoing}
        if row.is_restored:
            item["RestoreStatus"]["RestoreExpiryDate"] = row.restore_expiry
    return item


def _check_encoding(params: dict) -> str | None:
    encoding = params.get("EncodingType")
    if encoding is not None and encoding != "url":
        raise invalid_argument("Invalid Encoding Method specified in Request", "encoding-type",
                               encoding)  # fmt: skip
    return encoding


def _collect(walker, limit: int):
    contents, prefixes, last, truncated = [], [], None, False
    for name, row in walker:
        if len(contents) + len(prefixes) >= limit:
            truncated = True
            break
        if row is None:
            prefixes.append(name)
        else:
            contents.append(row)
        last = name
    return contents, prefixes, last, truncated


@operation("s3", "ListObjectsV2", iam_action="s3:ListBucket")
def list_objects_v2(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    encoding = _check_encoding(params)
    limit = _check_max_keys(params.get("MaxKeys"))
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    token = params.get("ContinuationToken")
    start_after = params.get("StartAfter") or ""
    after = start_after
    if token is not None:
        try:
            after = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
            if not after or "\x00" in after:
                raise ValueError(token)
        except (ValueError, UnicodeDecodeError):
            raise invalid_argument("The continuation token provided is incorrect",
                                   "continuation-token", token) from None  # fmt: skip
    contents, prefixes, last, truncated = (
        _collect(_walk(_latest(bucket), prefix, delimiter, after), limit) if limit else
        ([], [], None, _latest(bucket).filter(key__startswith=prefix, key__gt=after).exists())
    )  # fmt: skip
    result: dict = {
        "Name": bucket.name,
        "Prefix": encode_key(prefix, encoding),
        "MaxKeys": params.get("MaxKeys", 1000),
        "KeyCount": len(contents) + len(prefixes),
        "IsTruncated": truncated,
        "Contents": [_content(r, encoding, bool(params.get("FetchOwner"))) for r in contents],
        "CommonPrefixes": [{"Prefix": encode_key(p, encoding)} for p in prefixes],
    }
    if delimiter:
        result["Delimiter"] = encode_key(delimiter, encoding)
    if encoding:
        result["EncodingType"] = encoding
    if token is not None:
        result["ContinuationToken"] = token
    if start_after:
        result["StartAfter"] = encode_key(start_after, encoding)
    if truncated and last is not None:
        result["NextContinuationToken"] = base64.urlsafe_b64encode(last.encode()).decode()
    if not result["Contents"]:
        del result["Contents"]
    if not result["CommonPrefixes"]:
        del result["CommonPrefixes"]
    return result


@operation("s3", "ListObjects", iam_action="s3:ListBucket")
def list_objects(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    encoding = _check_encoding(params)
    limit = _check_max_keys(params.get("MaxKeys"))
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    marker = params.get("Marker") or ""
    contents, prefixes, last, truncated = _collect(
        _walk(_latest(bucket), prefix, delimiter, marker), limit
    )
    result: dict = {
        "Name": bucket.name,
        "Prefix": encode_key(prefix, encoding),
        "Marker": encode_key(marker, encoding),
        "MaxKeys": params.get("MaxKeys", 1000),
        "IsTruncated": truncated,
        "Contents": [_content(r, encoding, True) for r in contents],
        "CommonPrefixes": [{"Prefix": encode_key(p, encoding)} for p in prefixes],
    }
    if delimiter:
        result["Delimiter"] = encode_key(delimiter, encoding)
        if truncated and last is not None:
            result["NextMarker"] = encode_key(last, encoding)
    if encoding:
        result["EncodingType"] = encoding
    if not result["Contents"]:
        del result["Contents"]
    if not result["CommonPrefixes"]:
        del result["CommonPrefixes"]
    return result


@operation("s3", "ListObjectVersions", iam_action="s3:ListBucketVersions")
def list_object_versions(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    encoding = _check_encoding(params)
    limit = _check_max_keys(params.get("MaxKeys"))
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    key_marker = params.get("KeyMarker") or ""
    version_marker = params.get("VersionIdMarker") or ""
    if version_marker and not key_marker:
        raise invalid_argument(
            "A version-id marker cannot be specified without a key marker.",
            "version-id-marker",
            version_marker,
        )
    all_versions = ObjectVersion.objects.filter(bucket=bucket)
    entries: list[ObjectVersion] = []
    prefixes: list[str] = []
    truncated = False
    next_key = next_version = None
    # Versions of the marker key older than the marker version come first.
    if key_marker and version_marker:
        marker_row = all_versions.filter(key=key_marker, version_id=version_marker).first()
        if marker_row is not None:
            entries.extend(all_versions.filter(key=key_marker, pk__lt=marker_row.pk)
                           .order_by("-pk")[: limit + 1])  # fmt: skip
    keys = _walk(
        all_versions,
        prefix,
        delimiter,
        key_marker,
    )
    seen: set[str] = set()
    for name, row in keys:
        if len(entries) + len(prefixes) > limit:
            break
        if row is None:
            prefixes.append(name)
            continue
        if name in seen:
            continue
        seen.add(name)
        entries.extend(all_versions.filter(key=name).order_by("-pk"))
    if len(entries) + len(prefixes) > limit:
        truncated = True
        entries = entries[: max(0, limit - len(prefixes))]
        if entries:
            next_key, next_version = entries[-1].key, entries[-1].version_id
    result: dict = {
        "Name": bucket.name,
        "Prefix": encode_key(prefix, encoding),
        "KeyMarker": encode_key(key_marker, encoding),
        "VersionIdMarker": version_marker,
        "MaxKeys": params.get("MaxKeys", 1000),
        "IsTruncated": truncated,
    }
    if delimiter:
        result["Delimiter"] = encode_key(delimiter, encoding)
    if encoding:
        result["EncodingType"] = encoding
    if next_key is not None:
        result["NextKeyMarker"] = encode_key(next_key, encoding)
        result["NextVersionIdMarker"] = next_version
    found_versions, markers = [], []
    for row in entries:
        item = {
            "Key": encode_key(row.key, encoding),
            "VersionId": row.version_id,
            "IsLatest": row.is_latest,
            "LastModified": row.last_modified,
            "Owner": owner(row.owner_account),
        }
        if row.is_delete_marker:
            markers.append(item)
        else:
            item.update({"ETag": row.quoted_etag, "Size": row.size,
                         "StorageClass": row.storage_class or "STANDARD"})  # fmt: skip
            found_versions.append(item)
    if found_versions:
        result["Versions"] = found_versions
    if markers:
        result["DeleteMarkers"] = markers
    if prefixes:
        result["CommonPrefixes"] = [{"Prefix": encode_key(p, encoding)} for p in prefixes]
    return result
