"""CloudTrail's event history as a registered type: read-only REST endpoints over
LookupEvents (/api/v1/cloudtrail/events/), their OpenAPI entries, and the console's
Event history page as the type's list page (one navigation link, found by search)."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.models import AccessKey, Event
from tests.pages import html

API = "/api/v1/cloudtrail/events/"


def key_client(account) -> APIClient:
    key = AccessKey.objects.get(account=account, user_name="")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key.access_key_id}:{key.secret_access_key}")
    return client


@pytest.fixture
def rest(account) -> APIClient:
    return key_client(account)


def make_volume(account, region: str = "us-east-1") -> str:
    ctx = CallContext(account, region, Principal.root(account.id), "aws")
    params = {"AvailabilityZone": f"{region}a", "Size": 8}
    return operations.call(ctx, "ec2", "CreateVolume", params)["VolumeId"]


def test_the_list_is_lookup_events_of_the_region_newest_first(rest, account, other_account):
    first, second = make_volume(account), make_volume(account)
    make_volume(account, "eu-west-1")
    make_volume(other_account)
    response = rest.get(API)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    names = [r["event_name"] for r in results]
    assert names[:2] == ["CreateVolume", "CreateVolume"]
    volumes = [r["resources"][0]["resource_name"] for r in results[:2]]
    assert volumes == [second, first]
    item = results[0]
    assert item["region"] == "us-east-1" and item["arn"] is None and item["tags"] == {}
    assert item["event_source"] == "ec2.amazonaws.com" and item["read_only"] == "false"
    assert json.loads(item["cloud_trail_event"])["eventName"] == "CreateVolume"
    assert len(rest.get(f"{API}?region=eu-west-1").json()["results"]) == 1
    listed = Event.objects.filter(event_name="LookupEvents", door="rest", account=account)
    assert listed.count() == 2  # each list is one audited LookupEvents call


def test_one_event_by_id_and_nobody_elses(rest, account, other_account):
    make_volume(account)
    event = Event.objects.get(account=account, event_name="CreateVolume")
    got = rest.get(f"{API}{event.event_id}/")
    assert got.status_code == 200, got.content
    assert got.json()["id"] == str(event.event_id)
    assert got.json()["event_name"] == "CreateVolume"
    lookup = Event.objects.filter(event_name="LookupEvents", door="rest").latest("event_time")
    assert str(event.event_id) in json.dumps(lookup.request_parameters), lookup.request_parameters
    theirs = key_client(other_account).get(f"{API}{event.event_id}/")
    assert theirs.status_code == 404 and theirs.json()["code"] == "NotFound"
    elsewhere = rest.get(f"{API}{event.event_id}/?region=eu-west-1")
    assert elsewhere.status_code == 404


@pytest.mark.parametrize("odd", ["vol-0123456789abcdef0", "..", "%E2%98%83", "*"])
def test_ids_that_are_not_event_ids_are_not_found(rest, odd):
    response = rest.get(f"{API}{odd}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_events_are_read_only(rest, account):
    make_volume(account)
    event = Event.objects.get(account=account, event_name="CreateVolume")
    assert rest.post(API, {}, format="json").status_code == 405
    assert rest.delete(f"{API}{event.event_id}/").status_code == 405
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_user_without_lookup_events_is_denied(account, rest):
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    operations.call(ctx, "iam", "CreateUser", {"UserName": "nosy"})
    key = operations.call(ctx, "iam", "CreateAccessKey", {"UserName": "nosy"})["AccessKey"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key['AccessKeyId']}:{key['SecretAccessKey']}")
    response = client.get(API)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["code"].startswith("AccessDenied"), response.content
    assert "cloudtrail:LookupEvents" in response.json()["detail"]


def test_the_openapi_schema_documents_a_read_only_type(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    assert set(paths[API]) == {"get"}
    one = paths[API + "{resource_id}/"]
    assert set(one) == {"get"}
    pattern = next(p for p in one["get"]["parameters"] if p["name"] == "resource_id")
    assert "[0-9a-f]{8}-" in pattern["schema"]["pattern"]
    shown = one["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"event_name", "event_time", "cloud_trail_event", "username"} <= set(shown["properties"])


def test_the_console_keeps_one_event_history_link_and_page(console, account):
    make_volume(account)
    page = console.get("/us-east-1/cloudtrail/events/")
    assert page.status_code == 200
    nav = html(page).split('class="sidenav"', 1)[1].split("</nav>", 1)[0]
    assert nav.count("Event history") == 1
    assert 'name="attribute"' in html(page)  # the lookup attributes of the Event history page
    event = Event.objects.get(account=account, event_name="CreateVolume")
    found = html(console.get("/search/", {"q": str(event.event_id)}))
    assert f"/us-east-1/cloudtrail/events/{event.event_id}/" in found


def test_a_query_parameter_is_a_lookup_attribute(rest, account):
    volume = make_volume(account)
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    operations.call(ctx, "ec2", "DeleteVolume", {"VolumeId": volume})
    deleted = rest.get(f"{API}?EventName=DeleteVolume").json()["results"]
    assert [e["event_name"] for e in deleted] == ["DeleteVolume"]
    named = rest.get(f"{API}?ResourceName={volume}").json()["results"]
    assert [e["event_name"] for e in named] == ["DeleteVolume", "CreateVolume"]
    # An unknown attribute key fails the model's enum, as on the AWS door.
    unknown = rest.get(f"{API}?colour=blue")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "ValidationException"
    two = rest.get(f"{API}?EventName=DeleteVolume&Username=root")
    assert two.json()["code"] == "InvalidLookupAttributesException"
