"""Lifecycle rules (S3-05): the configuration operations, and the engine that applies
them, run by the lifecycle engine of services/core (the bucket is `rules-due` until its
next action is due; the scheduled task or the beat sweep then runs `run_rules`).

Time: AWS counts rule days from an object's creation (or from when a version became
noncurrent). One simulated day lasts `s3.lifecycle.day` seconds of
STRATOLAB_LIFECYCLE_SECONDS (86400 by default), scaled by STRATOLAB_TIME_SCALE like
every lifecycle: a lab run at a time scale of 0.001 sees a 30-day transition after 43
minutes; tests run at 0 and see it at once.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from services.core import lifecycle as engine
from services.core.context import CallContext
from services.core.gateway.protocols.values import ISO8601, format_timestamp, to_datetime
from services.core.operations import operation
from services.s3 import storage, versions
from services.s3.common import bucket_for
from services.s3.errors import invalid_argument, malformed_xml, not_configured
from services.s3.models import Bucket, MultipartUpload, ObjectVersion

# Minimum days in STANDARD before a transition to these classes (S3's own rule).
_MIN_TRANSITION_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
TRANSITION_CLASSES = (
    "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
)  # fmt: skip


# S3's schema types every day count as a 32-bit integer: larger ones do not validate.
MAX_DAYS = 2**31 - 1


def day() -> dt.timedelta:
    return engine.duration("s3.lifecycle.day", 86400)


def after(start: dt.datetime, days: int) -> dt.datetime | None:
    """`days` rule-days after `start`, or None when that lies beyond the last date a
    datetime holds (S3 accepts up to 2**31 - 1 days: such a rule is simply never due)."""
    try:
        return start + day() * days
    except OverflowError:
        return None


# --- configuration -------------------------------------------------------------------------


def _count(value: object) -> int | None:
    """A day count as S3's schema reads it: an integer of 32 bits, else MalformedXML."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -MAX_DAYS <= value <= MAX_DAYS:
        raise malformed_xml()
    return value


def _positive(value: object, name: str, message: str) -> int | None:
    days = _count(value)
    if days is not None and days <= 0:
        raise invalid_argument(message, name, days)
    return days


def _date(value: object) -> str | None:
    """A rule's Date as S3 stores and returns it: ISO 8601 text, at midnight UTC."""
    if value is None:
        return None
    found = to_datetime(value)
    if found is None:
        raise malformed_xml()
    text = str(format_timestamp(found, ISO8601))
    if found.astimezone(dt.UTC).time() != dt.time(0):
        raise invalid_argument("'Date' must be at midnight GMT", "Date", text)
    return text


def _check_transitions(rule: dict, field: str, days_name: str, action: str) -> list[dict]:
    checked = []
    for transition in rule.get(field) or []:
        transition = dict(transition)
        storage_class = transition.get("StorageClass")
        if storage_class not in TRANSITION_CLASSES:
            raise malformed_xml()
        days = _count(transition.get(days_name))
        if "Date" in transition or field == "Transitions":
            if (days is None) == (transition.get("Date") is None):
                raise malformed_xml()  # exactly one of Days and Date
        if transition.get("Date") is not None:
            transition["Date"] = _date(transition["Date"])
        if days is not None and days < 0:
            raise invalid_argument(f"'{days_name}' in {action} action must be nonnegative",
                                   days_name, days)  # fmt: skip
        minimum = _MIN_TRANSITION_DAYS.get(storage_class)
        if days is not None and minimum and days < minimum:
            raise invalid_argument(
                f"'{days_name}' in {action} action must be greater than or equal to {minimum} "
                f"for storageClass '{storage_class}'",
                days_name,
                days,
            )
        checked.append(transition)
    return checked


