"""S3 event notifications: PutBucketNotificationConfiguration and Get, and the events
object writes and deletes send.

A configuration names destinations (SQS queues, SNS topics; Lambda functions are
refused until Lambda exists, as AWS refuses a function it cannot invoke), the events
each wants (s3:ObjectCreated:*, s3:ObjectRemoved:*, ...) and an optional key filter
(one prefix and/or one suffix rule). S3 checks it as AWS does: configurations of one
bucket may not overlap (a common event type and overlapping prefixes and suffixes), and
each destination must accept a test message (s3:TestEvent) from S3 for this bucket.

Object writes and deletes call `record`, inside their transaction: the event message
(AWS's shape, eventVersion 2.1) is built for every matching configuration and sent by
the worker after the call commits (notifications_delivery.send_later). With
EventBridgeConfiguration on, every event also goes to the default event bus.
The bucket's last deliveries are kept in `notification["Deliveries"]` for the console.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
from urllib.parse import quote_plus

from django.db import connection

from services.core.context import CallContext
from services.core.operations import operation
from services.s3 import notifications_delivery as delivery
from services.s3.common import bucket_for
from services.s3.errors import error, invalid_argument
from services.s3.models import Bucket, ObjectVersion, canonical_user_id

KEEP = 50  # deliveries kept for the console
KINDS = delivery.KINDS
FILTER_VALUE_MAX = 1024


def _ts(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def _event_matches(wanted: str, event: str) -> bool:
    """`s3:ObjectCreated:*` covers every s3:ObjectCreated: event."""
    if wanted.endswith(":*"):
        return event.startswith(wanted[:-1])
    return wanted == event


def _events_overlap(a: str, b: str) -> bool:
    return _event_matches(a, b) or _event_matches(b, a)


def _rules(item: dict) -> dict[str, str]:
    """{"prefix": ..., "suffix": ...} of a configuration (as stored, names normalized)."""
    found: dict[str, str] = {}
    for rule in ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []:
        found[str(rule.get("Name") or "").lower()] = str(rule.get("Value") or "")
    return found


def _key_matches(item: dict, key: str) -> bool:
    rules = _rules(item)
    return key.startswith(rules.get("prefix", "")) and key.endswith(rules.get("suffix", ""))


def _overlap(a: dict, b: dict) -> bool:
    """AWS's rule: two configurations overlap when they share an event type and both
    their prefixes (one starts the other) and their suffixes (one ends the other)
    overlap; a missing rule overlaps everything."""
    if not any(_events_overlap(x, y) for x in a.get("Events", []) for y in b.get("Events", [])):
        return False
    ra, rb = _rules(a), _rules(b)
    pa, pb = ra.get("prefix", ""), rb.get("prefix", "")
    sa, sb = ra.get("suffix", ""), rb.get("suffix", "")
    prefixes = pa.startswith(pb) or pb.startswith(pa)
    suffixes = sa.endswith(sb) or sb.endswith(sa)
    return prefixes and suffixes


def _new_id() -> str:
    """S3 names an unnamed configuration with a base64 of a random UUID."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode().rstrip("=")


def _normalize(kind: str, arn_field: str, item: dict) -> dict:
    out: dict = {"Id": item.get("Id") or _new_id(), arn_field: item.get(arn_field, "")}
    out["Events"] = list(dict.fromkeys(item.get("Events") or []))
    rules = ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules")
    if rules is not None:
        seen: set[str] = set()
        normalized = []
        for rule in rules:
            name = str(rule.get("Name") or "")
            value = str(rule.get("Value") or "")
            lowered = name.lower()
            if lowered not in ("prefix", "suffix"):
                raise invalid_argument(
                    "filter rule name must be either prefix or suffix", "FilterRule", name
                )
            if lowered in seen:
                raise invalid_argument(
                    f"Cannot specify more than one {lowered} rule in a filter.", "FilterRule", name
                )
            if len(value) > FILTER_VALUE_MAX:
                raise invalid_argument(
                    "The filter rule value is too long", "FilterRule", value[:FILTER_VALUE_MAX]
                )
            seen.add(lowered)
            # S3 answers the names capitalized, whatever case they were sent in
            normalized.append({"Name": lowered.capitalize(), "Value": value})
        out["Filter"] = {"Key": {"FilterRules": normalized}}
    return out


def validate(config: dict) -> dict:
    """The configuration as stored, or S3's InvalidArgument."""
    stored: dict = {}
    everything: list[dict] = []
    ids: set[str] = set()
    for kind, arn_field, _ in KINDS:
        items = config.get(kind) or []
        if not items:
            continue
        normalized = [_normalize(kind, arn_field, item) for item in items]
        for item in normalized:
            if not item["Events"]:
                raise invalid_argument("The event is not supported for notifications", "Event", "")
            if item["Id"] in ids:
                raise invalid_argument("Same ID used for multiple configurations", "Id", item["Id"])
            ids.add(item["Id"])
        stored[kind] = normalized
        everything += normalized
    for i, a in enumerate(everything):
        for b in everything[i + 1 :]:
            if _overlap(a, b):
                raise invalid_argument(
                    "Configurations overlap. Configurations on the same bucket cannot share a "
                    "common event type."
                )
    if config.get("EventBridgeConfiguration") is not None:
        stored["EventBridgeConfiguration"] = {}
    return stored


