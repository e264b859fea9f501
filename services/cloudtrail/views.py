"""CloudTrail's Event history: the audit log of the account in one region, with
LookupEvents' lookup attributes and time range, and each event's JSON record."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from services.cloudtrail import errors
from services.cloudtrail.operations import events_for
from services.core import shapes
from services.core.errors import AwsError
from services.core.models import Event
from services.core.views.access import denied, render_denied
from services.core.views.base import (
    breadcrumbs,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)

PAGE_SIZE = 50  # what LookupEvents returns at most per page


def events_url(region: str, event_id: uuid.UUID | str | None = None) -> str:
    """The Event history page or one event's page: the events type's declared pages
    (`Pages` in resources.py) on the generic routes."""
    kwargs = {"region": region, "service": "cloudtrail", "slug": "events"}
    if event_id is None:
        return reverse("console:resource-list", kwargs=kwargs)
    return reverse("console:resource-detail", kwargs={**kwargs, "resource_id": str(event_id)})


# The lookup attributes the console offers, in its order (the model's LookupAttributeKey
# values, with the console's labels).
LOOKUP_LABELS = {
    "ReadOnly": "Read-only",
    "EventName": "Event name",
    "Username": "User name",
    "ResourceType": "Resource type",
    "ResourceName": "Resource name",
    "EventSource": "Event source",
    "AccessKeyId": "AWS access key",
    "EventId": "Event ID",
}


def lookup_attributes() -> list[tuple[str, str]]:
    return shapes.enum_choices("cloudtrail", "LookupAttributeKey", LOOKUP_LABELS)


TIME_RANGES = (
    ("", "Any time"),
    ("30m", "Last 30 minutes"),
    ("1h", "Last hour"),
    ("3h", "Last 3 hours"),
    ("12h", "Last 12 hours"),
    ("1d", "Last day"),
    ("7d", "Last 7 days"),
    ("custom", "Custom range"),
)
_RANGE_DELTAS = {
    "30m": dt.timedelta(minutes=30),
    "1h": dt.timedelta(hours=1),
    "3h": dt.timedelta(hours=3),
    "12h": dt.timedelta(hours=12),
    "1d": dt.timedelta(days=1),
    "7d": dt.timedelta(days=7),
}


def _parse_time(text: str, label: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise errors.InvalidTimeRangeException(f"{label} is not a valid time.") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def lookup_params(query: dict) -> dict:
    """LookupEvents parameters from the page's filter form."""
    params: dict = {}
    attribute, value = query.get("attribute", "EventName"), query.get("value", "").strip()
    if value:
        params["LookupAttributes"] = [{"AttributeKey": attribute, "AttributeValue": value}]
    window = query.get("range", "")
    if window in _RANGE_DELTAS:
        params["StartTime"] = timezone.now() - _RANGE_DELTAS[window]
    elif window == "custom":
        start = _parse_time(query.get("start", ""), "Start time")
        end = _parse_time(query.get("end", ""), "End time")
        if start:
            params["StartTime"] = start
        if end:
            params["EndTime"] = end
    return params


def _user_name(event: Event) -> str:
    """CloudTrail's User name column: the IAM user, or "root" for the root user."""
    return event.user_name or ("root" if event.principal_type == "Root" else "")


def _resource_cells(event: Event) -> tuple[str, str]:
    types = ", ".join(dict.fromkeys(r.get("ResourceType", "") for r in event.resources if r))
    names = ", ".join(r.get("ResourceName", "") for r in event.resources if r)
    return types, names


@console_view
def event_history(request: HttpRequest, region: str) -> HttpResponse:
    query = request.GET
    refused = None
    try:
        params = lookup_params(query)
        refused = denied(request, region, "cloudtrail", "LookupEvents", params)
        events = (
            Event.objects.none() if refused else events_for(console_ctx(request, region), params)
        )
        count = events.count()
    except AwsError as error:
        messages.error(request, f"{error.code}: {error.message}")
        events, count = Event.objects.none(), 0
    pages = max(1, -(-count // PAGE_SIZE))
    page = query.get("page", "1")
    page = min(max(int(page), 1), pages) if page.isdigit() else 1
    rows = []
    for event in events[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        resource_type, resource_name = _resource_cells(event)
        rows.append(
            {
                "event": event,
                "user": _user_name(event),
                "resource_type": resource_type,
                "resource_name": resource_name,
                "url": events_url(region, event.event_id),
            }
        )
    kept = {k: v for k, v in query.items() if k != "page" and v}

    def page_url(n: int) -> str:
        return "?" + urlencode({**kept, "page": n})

    context = {
        "rows": rows,
        "denied": refused,
        "count": count,
        "page": page,
        "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else "",
        "next_url": page_url(page + 1) if page < pages else "",
        "attributes": lookup_attributes(),
        "ranges": TIME_RANGES,
        "attribute": query.get("attribute", "EventName"),
        "value": query.get("value", ""),
        "range": query.get("range", ""),
        "start": query.get("start", ""),
        "end": query.get("end", ""),
        "filtered": bool(kept),
        "breadcrumbs": breadcrumbs(request, "Event history"),
    }
    return render_console(request, "cloudtrail/events.html", context)


def _by_id(event_id: uuid.UUID) -> dict:
    """The LookupEvents call of one event's page."""
    return {"LookupAttributes": [{"AttributeKey": "EventId", "AttributeValue": str(event_id)}]}


@console_view
def event_detail(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    try:
        event_id: uuid.UUID | None = uuid.UUID(resource_id)
    except ValueError:
        event_id = None  # not an event id: no event has it
    refused = denied(
        request, region, "cloudtrail", "LookupEvents", _by_id(event_id) if event_id else {}
    )
    if refused:
        crumb = ("Event history", events_url(region))
        return render_denied(request, refused, title=resource_id, crumbs=(crumb,))
    mine = Event.objects.filter(account_id=request.account.id, region=region)
    event = mine.filter(event_id=event_id).first() if event_id else None
    if event is None:
        return render_not_found(
            request,
            "Event not found",
            f"No event with ID {resource_id} is in the event history of {region}.",
        )
    resource_type, resource_name = _resource_cells(event)
    context = {
        "event": event,
        "user": _user_name(event),
        "record": event.cloudtrail_record(),
        "events_url": events_url(region),
        "breadcrumbs": breadcrumbs(
            request,
            ("Event history", events_url(region)),
            event.event_name,
        ),
    }
    return render_console(request, "cloudtrail/event_detail.html", context)