def _check_rule(rule: dict) -> dict:
    """Validate one rule as S3 does; return it as it is stored (dates as text)."""
    rule = dict(rule)
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise malformed_xml()
    if len(rule.get("ID") or "") > 255:
        raise invalid_argument("ID length should not exceed allowed limit of 255", "ID")
    actions = ("Expiration", "Transitions", "NoncurrentVersionExpiration",
               "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload")  # fmt: skip
    if not any(rule.get(a) for a in actions):
        raise malformed_xml()
    if rule.get("Expiration"):
        expiration = rule["Expiration"] = dict(rule["Expiration"])
        chosen = [k for k in ("Days", "Date", "ExpiredObjectDeleteMarker") if k in expiration]
        if len(chosen) > 1:
            raise malformed_xml()  # Days, Date and ExpiredObjectDeleteMarker exclude each other
        _positive(expiration.get("Days"), "Days",
                  "'Days' for Expiration action must be a positive integer")  # fmt: skip
        if "Date" in expiration:
            expiration["Date"] = _date(expiration["Date"])
    expiration = rule.get("Expiration") or {}
    rule["Transitions"] = _check_transitions(rule, "Transitions", "Days", "Transition")
    rule["NoncurrentVersionTransitions"] = _check_transitions(
        rule, "NoncurrentVersionTransitions", "NoncurrentDays", "NoncurrentVersionTransition"
    )
    if rule.get("NoncurrentVersionExpiration"):
        noncurrent = rule["NoncurrentVersionExpiration"]
        message = "'{}' for NoncurrentVersionExpiration action must be a positive integer"
        days = noncurrent.get("NoncurrentDays")
        _positive(0 if days is None else days, "NoncurrentDays", message.format("NoncurrentDays"))
        _positive(noncurrent.get("NewerNoncurrentVersions"), "NewerNoncurrentVersions",
                  message.format("NewerNoncurrentVersions"))  # fmt: skip
    if rule.get("AbortIncompleteMultipartUpload"):
        _positive(rule["AbortIncompleteMultipartUpload"].get("DaysAfterInitiation"),
                  "DaysAfterInitiation", "'DaysAfterInitiation' for "
                  "AbortIncompleteMultipartUpload action must be a positive integer")  # fmt: skip
    if expiration.get("Days") is not None:
        for transition in rule["Transitions"]:
            if transition.get("Days") is not None and transition["Days"] >= expiration["Days"]:
                raise invalid_argument(
                    "'Days' in the Expiration action for filter must be greater than 'Days' in "
                    "the Transition action",
                    "Days",
                    expiration["Days"],
                )
    return {k: v for k, v in rule.items() if v not in (None, [])}