def test_event(bucket: Bucket, ctx: CallContext) -> str:
    return json.dumps(
        {
            "Service": "Amazon S3",
            "Event": "s3:TestEvent",
            "Time": _ts(dt.datetime.now(dt.UTC)),
            "Bucket": bucket.name,
            "RequestId": ctx.request_id,
            "HostId": _host_id(ctx.request_id),
        }
    )


def _host_id(request_id: str) -> str:
    return base64.b64encode(uuid.uuid5(uuid.NAMESPACE_URL, request_id).bytes * 3).decode()


def _check_destinations(bucket: Bucket, ctx: CallContext, stored: dict) -> None:
    """Send each destination the test event; the ones that refuse are S3's
    "Unable to validate" error, each named with its reason."""
    problems: list[tuple[str, str]] = []
    body = test_event(bucket, ctx)
    sent: set[str] = set()
    for kind, arn_field, service in KINDS:
        for item in stored.get(kind) or []:
            arn = item[arn_field]
            if arn in sent:
                continue
            sent.add(arn)
            if not arn.startswith(f"arn:aws:{service}:") or arn.count(":") < 5:
                problems.append((arn, f"The destination {delivery.NOUN[service]} does not exist"))
                continue
            try:
                delivery.send(
                    service, arn, body, bucket_name=bucket.name, account_id=bucket.account_id
                )
            except delivery.Undeliverable as problem:
                problems.append((arn, problem.reason))
    if problems:
        fields: dict[str, str] = {}
        for n, (arn, reason) in enumerate(problems, start=1):
            fields[f"ArgumentName{n}"] = arn
            fields[f"ArgumentValue{n}"] = reason
        raise error(
            "InvalidArgument",
            "Unable to validate the following destination configurations",
            **fields,
        )


@operation("s3", "PutBucketNotificationConfiguration", iam_action="s3:PutBucketNotification")
def put_notification(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    stored = validate(dict(params.get("NotificationConfiguration") or {}))
    if not params.get("SkipDestinationValidation"):
        _check_destinations(bucket, ctx, stored)
    stored["Deliveries"] = (bucket.notification or {}).get("Deliveries", [])
    bucket.notification = stored
    bucket.save(update_fields=["notification"])
    return {}


@operation("s3", "GetBucketNotificationConfiguration", iam_action="s3:GetBucketNotification")
def get_notification(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    config = dict(bucket.notification or {})
    config.pop("Deliveries", None)
    return config


# --- the events object writes and deletes send -------------------------------------------

_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "POST Object",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
    "s3:ObjectRemoved:Delete": "DeleteObject",
    "s3:ObjectRemoved:DeleteMarkerCreated": "DeleteObject",
}


def _principal_id(ctx: CallContext | None, account_id: str) -> str:
    if ctx is None or ctx.principal.kind == "Anonymous":
        return "ANONYMOUS_PRINCIPAL" if ctx is not None else f"AWS:{account_id}"
    principal = ctx.principal
    if principal.is_root:
        return f"AWS:{principal.account_id}"
    return f"AWS:{principal.account_id}:{principal.name}"


def _sequencer() -> str:
    return f"{time.time_ns():016X}"


def _object_part(event: str, key: str, version: ObjectVersion | None, version_id: str | None,
                 versioned: bool, sequencer: str) -> dict:  # fmt: skip
    part: dict = {"key": quote_plus(key, safe="/")}
    if event.startswith("s3:ObjectCreated:") and version is not None:
        part["size"] = version.size
        part["eTag"] = version.etag
    if version_id and versioned:
        part["versionId"] = version_id
    part["sequencer"] = sequencer
    return part


def _record(bucket: Bucket, event: str, item: dict, obj: dict, ctx: CallContext | None,
            moment: dt.datetime) -> dict:  # fmt: skip
    request_id = ctx.request_id if ctx is not None else ""
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": bucket.region,
        "eventTime": _ts(moment),
        "eventName": event.removeprefix("s3:"),
        "userIdentity": {"principalId": _principal_id(ctx, bucket.account_id)},
        "requestParameters": {"sourceIPAddress": ctx.source_ip if ctx else "127.0.0.1"},
        "responseElements": {
            "x-amz-request-id": request_id,
            "x-amz-id-2": _host_id(request_id),
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": item.get("Id", ""),
            "bucket": {
                "name": bucket.name,
                "ownerIdentity": {"principalId": canonical_user_id(bucket.account_id)},
                "arn": f"arn:aws:s3:::{bucket.name}",
            },
            "object": obj,
        },
    }


