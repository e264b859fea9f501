"""Conditional requests and ranges, as S3 evaluates them.

Reads (GetObject, HeadObject, a copy's source): If-Match and If-Unmodified-Since fail
with 412 PreconditionFailed; If-None-Match and If-Modified-Since answer 304 Not
Modified. If-Match that holds overrides a failing If-Unmodified-Since, and a failing
If-None-Match answers 304 whatever If-Modified-Since says (GetObject API reference).
"""

from __future__ import annotations

import datetime as dt
import re

from services.core.gateway.protocols.values import to_datetime
from services.s3.errors import error
from services.s3.models import Bucket, ObjectVersion

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag_matches(header: str, etag: str) -> bool:
    wanted = [t.strip() for t in header.split(",")]
    return any(t == "*" or t.strip('"') == etag for t in wanted)


def _seconds(value: object) -> dt.datetime | None:
    stamp = to_datetime(value) if value is not None else None
    return stamp.replace(microsecond=0) if stamp else None


def precondition_failed(condition: str) -> Exception:
    return error(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        Condition=condition,
    )


def check_read_conditions(version: ObjectVersion, params: dict, *, copy: bool = False) -> None:
    modified = version.last_modified.replace(microsecond=0)
    if_match = params.get("IfMatch")
    if_none_match = params.get("IfNoneMatch")
    since = _seconds(params.get("IfModifiedSince"))
    unmodified = _seconds(params.get("IfUnmodifiedSince"))
    prefix = "x-amz-copy-source-" if copy else ""
    if if_match is not None:
        if not _etag_matches(if_match, version.etag):
            raise precondition_failed(f"{prefix}If-Match")
    elif unmodified is not None and modified > unmodified:
        raise precondition_failed(f"{prefix}If-Unmodified-Since")
    not_modified = False
    if if_none_match is not None:
        not_modified = _etag_matches(if_none_match, version.etag)
    elif since is not None and modified <= since:
        not_modified = True
    if not_modified:
        if copy:
            raise precondition_failed(f"{prefix}If-None-Match")
        raise error(
            "NotModified",
            "Not Modified",
            304,
            headers={
                "ETag": version.quoted_etag,
                "Last-Modified": modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            },
        )


def check_write_conditions(bucket: Bucket, key: str, params: dict) -> None:
    """Conditional writes: If-None-Match: * refuses to overwrite, If-Match needs the
    current ETag."""
    from services.s3 import versions

    if_none_match = params.get("IfNoneMatch")
    if_match = params.get("IfMatch")
    if if_none_match is None and if_match is None:
        return
    current = versions.latest(bucket, key)
    exists = current is not None and not current.is_delete_marker
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise error("NotImplemented", "A header you provided implies functionality that is "
                        "not implemented", 501, Header="If-None-Match")  # fmt: skip
        if exists:
            raise precondition_failed("If-None-Match")
    if if_match is not None:
        if not exists:
            raise error("NoSuchKey", "The specified key does not exist.", 404, Key=key)
        if not _etag_matches(if_match, current.etag):
            raise precondition_failed("If-Match")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, length) of a single-range header; None for a header S3 ignores (it then
    answers the whole object); InvalidRange when it asks for nothing that exists."""
    found = _RANGE.match(header.strip())
    if not found or (not found.group(1) and not found.group(2)):
        return None
    first, last = found.group(1), found.group(2)
    if first:
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            return None
        if start >= size:
            raise _invalid_range(header, size)
        end = min(end, size - 1)
    else:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise _invalid_range(header, size)
        start = max(0, size - suffix)
        end = size - 1
    return start, end - start + 1


def _invalid_range(header: str, size: int) -> Exception:
    return error(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        RangeRequested=header,
        ActualObjectSize=size,
    )