@operation("s3", "PutBucketLifecycleConfiguration", iam_action="s3:PutLifecycleConfiguration")
def put_lifecycle(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], for_update=True)
    rules = (params.get("LifecycleConfiguration") or {}).get("Rules") or []
    if not rules or len(rules) > 1000:
        raise malformed_xml()
    ids = [r.get("ID") for r in rules if r.get("ID")]
    if len(ids) != len(set(ids)):
        raise invalid_argument("RuleId must be unique. Found same ID for more than one rule",
                               "ID")  # fmt: skip
    bucket.lifecycle_rules = [_check_rule(rule) for rule in rules]
    bucket.save(update_fields=["lifecycle_rules"])
    schedule(bucket, timezone.now())
    return {"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}


@operation("s3", "GetBucketLifecycleConfiguration", iam_action="s3:GetLifecycleConfiguration")
def get_lifecycle(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.lifecycle_rules:
        raise not_configured(
            "NoSuchLifecycleConfiguration",
            "The lifecycle configuration does not exist",
            bucket.name,
        )
    return {
        "Rules": bucket.lifecycle_rules,
        "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K",
    }


@operation("s3", "DeleteBucketLifecycle", iam_action="s3:PutLifecycleConfiguration")
def delete_lifecycle(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.lifecycle_rules = None
    bucket.state, bucket.next_state, bucket.due_at = "active", "", None
    bucket.save(update_fields=["lifecycle_rules", "state", "next_state", "due_at"])
    return {}


# --- scheduling ----------------------------------------------------------------------------


def schedule(bucket: Bucket, when: dt.datetime) -> None:
    """Make sure the bucket's rules run no later than `when`."""
    Bucket.objects.filter(pk=bucket.pk).update(
        state="rules-due",
        next_state="active",
        due_at=Least(Coalesce(F("due_at"), when), when),
    )
    fresh = Bucket.objects.get(pk=bucket.pk)
    engine.schedule(fresh)


def object_written(bucket: Bucket) -> None:
    """A new object may be due for a rule: the earliest is one rule-day from now."""
    if not bucket.lifecycle_rules:
        return
    days = [d for r in _enabled(bucket) for d in _rule_days(r)]
    when = after(timezone.now(), min(days)) if days else None
    if when is not None:
        schedule(bucket, when)


def _rule_days(rule: dict) -> list[int]:
    found = []
    if (rule.get("Expiration") or {}).get("Days") is not None:
        found.append(rule["Expiration"]["Days"])
    found += [t["Days"] for t in rule.get("Transitions") or [] if t.get("Days") is not None]
    return found


# --- the engine ----------------------------------------------------------------------------


def _enabled(bucket: Bucket) -> list[dict]:
    return [r for r in bucket.lifecycle_rules or [] if r.get("Status") == "Enabled"]


def _filter_of(rule: dict) -> tuple[str, dict[str, str], int | None, int | None]:
    flt = rule.get("Filter") or {}
    both = flt.get("And") or {}
    prefix = flt.get("Prefix", both.get("Prefix", rule.get("Prefix", ""))) or ""
    tags = {t["Key"]: t.get("Value", "") for t in both.get("Tags") or []}
    if flt.get("Tag"):
        tags[flt["Tag"]["Key"]] = flt["Tag"].get("Value", "")
    greater = flt.get("ObjectSizeGreaterThan", both.get("ObjectSizeGreaterThan"))
    less = flt.get("ObjectSizeLessThan", both.get("ObjectSizeLessThan"))
    return prefix, tags, greater, less


def _applies(rule: dict, version: ObjectVersion) -> bool:
    prefix, tags, greater, less = _filter_of(rule)
    if not version.key.startswith(prefix):
        return False
    if any(version.tags.get(k) != v for k, v in tags.items()):
        return False
    if greater is not None and version.size <= greater:
        return False
    return not (less is not None and version.size >= less)


def _due(start: dt.datetime, days: int | None, date: object) -> dt.datetime | None:
    if days is not None:
        return after(start, days)
    if date is not None:
        return to_datetime(date)
    return None


def run_rules(bucket: Bucket) -> None:
    """Apply the bucket's enabled rules to what is due now, and schedule the next run
    for the earliest action still to come."""
    storage.sweep_orphans()
    rules = _enabled(bucket)
    now = timezone.now()
    upcoming: list[dt.datetime] = []

    def due(when: dt.datetime | None) -> bool:
        if when is None:
            return False
        if when <= now:
            return True
        upcoming.append(when)
        return False

    for key in ObjectVersion.objects.filter(bucket=bucket).values_list("key", flat=True).distinct():
        chain = list(ObjectVersion.objects.filter(bucket=bucket, key=key).order_by("-pk"))
        # Noncurrent versions first: expiring them may leave an expired delete marker.
        for position, version in reversed(list(enumerate(chain))):
            matching = [r for r in rules if _applies(r, version)]
            if not matching:
                continue
            if version.is_latest:
                left = ObjectVersion.objects.filter(bucket=bucket, key=key).count()
                _current(bucket, version, matching, due, left)
            else:
                noncurrent_since = chain[position - 1].last_modified
                _noncurrent(bucket, version, matching, due, noncurrent_since)
    for upload in MultipartUpload.objects.filter(bucket=bucket):
        for rule in rules:
            days = (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")
            prefix = _filter_of(rule)[0]
            if days is not None and upload.key.startswith(prefix):
                if due(after(upload.initiated, days)):
                    storage.unlink_on_commit(*[p.blob for p in upload.parts.all()])
                    upload.delete()
                    break
    future = [u for u in upcoming if u > now]
    if future:
        bucket.begin("rules-due", save=False)
        bucket.due_at = min(future)
        bucket.save(update_fields=["state", "next_state", "due_at", "state_changed_at"])


def _current(bucket, version, rules, due, versions_left: int) -> None:
    if version.is_delete_marker:
        for rule in rules:
            expired_marker = (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker")
            if expired_marker and versions_left == 1:
                version.delete()
                return
        return
    for rule in rules:
        expiration = rule.get("Expiration") or {}
        if due(_due(version.last_modified, expiration.get("Days"), expiration.get("Date"))):
            versions.delete(bucket, version.key, None, bucket.account_id)
            return
    _transition(version, rules, due, version.last_modified, "Transitions")


def _noncurrent(bucket, version, rules, due, since) -> None:
    for rule in rules:
        expiration = rule.get("NoncurrentVersionExpiration") or {}
        if due(_due(since, expiration.get("NoncurrentDays"), None)):
            storage.unlink_on_commit(version.blob)
            version.delete()
            return
    _transition(version, rules, due, since, "NoncurrentVersionTransitions")


def _transition(version, rules, due, start, field) -> None:
    if version.is_delete_marker:
        return
    target = None
    for rule in rules:
        for transition in rule.get(field) or []:
            days = transition.get("Days", transition.get("NoncurrentDays"))
            if due(_due(start, days, transition.get("Date"))):
                target = transition["StorageClass"]
    if target and target != version.storage_class:
        ObjectVersion.objects.filter(pk=version.pk).update(storage_class=target)
