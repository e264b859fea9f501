"""EventBridge's operations in process (the AWS door's tests are test_door.py): AWS's
errors and messages, limits, paging, schedules, input transformers, and the events the
cloud emits (EC2 state changes, CloudTrail API calls) put on the default bus."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.events import dispatch, schedules, transform
from services.events.models import EventBus, Rule, Target

QUEUE = "arn:aws:sqs:us-east-1:{account}:orders"


@pytest.fixture
def events(account):
    ctx = CallContext(
        account=account, region="us-east-1", principal=Principal.root(account.id), door="aws"
    )

    def call(action: str, **params) -> dict:
        return operations.call(ctx, "events", action, params)

    call.ctx = ctx
    return call


def error_of(call, action: str, **params) -> AwsError:
    with pytest.raises(AwsError) as info:
        call(action, **params)
    return info.value


# --- buses -------------------------------------------------------------------------------


def test_default_bus_exists_in_every_region(events, account):
    buses = events("ListEventBuses")["EventBuses"]
    assert [b["Name"] for b in buses] == ["default"]
    assert buses[0]["Arn"] == f"arn:aws:events:us-east-1:{account.id}:event-bus/default"
    described = events("DescribeEventBus")
    assert described["Name"] == "default"


def test_custom_bus_create_duplicate_describe_delete(events, account):
    out = events("CreateEventBus", Name="orders", Description="Order events")
    assert out["EventBusArn"] == f"arn:aws:events:us-east-1:{account.id}:event-bus/orders"
    error = error_of(events, "CreateEventBus", Name="orders")
    assert (error.code, error.message) == (
        "ResourceAlreadyExistsException",
        "Event bus orders already exists.",
    )
    assert events("DescribeEventBus", Name="orders")["Description"] == "Order events"
    by_arn = events("DescribeEventBus", Name=out["EventBusArn"])
    assert by_arn["Name"] == "orders"
    error = error_of(events, "DeleteEventBus", Name="default")
    assert error.code == "ValidationException"
    events("DeleteEventBus", Name="orders")
    events("DeleteEventBus", Name="orders")  # gone already: still a success, as on AWS
    error = error_of(events, "DescribeEventBus", Name="orders")
    assert (error.code, error.message) == (
        "ResourceNotFoundException",
        "Event bus orders does not exist.",
    )


def test_bus_names_page(events):
    for n in range(5):
        events("CreateEventBus", Name=f"bus-{n}")
    first = events("ListEventBuses", Limit=4)
    assert len(first["EventBuses"]) == 4 and first["NextToken"]
    second = events("ListEventBuses", Limit=4, NextToken=first["NextToken"])
    assert [b["Name"] for b in first["EventBuses"]] == ["bus-0", "bus-1", "bus-2", "bus-3"]
    assert [b["Name"] for b in second["EventBuses"]] == ["bus-4", "default"]
    assert "NextToken" not in second
    error = error_of(events, "ListEventBuses", NextToken="nonsense")
    assert error.code == "ValidationException"


# --- rules -------------------------------------------------------------------------------

PATTERN = json.dumps({"source": ["aws.ec2"], "detail": {"state": ["stopped"]}})


def test_put_rule_needs_a_pattern_or_a_schedule(events):
    error = error_of(events, "PutRule", Name="r")
    assert (error.code, error.message) == (
        "ValidationException",
        "Parameter(s) EventPattern or ScheduleExpression must be specified.",
    )
    assert not Rule.objects.exists()


def test_put_rule_refuses_a_bad_pattern_in_aws_words(events):
    error = error_of(events, "PutRule", Name="r", EventPattern='{"source": "aws.ec2"}')
    assert error.code == "InvalidEventPatternException"
    assert error.message.startswith("Event pattern is not valid. Reason: ")
    assert not Rule.objects.exists()


@pytest.mark.parametrize(
    "expression",
    ["rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(5 weeks)", "cron(0 12 * * *)",
     "cron(0 12 * * * *)", "cron(0 12 ? * ? *)", "cron(61 12 * * ? *)", "every 5 minutes"],
)  # fmt: skip
def test_bad_schedules_are_refused(events, expression):
    error = error_of(events, "PutRule", Name="r", ScheduleExpression=expression)
    assert (error.code, error.message) == (
        "ValidationException",
        "Parameter ScheduleExpression is not valid.",
    )


@pytest.mark.parametrize(
    "expression",
    ["rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(2 days)", "cron(0 12 * * ? *)",
     "cron(0/15 * ? * MON-FRI *)", "cron(0 8 1 * ? *)", "cron(0 18 L * ? 2030)"],
)  # fmt: skip
def test_good_schedules_are_taken(events, expression):
    events("PutRule", Name="r", ScheduleExpression=expression)
    assert Rule.objects.get().next_fire_at is not None


def test_schedules_only_on_the_default_bus(events):
    events("CreateEventBus", Name="orders")
    error = error_of(
        events, "PutRule", Name="r", EventBusName="orders", ScheduleExpression="rate(5 minutes)"
    )
    assert error.message == "ScheduleExpression is supported only on the default event bus."


def test_rule_lifecycle_describe_list_enable_disable(events, account):
    arn = events("PutRule", Name="stopped", EventPattern=PATTERN, Description="d")["RuleArn"]
    assert arn == f"arn:aws:events:us-east-1:{account.id}:rule/stopped"
    rule = events("DescribeRule", Name="stopped")
    assert rule["State"] == "ENABLED" and rule["EventBusName"] == "default"
    assert rule["CreatedBy"] == account.id and rule["EventPattern"] == PATTERN
    events("DisableRule", Name="stopped")
    assert events("DescribeRule", Name="stopped")["State"] == "DISABLED"
    events("EnableRule", Name="stopped")
    assert events("ListRules")["Rules"][0]["State"] == "ENABLED"
    error = error_of(events, "DescribeRule", Name="nope")
    assert (error.code, error.message) == (
        "ResourceNotFoundException",
        "Rule nope does not exist on EventBus default.",
    )
    events("CreateEventBus", Name="orders")
    custom = events("PutRule", Name="stopped", EventBusName="orders", EventPattern=PATTERN)
    assert custom["RuleArn"].endswith(":rule/orders/stopped")


def test_rules_page_and_prefix(events):
    for n in range(7):
        events("PutRule", Name=f"rule-{n}", EventPattern=PATTERN)
    events("PutRule", Name="other", EventPattern=PATTERN)
    page = events("ListRules", NamePrefix="rule-", Limit=5)
    assert [r["Name"] for r in page["Rules"]] == [f"rule-{n}" for n in range(5)]
    rest = events("ListRules", NamePrefix="rule-", Limit=5, NextToken=page["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == ["rule-5", "rule-6"]


def test_delete_rule_refused_while_targets_remain(events, account):
    events("PutRule", Name="r", EventPattern=PATTERN)
    events("PutTargets", Rule="r", Targets=[{"Id": "q", "Arn": QUEUE.format(account=account.id)}])
    error = error_of(events, "DeleteRule", Name="r")
    assert (error.code, error.message) == (
        "ValidationException",
        "Rule can't be deleted since it has targets.",
    )
    assert Rule.objects.filter(resource_id="r").exists()
    events("RemoveTargets", Rule="r", Ids=["q"])
    events("DeleteRule", Name="r")
    assert not Rule.objects.exists()


# --- targets -----------------------------------------------------------------------------


def test_targets_put_list_by_rule_and_by_target(events, account):
    queue = QUEUE.format(account=account.id)
    events("PutRule", Name="a", EventPattern=PATTERN)
    events("PutRule", Name="b", EventPattern=PATTERN)
    out = events(
        "PutTargets",
        Rule="a",
        Targets=[
            {"Id": "q", "Arn": queue, "InputPath": "$.detail"},
            {"Id": "fn", "Arn": f"arn:aws:kinesis:us-east-1:{account.id}:stream/s"},
        ],
    )
    assert out["FailedEntryCount"] == 1
    assert out["FailedEntries"][0]["TargetId"] == "fn"
    events("PutTargets", Rule="b", Targets=[{"Id": "q", "Arn": queue}])
    listed = events("ListTargetsByRule", Rule="a")["Targets"]
    assert listed == [{"Id": "q", "Arn": queue, "InputPath": "$.detail"}]
    assert events("ListRuleNamesByTarget", TargetArn=queue)["RuleNames"] == ["a", "b"]


def test_target_limits_and_input_checks(events, account):
    queue = QUEUE.format(account=account.id)
    events("PutRule", Name="a", EventPattern=PATTERN)
    targets = [{"Id": f"t{n}", "Arn": queue} for n in range(6)]
    error = error_of(events, "PutTargets", Rule="a", Targets=targets)
    assert error.code == "LimitExceededException"
    assert not Target.objects.exists()
    both = [{"Id": "t", "Arn": queue, "Input": "{}", "InputPath": "$.detail"}]
    assert error_of(events, "PutTargets", Rule="a", Targets=both).code == "ValidationException"
    bad_arn = [{"Id": "t", "Arn": "not-an-arn"}]
    error = error_of(events, "PutTargets", Rule="a", Targets=bad_arn)
    assert error.message == (
        "Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format."
    )
    fifo = [{"Id": "t", "Arn": queue + ".fifo"}]
    error = error_of(events, "PutTargets", Rule="a", Targets=fifo)
    assert error.message == "Parameter(s) SqsParameters must be specified for target: t."
    error = error_of(events, "PutTargets", Rule="nope", Targets=[{"Id": "t", "Arn": queue}])
    assert error.code == "ResourceNotFoundException"


# --- PutEvents and TestEventPattern --------------------------------------------------------


def test_put_events_per_entry_errors(events):
    out = events(
        "PutEvents",
        Entries=[
            {"Source": "my.app", "DetailType": "order", "Detail": '{"id": 1}'},
            {"DetailType": "order", "Detail": "{}"},
            {"Source": "my.app", "DetailType": "order", "Detail": "[1]"},
            {"Source": "aws.ec2", "DetailType": "x", "Detail": "{}"},
            {"Source": "my.app", "DetailType": "x", "Detail": "{}", "EventBusName": "nope"},
        ],
    )
    assert out["FailedEntryCount"] == 4
    first, missing, malformed, aws, bus = out["Entries"]
    assert set(first) == {"EventId"}
    assert missing == {
        "ErrorCode": "InvalidArgument",
        "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument.",
    }
    assert malformed == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    assert aws["ErrorCode"] == "NotAuthorizedForSourceException"
    assert bus["ErrorCode"] == "ResourceNotFoundException"


def test_put_events_size_limit(events):
    big = json.dumps({"x": "a" * 200_000})
    entries = [{"Source": "s", "DetailType": "d", "Detail": big}] * 2
    error = error_of(events, "PutEvents", Entries=entries)
    assert error.message == "Total size of the entries in the request is over the limit."


def test_test_event_pattern(events, account):
    event = dispatch.envelope(
        account.id, "us-east-1", source="aws.ec2", detail_type="x", detail={"state": "stopped"}
    )
    assert events("TestEventPattern", EventPattern=PATTERN, Event=json.dumps(event)) == {
        "Result": True
    }
    event["detail"]["state"] = "running"
    result = events("TestEventPattern", EventPattern=PATTERN, Event=json.dumps(event))
    assert result == {"Result": False}
    error = error_of(events, "TestEventPattern", EventPattern=PATTERN, Event='{"source": "x"}')
    assert error.code == "ValidationException" and "missing required fields" in error.message
    error = error_of(events, "TestEventPattern", EventPattern="[1]", Event=json.dumps(event))
    assert error.code == "InvalidEventPatternException"


# --- tags --------------------------------------------------------------------------------


def test_tags_on_rules_and_buses(events):
    arn = events("PutRule", Name="r", EventPattern=PATTERN, Tags=[{"Key": "team", "Value": "a"}])[
        "RuleArn"
    ]
    events("TagResource", ResourceARN=arn, Tags=[{"Key": "env", "Value": "lab"}])
    tags = events("ListTagsForResource", ResourceARN=arn)["Tags"]
    assert tags == [{"Key": "env", "Value": "lab"}, {"Key": "team", "Value": "a"}]
    events("UntagResource", ResourceARN=arn, TagKeys=["team"])
    assert events("ListTagsForResource", ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "lab"}
    ]
    bus = events("CreateEventBus", Name="b", Tags=[{"Key": "k", "Value": "v"}])["EventBusArn"]
    assert events("ListTagsForResource", ResourceARN=bus)["Tags"] == [{"Key": "k", "Value": "v"}]
    error = error_of(events, "ListTagsForResource", ResourceARN=arn.replace(":rule/r", ":rule/x"))
    assert error.code == "ResourceNotFoundException"


# --- schedules and transformers (pure) ----------------------------------------------------


def test_next_cron_time():
    cron = schedules.parse("cron(0 12 * * ? *)")
    after = dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC)
    assert schedules.next_cron(cron, after) == dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    weekdays = schedules.parse("cron(30 9 ? * MON-FRI *)")
    friday = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
    assert schedules.next_cron(weekdays, friday) == dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    last = schedules.parse("cron(0 0 L * ? *)")
    assert schedules.next_cron(last, after).day == 31


def test_input_transformer_fills_the_template():
    event = {"detail": {"instance-id": "i-1", "state": "stopped", "n": 3}, "time": "t"}
    target = {
        "InputTransformer": {
            "InputPathsMap": {
                "id": "$.detail.instance-id",
                "state": "$.detail.state",
                "n": "$.detail.n",
            },
            "InputTemplate": '{"text": "Instance <id> is <state>", "id": <id>, "n": <n>, '
            '"rule": "<aws.events.rule-name>"}',
        }
    }
    out = json.loads(transform.payload(target, event, rule_arn="arn", rule_name="r"))
    assert out == {"text": "Instance i-1 is stopped", "id": "i-1", "n": 3, "rule": "r"}
    plain = {
        "InputTransformer": {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": '"is <s>"'}
    }
    assert transform.payload(plain, event, rule_arn="a", rule_name="r") == '"is stopped"'
    assert transform.payload({"InputPath": "$.detail.n"}, event, rule_arn="a", rule_name="r") == "3"
    assert (
        transform.payload({"Input": '{"k": 1}'}, event, rule_arn="a", rule_name="r") == '{"k": 1}'
    )


# --- the cloud's own events ----------------------------------------------------------------


def test_matching_and_delivery_route(events, account, monkeypatch):
    """An event on the default bus reaches the targets of the rules it matches, shaped by
    each target's input settings (the worker's `route`, called here directly)."""
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        dispatch, "_send", lambda rule, arn, body, data, event: sent.append((arn, body))
    )
    queue = QUEUE.format(account=account.id)
    events("PutRule", Name="stopped", EventPattern=PATTERN)
    events(
        "PutTargets", Rule="stopped", Targets=[{"Id": "q", "Arn": queue, "InputPath": "$.detail"}]
    )
    events("PutRule", Name="off", EventPattern=PATTERN, State="DISABLED")
    events("PutTargets", Rule="off", Targets=[{"Id": "q", "Arn": queue + "-off"}])
    stopped = dispatch.envelope(
        account.id, "us-east-1", source="aws.ec2", detail_type="EC2 Instance State-change",
        detail={"instance-id": "i-1", "state": "stopped"},
    )  # fmt: skip
    running = dict(stopped, detail={"instance-id": "i-1", "state": "running"})
    items = [
        {"account": account.id, "region": "us-east-1", "bus": "default", "event": e}
        for e in (stopped, running)
    ]
    assert dispatch.route(items) == 1
    assert sent == [(queue, json.dumps({"instance-id": "i-1", "state": "stopped"}))]


def test_ec2_state_changes_and_api_calls_are_emitted(
    account, monkeypatch, django_capture_on_commit_callbacks
):
    """StopInstances puts "EC2 Instance State-change Notification" (stopping, then the
    worker's stopped) and "AWS API Call via CloudTrail" on the default bus."""
    from services.core import lifecycle

    seen: list[dict] = []
    monkeypatch.setattr(dispatch, "send", lambda items: seen.extend(i["event"] for i in items))
    ctx = CallContext(
        account=account, region="us-east-1", principal=Principal.root(account.id), door="aws"
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = operations.call(
        ctx, "ec2", "RunInstances", {"ImageId": _image(ctx), "MinCount": 1, "MaxCount": 1,
                                     "InstanceType": "t3.micro"},
    )  # fmt: skip
    instance_id = run["Instances"][0]["InstanceId"]
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.settle()
    with django_capture_on_commit_callbacks(execute=True):
        operations.call(ctx, "ec2", "StopInstances", {"InstanceIds": [instance_id]})
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.settle()
    states = [
        e["detail"]["state"]
        for e in seen
        if e["detail-type"] == "EC2 Instance State-change Notification"
    ]
    assert states == ["pending", "running", "stopping", "stopped"]
    change = next(e for e in seen if e["detail-type"] == "EC2 Instance State-change Notification")
    assert list(change) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources",
        "detail",
    ]  # fmt: skip
    assert change["source"] == "aws.ec2" and change["account"] == account.id
    assert change["resources"] == [f"arn:aws:ec2:us-east-1:{account.id}:instance/{instance_id}"]
    calls = [e for e in seen if e["detail-type"] == "AWS API Call via CloudTrail"]
    assert [c["detail"]["eventName"] for c in calls] == ["RunInstances", "StopInstances"]
    assert calls[1]["source"] == "aws.ec2"
    assert calls[1]["detail"]["eventSource"] == "ec2.amazonaws.com"


def _image(ctx: CallContext) -> str:
    from services.ec2 import ami_catalog

    return ami_catalog.default_image().image_id(ctx.region)


def test_nothing_is_sent_for_a_bus_without_rules(account, monkeypatch):
    calls = []
    from services.events import tasks

    monkeypatch.setattr(tasks.route_task, "delay", lambda items: calls.append(items))
    event = dispatch.envelope(account.id, "us-east-1", source="s", detail_type="d", detail={})
    dispatch.send(
        [{"account": account.id, "region": "us-east-1", "bus": "default", "event": event}]
    )
    assert calls == []


def test_events_for_a_listening_bus_are_handed_to_the_worker_off_the_request_thread(
    account, monkeypatch
):
    import threading

    from services.core import publisher
    from services.events import tasks

    threads = []
    monkeypatch.setattr(
        tasks.route_task, "delay", lambda items: threads.append(threading.current_thread().name)
    )
    monkeypatch.setattr(dispatch, "_listening", lambda *key: True)
    event = dispatch.envelope(account.id, "us-east-1", source="s", detail_type="d", detail={})
    dispatch.send(
        [{"account": account.id, "region": "us-east-1", "bus": "default", "event": event}]
    )
    assert publisher.lifecycle_messages.flush()
    assert threads == ["lifecycle-publisher"]


def test_every_account_has_a_default_bus_in_every_region(account):
    from services.core import regions

    buses = EventBus.objects.filter(account=account, resource_id="default")
    assert sorted(buses.values_list("region", flat=True)) == sorted(regions.REGIONS)


def test_console_sign_in_is_its_own_detail_type(
    account, monkeypatch, django_capture_on_commit_callbacks
):
    from services.core import audit

    seen: list[dict] = []
    monkeypatch.setattr(dispatch, "send", lambda items: seen.extend(i["event"] for i in items))
    ctx = CallContext(
        account=account, region="eu-west-1", principal=Principal.root(account.id), door="console"
    )
    with django_capture_on_commit_callbacks(execute=True):
        audit.record_console_login(ctx, success=True)
    (event,) = seen
    assert event["detail-type"] == "AWS Console Sign In via CloudTrail"
    assert event["source"] == "aws.signin" and event["region"] == "us-east-1"
    assert event["detail"]["eventName"] == "ConsoleLogin"


def test_a_failed_mutating_call_is_on_the_bus_with_its_error(
    account, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[dict] = []
    monkeypatch.setattr(dispatch, "send", lambda items: seen.extend(i["event"] for i in items))
    ctx = CallContext(
        account=account, region="us-east-1", principal=Principal.root(account.id), door="aws"
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AwsError):
        operations.call(ctx, "ec2", "StopInstances", {"InstanceIds": ["i-0123456789abcdef0"]})
    with django_capture_on_commit_callbacks(execute=True):
        operations.call(ctx, "ec2", "DescribeInstances", {})  # read-only: not on the bus
    (event,) = seen
    assert event["detail"]["eventName"] == "StopInstances"
    assert event["detail"]["errorCode"] == "InvalidInstanceID.NotFound"


def test_s3_eventbridge_notifications_reach_the_default_bus(
    account, monkeypatch, django_capture_on_commit_callbacks
):
    seen: list[dict] = []
    monkeypatch.setattr(dispatch, "send", lambda items: seen.extend(i["event"] for i in items))
    ctx = CallContext(
        account=account, region="us-east-1", principal=Principal.root(account.id), door="aws"
    )

    def s3(action: str, **params) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return operations.call(ctx, "s3", action, params)

    s3("CreateBucket", Bucket=f"evb-{account.id}")
    s3(
        "PutBucketNotificationConfiguration",
        Bucket=f"evb-{account.id}",
        NotificationConfiguration={"EventBridgeConfiguration": {}},
    )
    seen.clear()
    s3("PutObject", Bucket=f"evb-{account.id}", Key="a.txt", Body=b"hello")
    created = [e for e in seen if e["source"] == "aws.s3"]
    assert [e["detail-type"] for e in created] == ["Object Created"]
    assert created[0]["resources"] == [f"arn:aws:s3:::evb-{account.id}"]


def test_put_rule_on_an_existing_rule_replaces_its_settings(events):
    events("PutRule", Name="r", EventPattern=PATTERN, Description="first", State="DISABLED",
           Tags=[{"Key": "k", "Value": "v"}])  # fmt: skip
    events("PutRule", Name="r", ScheduleExpression="rate(5 minutes)")
    rule = events("DescribeRule", Name="r")
    assert "Description" not in rule and "EventPattern" not in rule
    assert rule["State"] == "ENABLED" and rule["ScheduleExpression"] == "rate(5 minutes)"
    assert Rule.objects.get().tags == {"k": "v"}
    assert len(events("ListRules")["Rules"]) == 1


def test_outside_a_transaction_an_event_is_sent_at_once_and_a_failure_is_logged(
    transactional_db, account, monkeypatch
):
    sent: list[list[dict]] = []
    monkeypatch.setattr(dispatch, "send", lambda items: sent.append(items))
    event = dispatch.envelope(account.id, "us-east-1", source="s", detail_type="d", detail={})
    dispatch.publish(account.id, "us-east-1", "default", event)
    assert [[i["event"]["id"] for i in items] for items in sent] == [[event["id"]]]

    def broken(items):
        raise RuntimeError("broker and database gone")

    monkeypatch.setattr(dispatch, "send", broken)
    dispatch.publish(account.id, "us-east-1", "default", event)  # logged, not raised
