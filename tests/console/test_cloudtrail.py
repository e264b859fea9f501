"""CloudTrail's Event history page: the audit log of the account in one region, its
lookup attributes and time range, and each event's JSON record (CT-01)."""

import datetime as dt
import json
import re

from django.utils import timezone

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.models import Event
from tests.pages import html, text

EVENTS = "/us-east-1/cloudtrail/events/"


def make_volume(account, region="us-east-1", door="aws") -> str:
    ctx = CallContext(account, region, Principal.root(account.id), door, source_ip="10.1.2.3")
    zone = region + "a"
    return operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": zone, "Size": 8})[
        "VolumeId"
    ]


def rows(response) -> int:
    return len(re.findall(r'<tr data-event="', html(response)))


def test_it_lists_the_events_of_the_region_newest_first(console, account, other_account):
    first = make_volume(account)
    second = make_volume(account)
    make_volume(account, region="eu-west-1")
    make_volume(other_account)
    page = console.get(EVENTS)
    assert rows(page) == 2
    shown = text(page)
    assert shown.index(second) < shown.index(first)
    assert "Event history (2)" in shown
    for heading in ("Event name", "Event time", "User name", "Event source", "Resource type",
                    "Resource name", "Error code", "Door"):  # fmt: skip
        assert heading in shown
    assert "AWS::EC2::Volume" in shown and "AWS API" in shown
    assert rows(console.get("/eu-west-1/cloudtrail/events/")) == 1


def test_it_filters_by_one_lookup_attribute(console, account):
    volume = make_volume(account)
    make_volume(account)
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    operations.call(ctx, "ec2", "DeleteVolume", {"VolumeId": volume})
    assert rows(console.get(EVENTS)) == 3
    assert rows(console.get(EVENTS, {"attribute": "ResourceName", "value": volume})) == 2
    assert rows(console.get(EVENTS, {"attribute": "EventName", "value": "DeleteVolume"})) == 1
    assert rows(console.get(EVENTS, {"attribute": "Username", "value": "root"})) == 3
    assert rows(console.get(EVENTS, {"attribute": "ReadOnly", "value": "true"})) == 0
    assert (
        rows(console.get(EVENTS, {"attribute": "EventSource", "value": "ec2.amazonaws.com"})) == 3
    )
    assert rows(console.get(EVENTS, {"attribute": "EventId", "value": "not-an-id"})) == 0
    page = console.get(EVENTS, {"attribute": "EventName", "value": "RunInstances"})
    assert "No events match the filters." in text(page)


def test_it_filters_by_time_range(console, account):
    make_volume(account)
    Event.objects.update(event_time=timezone.now() - dt.timedelta(hours=2))
    make_volume(account)
    assert rows(console.get(EVENTS, {"range": "1h"})) == 1
    assert rows(console.get(EVENTS, {"range": "3h"})) == 2
    start = (timezone.now() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    end = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert rows(console.get(EVENTS, {"range": "custom", "start": start, "end": end})) == 1


def test_a_bad_time_range_is_a_flashbar_not_a_crash(console, account):
    make_volume(account)
    page = console.get(EVENTS, {"range": "custom", "start": "2024-05-02T10:00",
                                "end": "2024-05-01T10:00"})  # fmt: skip
    assert page.status_code == 200
    assert "InvalidTimeRangeException: Start time must be earlier than end time." in text(page)
    assert rows(page) == 0
    page = console.get(EVENTS, {"range": "custom", "start": "yesterday"})
    assert "InvalidTimeRangeException" in text(page)


def test_it_pages_by_fifty(console, account):
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    for _ in range(51):
        operations.call(ctx.in_region("us-east-1"), "ec2", "DescribeVolumes", {})
    page = console.get(EVENTS)
    assert rows(page) == 50 and 'aria-label="Next page"' in html(page)
    assert rows(console.get(EVENTS, {"page": "2"})) == 1


def test_the_details_show_the_json_record(console, account):
    volume = make_volume(account, door="console")
    event = Event.objects.get()
    page = console.get(f"{EVENTS}{event.event_id}/")
    assert page.status_code == 200
    shown = text(page)
    assert "10.1.2.3" in shown and str(event.request_id) in shown
    record = re.search(r"<pre[^>]*data-event-record>(.*?)</pre>", html(page), re.S).group(1)
    data = json.loads(record)
    assert data["eventName"] == "CreateVolume"
    assert data["eventID"] == str(event.event_id)
    assert data["resources"][0]["ARN"].endswith(f":volume/{volume}")
    assert data["userIdentity"]["type"] == "Root"


def test_an_event_of_another_account_is_not_found(console, other_account):
    make_volume(other_account)
    event = Event.objects.get()
    page = console.get(f"{EVENTS}{event.event_id}/")
    assert page.status_code == 404 and "Event not found" in text(page)


def test_an_id_that_is_no_event_id_is_the_event_pages_not_found(console):
    # The Event history's own details page answers every id on its URL (declared on
    # the type, not routed ahead of the generic page by a `<uuid:>` pattern).
    page = console.get(f"{EVENTS}not-an-event/")
    assert page.status_code == 404
    assert "Event not found" in text(page) and "not-an-event" in text(page)


def test_global_service_events_show_in_us_east_1(console, account):
    """IAM is global: its events are recorded in us-east-1, and only that region's
    event history shows them, as in AWS since 2021."""
    ctx = CallContext(account, "eu-west-1", Principal.root(account.id), "aws")
    operations.call(ctx, "iam", "CreateUser", {"UserName": "alice"})
    page = text(console.get(EVENTS, {"attribute": "EventSource", "value": "iam.amazonaws.com"}))
    assert "CreateUser" in page and "iam.amazonaws.com" in page
    assert "CreateUser" not in text(console.get("/eu-west-1/cloudtrail/events/"))
