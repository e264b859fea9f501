"""LookupEvents over the audit log: CloudTrail's event history of one region."""

from __future__ import annotations

import json
import uuid

from django.db.models import Q, QuerySet

from services.cloudtrail import errors
from services.core import describe
from services.core.context import CallContext
from services.core.models import Event
from services.core.operations import operation


def _event_id(value: str) -> Q:
    try:
        return Q(event_id=uuid.UUID(value))
    except ValueError:
        return Q(pk__in=[])  # not an event id: no event has it


# LookupAttributes keys and how each reads the event table.
ATTRIBUTES = {
    "EventId": _event_id,
    "EventName": lambda v: Q(event_name=v),
    "ReadOnly": lambda v: Q(read_only=v.lower() == "true"),
    "Username": lambda v: (
        Q(user_name=v)
        | (Q(principal_type="Root") & Q(user_name="") if v == "root" else Q(pk__in=[]))
    ),
    "ResourceType": lambda v: Q(resources__contains=[{"ResourceType": v}]),
    "ResourceName": lambda v: Q(resources__contains=[{"ResourceName": v}]),
    "EventSource": lambda v: Q(event_source=v),
    "AccessKeyId": lambda v: Q(access_key_id=v),
}


def events_for(ctx: CallContext, params: dict) -> QuerySet:
    """The events of the caller's account and region that `params` select, newest first."""
    qs = Event.objects.filter(account_id=ctx.account.id, region=ctx.region)
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise errors.InvalidLookupAttributesException(
            "You cannot specify more than one lookup attribute."
        )
    for attr in attributes:
        build = ATTRIBUTES.get(attr.get("AttributeKey", ""))
        if build is None:
            raise errors.InvalidLookupAttributesException(
                f"Lookup attribute key {attr.get('AttributeKey')} is not valid."
            )
        qs = qs.filter(build(attr.get("AttributeValue", "")))
    start, end = params.get("StartTime"), params.get("EndTime")
    if start and end and start > end:
        raise errors.InvalidTimeRangeException("Start time must be earlier than end time.")
    if start:
        qs = qs.filter(event_time__gte=start)
    if end:
        qs = qs.filter(event_time__lte=end)
    return qs.order_by("-event_time")


def lookup_item(event: Event) -> dict:
    item = {
        "EventId": str(event.event_id),
        "EventName": event.event_name,
        "ReadOnly": "true" if event.read_only else "false",
        "EventTime": event.event_time,
        "EventSource": event.event_source,
        "Username": event.user_name or "root",
        "Resources": [
            {"ResourceType": r.get("ResourceType", ""), "ResourceName": r.get("ResourceName", "")}
            for r in event.resources
        ],
        "CloudTrailEvent": json.dumps(event.cloudtrail_record()),
    }
    if event.access_key_id:
        item["AccessKeyId"] = event.access_key_id
    return item


@operation("cloudtrail", "LookupEvents")
def lookup_events(ctx: CallContext, params: dict) -> dict:
    max_results = params.get("MaxResults") or 50
    if not 1 <= max_results <= 50:
        raise errors.InvalidMaxResultsException("MaxResults must be between 1 and 50.")
    qs = events_for(ctx, params)
    offset = 0
    if params.get("NextToken"):
        invalid = errors.InvalidNextTokenException("Invalid NextToken.")
        offset = describe.read_token(params["NextToken"], "offset", invalid)
    rows = list(qs[offset : offset + max_results + 1])
    result: dict = {"Events": [lookup_item(e) for e in rows[:max_results]]}
    if len(rows) > max_results:
        result["NextToken"] = describe.make_token("offset", offset + max_results)
    return result
