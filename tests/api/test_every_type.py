"""The same REST checks for every registered resource type, so a new type is covered
the day it is registered: listing matches what the account owns, each listed resource
is describable and invisible to other accounts, and bad requests are AWS errors (4xx
problem documents), never a 500."""

from __future__ import annotations

import pytest

from services.core import registry
from services.core.context import CallContext, Principal

TYPES = registry.resource_types()


def url(rt, suffix: str = "") -> str:
    return f"/api/v1/{rt.service}/{rt.slug}/{suffix}"


def bogus_id(rt) -> str:
    return f"{rt.model.id_prefix or 'x'}-0123456789abcdef0"


def assert_client_error(response) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] and body["detail"]
    return body


@pytest.fixture(params=TYPES, ids=[rt.key for rt in TYPES])
def rt(request):
    return request.param


def test_the_list_is_what_the_account_owns_in_the_region(api, account, rt):
    # What it owned before the call: listing CloudTrail's events adds one.
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "rest")
    owned = set(rt.model.objects.visible_to(ctx).values_list("resource_id", flat=True))
    response = api.get(url(rt, "?limit=1000"))
    if response.status_code == 501:
        pytest.skip(f"{rt.key} has no Describe operation yet")
    assert response.status_code == 200, response.content
    listed = {r["id"] for r in response.json()["results"]}
    assert listed == owned  # a fresh account: its default VPC and what comes with it
    for item in response.json()["results"]:
        assert {"id", "arn", "region", "tags", "created_at"} <= set(item)
        assert isinstance(item["tags"], dict)


def test_each_listed_resource_is_describable_and_private(api, other_api, rt):
    response = api.get(url(rt))
    if response.status_code == 501:
        pytest.skip(f"{rt.key} has no Describe operation yet")
    for item in response.json()["results"][:3]:
        mine = api.get(url(rt, f"{item['id']}/"))
        assert mine.status_code == 200, mine.content
        assert mine.json()["id"] == item["id"]
        theirs = other_api.get(url(rt, f"{item['id']}/"))
        if theirs.status_code == 200 and theirs.json()["arn"] != item["arn"]:
            continue  # a type known by name in its account (the default event bus): theirs
        assert theirs.status_code in (400, 404), theirs.content
        assert_client_error(theirs)


def test_an_unknown_id_is_a_client_error(api, rt):
    response = api.get(url(rt, f"{bogus_id(rt)}/"))
    if response.status_code == 501:
        pytest.skip(f"{rt.key} has no Describe operation yet")
    assert_client_error(response)


def test_an_empty_create_is_a_client_error(api, rt):
    if not rt.create_operation:
        pytest.skip("not created through the API")
    response = api.post(url(rt), {}, format="json")
    if response.status_code == 201:
        return  # every parameter is optional (CreateInternetGateway)
    assert_client_error(response)


def test_actions_on_an_unknown_id_change_nothing(api, rt):
    """Mostly a not-found error; a few actions succeed on nothing, as in AWS
    (DeleteKeyPair answers true for a key that does not exist)."""
    before = rt.model.objects.count()
    requests = [
        lambda a=a: api.post(url(rt, f"{bogus_id(rt)}/actions/{a.operation}/"), {}, format="json")
        for a in rt.actions
    ]
    if rt.actions:
        requests.append(lambda: api.delete(url(rt, f"{bogus_id(rt)}/")))
    for send in requests:
        response = send()
        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            assert_client_error(response)
    assert rt.model.objects.count() == before


@pytest.mark.parametrize("odd", ["%E2%98%83", "a" * 300, "vol-%00", "..", "*"])
def test_odd_ids_never_fail(api, rt, odd):
    response = api.get(url(rt, f"{odd}/"))
    if response.status_code == 501:
        return
    assert response.status_code < 500, response.content
