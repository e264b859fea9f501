"""RestoreObject: a Glacier Flexible Retrieval or Deep Archive object is readable only
through a temporary restored copy (S3-05). The restore is an `ObjectRestore` row moved
by the lifecycle engine: in-progress for as long as the retrieval tier takes, then
restored for the requested number of days, then expired.

Durations: `s3.restore.<tier>` and `s3.restore.deep-archive.<tier>` seconds of
STRATOLAB_LIFECYCLE_SECONDS when set, else S3's typical times (Expedited 1-5 minutes,
Standard 3-5 hours, Bulk 5-12 hours; Deep Archive Standard 12 hours, Bulk 48 hours);
scaled by STRATOLAB_TIME_SCALE. A restored day is a lifecycle day (lifecycle.day()).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from services.core import lifecycle as engine
from services.core.context import CallContext
from services.core.operations import operation
from services.s3 import versions
from services.s3.common import bucket_for
from services.s3.errors import error, invalid_argument, invalid_object_state
from services.s3.lifecycle import day
from services.s3.models import ObjectRestore, ObjectVersion

TIERS = ("Expedited", "Standard", "Bulk")
_TYPICAL = {
    ("GLACIER", "Expedited"): 3 * 60,
    ("GLACIER", "Standard"): 4 * 3600,
    ("GLACIER", "Bulk"): 8 * 3600,
    ("DEEP_ARCHIVE", "Standard"): 12 * 3600,
    ("DEEP_ARCHIVE", "Bulk"): 48 * 3600,
}


def duration(storage_class: str, tier: str) -> dt.timedelta:
    name = "deep-archive." if storage_class == "DEEP_ARCHIVE" else ""
    return engine.duration(f"s3.restore.{name}{tier}", _TYPICAL[(storage_class, tier)])


@operation("s3", "RestoreObject")
def restore_object(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    version = versions.find(bucket, params["Key"], params.get("VersionId"))
    request = params.get("RestoreRequest") or {}
    if request.get("Type") == "SELECT":
        raise error("NotImplemented", "Stratolab does not simulate S3 Select restores.", 501)
    if not version.is_archived:
        raise invalid_object_state(
            version.storage_class, "Restore is not allowed for the object's current storage class"
        )
    days = request.get("Days")
    if days is None or days < 1:
        raise invalid_argument("Days must be specified and be at least 1", "Days", days)
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier")
    tier = tier or "Standard"
    if tier not in TIERS:
        raise error("MalformedXML", "The XML you provided was not well-formed or did not "
                    "validate against our published schema")  # fmt: skip
    if tier == "Expedited" and version.storage_class == "DEEP_ARCHIVE":
        raise invalid_object_state(version.storage_class, "Expedited retrieval is not "
                                   "supported for the DEEP_ARCHIVE storage class")  # fmt: skip
    if version.restore_ongoing:
        raise error("RestoreAlreadyInProgress", "Object restore is already in progress", 409)
    if version.is_restored:
        # Restoring a restored object again only moves its expiry.
        ObjectVersion.objects.filter(pk=version.pk).update(
            restore_expiry=timezone.now() + day() * days
        )
        return {"StatusCode": 200}
    restore = ObjectRestore(
        account_id=bucket.account_id, region=bucket.region, version=version, tier=tier, days=days
    )
    restore.begin("in-progress", save=False)
    restore.due_at = timezone.now() + duration(version.storage_class, tier)
    restore.save()
    engine.schedule(restore)
    ObjectVersion.objects.filter(pk=version.pk).update(restore_ongoing=True)
    return {"StatusCode": 202}


def restore_entered(restore: ObjectRestore, state: str) -> None:
    """The lifecycle engine moved `restore` into `state`."""
    if state == "restored":
        expiry = timezone.now() + day() * restore.days
        ObjectVersion.objects.filter(pk=restore.version_id).update(
            restore_ongoing=False, restore_expiry=expiry
        )
        # The copy expires `days` days from now, not after the default duration.
        restore.due_at = expiry
        restore.save(update_fields=["due_at"])
    elif state == "expired":
        ObjectVersion.objects.filter(pk=restore.version_id).update(restore_expiry=None)
        restore.delete()
