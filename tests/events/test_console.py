"""EventBridge's console pages through the Django client: event buses, rules list,
Create rule (pattern editor, the Test pattern sandbox, CLI equivalent), a rule's
details with its targets, Disable, and Delete (targets removed first)."""

from __future__ import annotations

import json

from services.core.models import Event
from services.events.models import Rule, Target
from tests.pages import html, text

RULES = "/us-east-1/events/rules/"
CREATE = "/us-east-1/events/rules/create/"
PATTERN = {"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}


def _create(console, account, **fields):
    data = {
        "Name": "stopped",
        "EventBusName": "default",
        "Enabled": "on",
        "RuleType": "pattern",
        "EventPattern": json.dumps(PATTERN),
        "TargetType": "sqs",
        "TargetArn": f"arn:aws:sqs:us-east-1:{account.id}:alerts",
        "TargetId": "alerts",
        "InputType": "event",
    }
    data.update(fields)
    return console.post(CREATE, data)


def test_buses_list_shows_the_default_bus_and_a_created_one(console, account):
    page = text(console.get("/us-east-1/events/event-buses/"))
    assert "default" in page
    response = console.post("/us-east-1/events/event-buses/create/", {"Name": "orders"})
    assert response.status_code == 302
    page = text(console.get(response["Location"]))
    assert "orders" in page and f"arn:aws:events:us-east-1:{account.id}:event-bus/orders" in page


def test_create_rule_page_has_the_editor_sandbox_and_cli(console):
    page = html(console.get(CREATE))
    assert "Build event pattern" in page and "Test pattern" in page
    assert "EC2 Instance State-change Notification" in page
    assert "CLI equivalent" in page and "data-cli-equivalent" in page


def test_creating_a_rule_with_a_target_shows_its_details(console, account):
    response = _create(console, account)
    assert response.status_code == 302, text(response)[:2000]
    assert response["Location"] == f"{RULES}stopped/"
    rule = Rule.objects.get()
    assert rule.pattern == PATTERN and rule.state == "ENABLED"
    assert Target.objects.get().target_id == "alerts"
    assert [e.event_name for e in Event.objects.order_by("event_time")][-2:] == [
        "PutRule",
        "PutTargets",
    ]
    detail = text(console.get(response["Location"]))
    assert "Rule stopped was created successfully." in detail
    assert "aws events describe-rule --name stopped" in detail
    targets = text(console.get(f"{RULES}stopped/?tab=targets"))
    assert "alerts" in targets and "SQS queue" in targets
    assert "aws events list-targets-by-rule --rule stopped" in targets
    listing = text(console.get(RULES))
    assert "stopped" in listing and "Enabled" in listing


def test_a_bad_pattern_is_the_aws_error_and_creates_nothing(console, account):
    response = _create(console, account, EventPattern='{"source": "aws.ec2"}')
    assert response.status_code == 200
    assert "InvalidEventPatternException: Event pattern is not valid." in text(response)
    assert not Rule.objects.exists()


def test_the_sandbox_runs_test_event_pattern(console, account):
    event = {
        "version": "0", "id": "1", "detail-type": "x", "source": "aws.ec2",
        "account": account.id, "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
        "resources": [], "detail": {"state": "stopped"},
    }  # fmt: skip
    url = "/us-east-1/events/rules/test-pattern/"
    matched = console.post(
        url, {"EventPattern": json.dumps(PATTERN), "SampleEvent": json.dumps(event)}
    )
    assert "Sample event matched the event pattern." in text(matched)
    event["detail"]["state"] = "running"
    missed = console.post(
        url, {"EventPattern": json.dumps(PATTERN), "SampleEvent": json.dumps(event)}
    )
    assert "Sample event did not match the event pattern." in text(missed)
    bad = console.post(url, {"EventPattern": "[", "SampleEvent": json.dumps(event)})
    assert "InvalidEventPatternException" in text(bad)
    assert Event.objects.filter(event_name="TestEventPattern").count() == 3


def test_disable_then_delete_removes_the_targets_first(console, account):
    _create(console, account)
    response = console.post(f"{RULES}actions/DisableRule/", {"ids": ["stopped"]})
    assert response.status_code == 302
    assert Rule.objects.get().state == "DISABLED"
    modal = text(console.get(f"{RULES}actions/DeleteRule/", {"ids": ["stopped"]}))
    assert "aws events remove-targets --rule stopped --ids alerts" in modal
    assert "aws events delete-rule --name stopped" in modal
    kept = console.post(f"{RULES}actions/DeleteRule/", {"ids": ["stopped"], "confirmation": "no"})
    assert kept.status_code == 200 and Rule.objects.exists()
    done = console.post(
        f"{RULES}actions/DeleteRule/", {"ids": ["stopped"], "confirmation": "delete"}
    )
    assert done.status_code == 302
    assert not Rule.objects.exists() and not Target.objects.exists()
    names = list(Event.objects.order_by("event_time").values_list("event_name", flat=True))
    assert names[-2:] == ["RemoveTargets", "DeleteRule"]


def test_a_rule_on_a_custom_bus(console, account, ctx):
    from services.core import operations

    operations.call(ctx, "events", "CreateEventBus", {"Name": "orders"})
    response = _create(console, account, Name="placed", EventBusName="orders", TargetType="")
    assert response["Location"] == f"{RULES}placed/?bus=orders"
    page = text(console.get(f"{RULES}placed/"))  # the list links by name alone
    assert f"arn:aws:events:us-east-1:{account.id}:rule/orders/placed" in page
    assert "--event-bus-name orders" in page
    done = console.post(
        f"{RULES}actions/DeleteRule/", {"ids": ["placed"], "confirmation": "delete"}
    )
    assert done.status_code == 302 and not Rule.objects.exists()