def _eventbridge_detail(bucket: Bucket, event: str, key: str, version: ObjectVersion | None,
                        version_id: str | None, sequencer: str,
                        ctx: CallContext | None) -> tuple[str, dict]:  # fmt: skip
    obj: dict = {"key": key}
    created = event.startswith("s3:ObjectCreated:")
    if created and version is not None:
        obj.update({"size": version.size, "etag": version.etag})
    if version_id and bucket.versioning:
        obj["version-id"] = version_id
    obj["sequencer"] = sequencer
    detail: dict = {
        "version": "0",
        "bucket": {"name": bucket.name},
        "object": obj,
        "request-id": ctx.request_id if ctx else "",
        "requester": ctx.principal.account_id if ctx else bucket.account_id,
        "source-ip-address": ctx.source_ip if ctx else "127.0.0.1",
        "reason": _REASONS.get(event, event.removeprefix("s3:")),
    }
    if not created:
        detail["deletion-type"] = (
            "Delete Marker Created"
            if event.endswith("DeleteMarkerCreated")
            else "Permanently Deleted"
        )
    return ("Object Created" if created else "Object Deleted"), detail


def record(bucket: Bucket, event: str, version: ObjectVersion | None, *, key: str = "",
           ctx: CallContext | None = None, version_id: str | None = None) -> None:  # fmt: skip
    """Send the event `event` on `key` (or `version`'s key) to every configuration of
    the bucket that wants it: after the call commits, from the worker."""
    config = bucket.notification or {}
    wanted = [
        (kind, arn_field, service, item)
        for kind, arn_field, service in KINDS
        for item in config.get(kind) or []
        if any(_event_matches(w, event) for w in item.get("Events", []))
    ]
    eventbridge = config.get("EventBridgeConfiguration") is not None
    if not wanted and not eventbridge:
        return
    key = version.key if version is not None else key
    if version is not None and version_id is None:
        version_id = version.version_id or None
    moment = dt.datetime.now(dt.UTC)
    sequencer = _sequencer()
    obj = _object_part(event, key, version, version_id, bool(bucket.versioning), sequencer)
    deliveries, log = [], []
    for _kind, arn_field, service, item in wanted:
        if not _key_matches(item, key):
            continue
        arn = item.get(arn_field, "")
        body = json.dumps({"Records": [_record(bucket, event, item, obj, ctx, moment)]})
        deliveries.append(
            {
                "service": service,
                "arn": arn,
                "body": body,
                "bucket_name": bucket.name,
                "account_id": bucket.account_id,
            }
        )
        log.append({"eventTime": _ts(moment), "eventName": event.removeprefix("s3:"), "key": key,
                    "destination": arn, "configurationId": item.get("Id", "")})  # fmt: skip
    if eventbridge:
        detail_type, detail = _eventbridge_detail(
            bucket, event, key, version, version_id, sequencer, ctx
        )
        delivery.emit_to_eventbridge(
            bucket.account_id,
            bucket.region,
            source="aws.s3",
            detail_type=detail_type,
            detail=detail,
            resources=[f"arn:aws:s3:::{bucket.name}"],
        )
        log.append({"eventTime": _ts(moment), "eventName": event.removeprefix("s3:"), "key": key,
                    "destination": "EventBridge", "configurationId": ""})  # fmt: skip
    if not log:
        return
    delivery.send_later(deliveries)
    _append_deliveries(bucket, log)
    kept = (list(config.get("Deliveries") or []) + log)[-KEEP:]
    bucket.notification = {**config, "Deliveries": kept}


def _append_deliveries(bucket: Bucket, log: list[dict]) -> None:
    """Add to the bucket's delivery log in one statement that touches only that key, so
    a configuration another call saves meanwhile is not written back over."""
    table = connection.ops.quote_name(Bucket._meta.db_table)
    column = connection.ops.quote_name(Bucket._meta.get_field("notification").column)
    pk = connection.ops.quote_name(Bucket._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET {column} = jsonb_set(
                    coalesce({column}, '{{}}'::jsonb), '{{Deliveries}}',
                    coalesce((SELECT jsonb_agg(e ORDER BY i) FROM jsonb_array_elements(
                        coalesce({column} -> 'Deliveries', '[]'::jsonb) || %s::jsonb
                    ) WITH ORDINALITY AS t(e, i)
                    WHERE i > jsonb_array_length(
                        coalesce({column} -> 'Deliveries', '[]'::jsonb) || %s::jsonb) - %s
                    ), '[]'::jsonb))
                WHERE {pk} = %s""",
            [json.dumps(log), json.dumps(log), KEEP, bucket.pk],
        )
