"""EventBridge's REST routes (from the registry): rules and buses created, listed,
described, acted on and deleted through /api/v1/events/, with AWS's errors."""

from __future__ import annotations

from tests.api.conftest import api, root_key  # noqa: F401

RULES = "/api/v1/events/rules/"


def test_rules_through_rest(api, account):  # noqa: F811
    made = api.post(RULES, {"Name": "r", "EventPattern": '{"source": ["my.app"]}'}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["id"] == "r"
    assert made.json()["arn"] == f"arn:aws:events:us-east-1:{account.id}:rule/r"
    listed = api.get(RULES).json()["results"]
    assert [r["id"] for r in listed] == ["r"]
    off = api.post(f"{RULES}r/actions/DisableRule/", {}, format="json")
    assert off.status_code == 200, off.content
    assert api.get(f"{RULES}r/").json()["state"] == "DISABLED"
    bad = api.post(RULES, {"Name": "x", "EventPattern": "[]"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "InvalidEventPatternException"
    gone = api.delete(f"{RULES}r/")
    assert gone.status_code in (200, 204), gone.content
    assert api.get(RULES).json()["results"] == []


def test_buses_through_rest(api):  # noqa: F811
    made = api.post("/api/v1/events/event-buses/", {"Name": "orders"}, format="json")
    assert made.status_code == 201, made.content
    names = sorted(b["id"] for b in api.get("/api/v1/events/event-buses/").json()["results"])
    assert names == ["default", "orders"]
