"""Keeping versions (S3-04): what a write or a delete does to a key's versions under
each versioning state, and finding the version a request names.

- Never versioned: one "null" version per key; a write replaces it, a delete removes it.
- Enabled: every write adds a version with a new id; a delete adds a delete marker.
- Suspended: a write or a delete replaces the "null" version (a delete marker then);
  versions with ids stay.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from services.s3 import storage
from services.s3.common import new_version_id
from services.s3.errors import error, invalid_version, no_such_key, no_such_version
from services.s3.models import Bucket, ObjectVersion


def lock_key(bucket: Bucket, key: str) -> None:
    """Serialise writers of one key until the transaction ends (two racing PUTs would
    otherwise both demote the old latest and both insert a new one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 3))", [f"{bucket.pk}/{key}"]
        )


def latest(bucket: Bucket, key: str) -> ObjectVersion | None:
    return ObjectVersion.objects.filter(bucket=bucket, key=key, is_latest=True).first()


def version_id_out(bucket: Bucket, version: ObjectVersion) -> str | None:
    """The x-amz-version-id S3 reports: none for a bucket that was never versioned."""
    if not bucket.versioning:
        return None
    return version.version_id


def find(bucket: Bucket, key: str, version_id: str | None) -> ObjectVersion:
    """The version a GET or HEAD names, or S3's error for it. A key whose latest
    version is a delete marker is NoSuchKey (with x-amz-delete-marker); naming a delete
    marker by id is MethodNotAllowed."""
    if version_id is None:
        found = latest(bucket, key)
        if found is None:
            raise no_such_key(key)
        if found.is_delete_marker:
            raise error(
                "NoSuchKey",
                "The specified key does not exist.",
                404,
                headers=_marker_headers(bucket, found),
                Key=key,
            )
        return found
    if version_id != "null" and len(version_id) != 32:
        raise invalid_version(version_id)
    found = ObjectVersion.objects.filter(bucket=bucket, key=key, version_id=version_id).first()
    if found is None:
        raise no_such_version(key, version_id)
    if found.is_delete_marker:
        raise error(
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            405,
            headers={**_marker_headers(bucket, found), "Allow": "DELETE"},
            Method="GET",
            ResourceType="DeleteMarker",
        )
    return found


def _marker_headers(bucket: Bucket, marker: ObjectVersion) -> dict[str, str]:
    headers = {"x-amz-delete-marker": "true"}
    if bucket.versioning:
        headers["x-amz-version-id"] = marker.version_id
    return headers


def _demote(bucket: Bucket, key: str) -> None:
    ObjectVersion.objects.filter(bucket=bucket, key=key, is_latest=True).update(is_latest=False)


def _drop_null(bucket: Bucket, key: str) -> None:
    null = ObjectVersion.objects.filter(bucket=bucket, key=key, version_id="null").first()
    if null is not None:
        storage.unlink_on_commit(null.blob)
        null.delete()


def add_version(bucket: Bucket, key: str, version: ObjectVersion) -> ObjectVersion:
    """Make `version` (unsaved, with its body placed) the key's latest version."""
    lock_key(bucket, key)
    if bucket.versioning == "Enabled":
        version.version_id = new_version_id()
    else:
        version.version_id = "null"
        _drop_null(bucket, key)
    _demote(bucket, key)
    version.bucket = bucket
    version.key = key
    version.is_latest = True
    version.last_modified = timezone.now()
    version.save()
    if not version.is_delete_marker:
        from services.s3 import lifecycle

        lifecycle.object_written(bucket)
    return version


def delete(bucket: Bucket, key: str, version_id: str | None, owner_account: str) -> dict:
    """DeleteObject's effect and its output (DeleteMarker, VersionId)."""
    lock_key(bucket, key)
    if version_id is not None:
        if version_id != "null" and len(version_id) != 32:
            raise invalid_version(version_id)
        found = ObjectVersion.objects.filter(bucket=bucket, key=key, version_id=version_id).first()
        result: dict = {"VersionId": version_id}
        if found is None:
            return result
        if found.is_delete_marker:
            result["DeleteMarker"] = True
        storage.unlink_on_commit(found.blob)
        was_latest = found.is_latest
        found.delete()
        if was_latest:
            promote(bucket, key)
        return result
    if not bucket.versioning:
        current = latest(bucket, key)
        if current is not None:
            storage.unlink_on_commit(current.blob)
            current.delete()
        return {}
    marker = ObjectVersion(
        is_delete_marker=True, owner_account=owner_account, storage_class="", size=0
    )
    add_version(bucket, key, marker)
    return {"DeleteMarker": True, "VersionId": marker.version_id}


def promote(bucket: Bucket, key: str) -> None:
    """After the latest version was deleted, the newest remaining one becomes latest."""
    newest = ObjectVersion.objects.filter(bucket=bucket, key=key).order_by("-pk").first()
    if newest is not None:
        ObjectVersion.objects.filter(pk=newest.pk).update(is_latest=True)
