"""CloudTrail's event history as a registered resource type: the console's navigation
and search, REST routes (`/api/v1/cloudtrail/events/`, read-only: LookupEvents) and the
OpenAPI schema come from this declaration. The console's list and details pages are the
Event history pages of `services.cloudtrail.views` (its lookup attributes and time
range, the JSON record), declared as the type's `pages` on the generic URLs."""

from __future__ import annotations

from typing import Any

from services.cloudtrail.models import TrailEvent
from services.cloudtrail.operations import lookup_item
from services.core import registry
from services.core.api.serializers import snake_data
from services.core.registry import Column, Listing, Pages, ResourceType, Service

registry.register_service(
    Service(
        "cloudtrail",
        "CloudTrail",
        "Track user activity and API usage",
        "Management & Governance",
    )
)


class EventSerializer:
    """The REST shape of an event: the core fields (`id` is the event id; no ARN, no
    tags), then LookupEvents' `Event` in snake_case (`event_name`, `cloud_trail_event`:
    the JSON record, as AWS gives it)."""

    def __init__(self, event: TrailEvent) -> None:
        self.event = event

    @property
    def data(self) -> dict[str, Any]:
        item = snake_data(lookup_item(self.event))
        item.pop("event_id", None)
        return {
            "id": str(self.event.event_id),
            "arn": None,
            "region": self.event.region,
            "tags": {},
            "created_at": self.event.event_time,
            **item,
        }


def _by_event_id(resource_id: str) -> dict:
    return {"LookupAttributes": [{"AttributeKey": "EventId", "AttributeValue": resource_id}]}


def _lookup(filters: list[dict]) -> dict:
    """LookupEvents parameters from the REST list's query parameters: each one is a
    lookup attribute (`?EventName=CreateVpc`); LookupEvents itself refuses an unknown key
    or more than one attribute (InvalidLookupAttributesException), as AWS does."""
    attributes = [
        {"AttributeKey": f["Name"], "AttributeValue": value}
        for f in filters
        for value in f["Values"]
    ]
    return {"LookupAttributes": attributes} if attributes else {}


EVENTS = registry.register(
    ResourceType(
        service="cloudtrail",
        slug="events",
        model=TrailEvent,
        label="Event",
        label_plural="Event history",
        nav_section="",
        columns=(
            Column("Event name", "event_name", link=True),
            Column("Event time", "event_time", kind="datetime"),
            Column("User name", "user_name"),
            Column("Event source", "event_source"),
            Column("Error code", "error_code"),
        ),
        detail_fields=(
            Column("Event time", "event_time", kind="datetime"),
            Column("User name", "user_name"),
            Column("Event name", "event_name"),
            Column("Event source", "event_source"),
            Column("AWS access key", "access_key_id"),
            Column("Source IP address", "source_ip"),
            Column("Event ID", "resource_id", kind="id"),
            Column("Request ID", "request_id"),
            Column("AWS region", "region"),
            Column("Error code", "error_code"),
            Column("Read-only", "read_only"),
        ),
        serializer=EventSerializer,
        search_fields=("resource_id", "event_name", "user_name"),
        default_ordering="-event_time",
        pages=Pages(
            list="services.cloudtrail.views.event_history",
            detail="services.cloudtrail.views.event_detail",
        ),
        listing=Listing("LookupEvents", "Events"),
        extra={
            # The REST door's "describe one": LookupEvents of that event id.
            "describe_params": _by_event_id,
            "list_params": _lookup,
            "list_doc": "The newest 50 events (one LookupEvents page). One other query "
            "parameter may name a lookup attribute (`EventName=CreateVpc`, `Username`, "
            "`ResourceType`, `ResourceName`, `EventSource`, `AccessKeyId`, `ReadOnly`, "
            "`EventId`); an unknown one or more than one is "
            "`InvalidLookupAttributesException`.",
            # What the OpenAPI schema documents for a listed event.
            "response_shape": ("cloudtrail", "Event", "EventId"),
        },
    )
)
