"""EventBridge through the AWS door: unmodified boto3 and the AWS CLI against the live
server, the worker delivering what rules match (FIDELITY EVB-01)."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from services.ec2 import ami_catalog


def _queue_for_rules(student, name: str) -> tuple[object, str, str]:
    """An SQS queue whose policy lets EventBridge rules of the account send to it, as
    the console sets up for a rule's target (AWS refuses the delivery otherwise)."""
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {
                    "ArnLike": {
                        "aws:SourceArn": f"arn:aws:events:us-east-1:{student.account_id}:rule/*"
                    }
                },
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return sqs, url, arn


def _receive(sqs, url: str, *, want: int = 1, timeout: float = 30) -> list[dict]:
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
        for message in out.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return got


def test_evb_01_rule_on_ec2_stopped_delivers_the_event_to_sqs(student, aws_worker):
    """EVB-01: a rule matching "EC2 Instance State-change Notification" with state
    stopped, targeting an SQS queue: stopping an instance puts AWS's event (version, id,
    detail-type, source, account, time, region, resources, detail) in the queue, and
    only the stopped one, not pending/running/stopping."""
    sqs, url, queue_arn = _queue_for_rules(student, "instance-events")
    events = student.client("events")
    pattern = {
        "source": ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        "detail": {"state": ["stopped"]},
    }
    rule_arn = events.put_rule(Name="instance-stopped", EventPattern=json.dumps(pattern))["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{student.account_id}:rule/instance-stopped"
    out = events.put_targets(Rule="instance-stopped", Targets=[{"Id": "queue", "Arn": queue_arn}])
    assert out["FailedEntryCount"] == 0

    ec2 = student.client("ec2")
    image = ami_catalog.default_image().image_id("us-east-1")
    instance = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance], WaiterConfig={"Delay": 1})
    ec2.stop_instances(InstanceIds=[instance])
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance], WaiterConfig={"Delay": 1})

    messages = _receive(sqs, url)
    assert len(messages) == 1
    event = json.loads(messages[0]["Body"])
    assert list(event) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources",
        "detail",
    ]  # fmt: skip
    assert event["version"] == "0"
    assert event["detail-type"] == "EC2 Instance State-change Notification"
    assert event["source"] == "aws.ec2"
    assert event["account"] == student.account_id
    assert event["region"] == "us-east-1"
    assert event["resources"] == [f"arn:aws:ec2:us-east-1:{student.account_id}:instance/{instance}"]
    assert event["detail"] == {"instance-id": instance, "state": "stopped"}
    assert _receive(sqs, url, timeout=3) == []  # pending, running, stopping: not matched


def test_put_events_with_an_input_transformer_and_cloudtrail_events(student, aws_worker):
    """A custom event through PutEvents reaches the queue shaped by the target's input
    transformer; a rule on "AWS API Call via CloudTrail" sees the CreateEventBus call."""
    sqs, url, queue_arn = _queue_for_rules(student, "orders")
    events = student.client("events")
    events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop.orders"]}))
    events.put_targets(
        Rule="orders",
        Targets=[
            {
                "Id": "q",
                "Arn": queue_arn,
                "InputTransformer": {
                    "InputPathsMap": {"id": "$.detail.orderId", "total": "$.detail.total"},
                    "InputTemplate": '{"order": <id>, "text": "Order <id> for <total> EUR"}',
                },
            }
        ],
    )
    calls = {"detail-type": ["AWS API Call via CloudTrail"], "source": ["aws.events"],
             "detail": {"eventName": ["CreateEventBus"]}}  # fmt: skip
    events.put_rule(Name="bus-created", EventPattern=json.dumps(calls))
    events.put_targets(Rule="bus-created", Targets=[{"Id": "q", "Arn": queue_arn}])

    out = events.put_events(
        Entries=[
            {"Source": "shop.orders", "DetailType": "placed",
             "Detail": json.dumps({"orderId": "o-17", "total": 42})},
            {"Source": "shop.orders", "DetailType": "placed"},
        ]
    )  # fmt: skip
    assert out["FailedEntryCount"] == 1
    assert out["Entries"][1]["ErrorCode"] == "InvalidArgument"
    events.create_event_bus(Name="audit")

    bodies = [json.loads(m["Body"]) for m in _receive(sqs, url, want=2)]
    assert {"order": "o-17", "text": "Order o-17 for 42 EUR"} in bodies
    api_call = next(b for b in bodies if b.get("detail-type") == "AWS API Call via CloudTrail")
    assert api_call["detail"]["eventSource"] == "events.amazonaws.com"
    assert api_call["detail"]["requestParameters"] == {"Name": "audit"}


def test_boto3_errors_paging_and_delete_rule_with_targets(student):
    events = student.client("events")
    with pytest.raises(ClientError) as info:
        events.describe_rule(Name="missing")
    error = info.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ResourceNotFoundException",
        "Rule missing does not exist on EventBus default.",
    )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as info:
        events.put_rule(Name="bad", ScheduleExpression="rate(1 minutes)")
    assert info.value.response["Error"]["Message"] == "Parameter ScheduleExpression is not valid."
    with pytest.raises(ClientError) as info:
        events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}] * 11)
    assert info.value.response["Error"]["Code"] == "ValidationException"

    for n in range(12):
        events.put_rule(Name=f"rule-{n:02}", EventPattern='{"source": ["x"]}')
    pages = events.get_paginator("list_rules").paginate(PaginationConfig={"PageSize": 5})
    names = [r["Name"] for page in pages for r in page["Rules"]]
    assert names == [f"rule-{n:02}" for n in range(12)]

    events.put_targets(
        Rule="rule-00",
        Targets=[{"Id": "t", "Arn": f"arn:aws:sqs:us-east-1:{student.account_id}:q"}],
    )
    with pytest.raises(ClientError) as info:
        events.delete_rule(Name="rule-00")
    assert info.value.response["Error"]["Message"] == "Rule can't be deleted since it has targets."
    events.remove_targets(Rule="rule-00", Ids=["t"])
    events.delete_rule(Name="rule-00")
    assert events.test_event_pattern(
        EventPattern='{"detail": {"n": [{"numeric": [">", 10]}]}}',
        Event=json.dumps({"id": "1", "account": student.account_id, "source": "s",
                          "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
                          "resources": [], "detail-type": "d", "detail": {"n": 11}}),
    )["Result"]  # fmt: skip


def test_cli_buses_rules_and_targets(student):
    made = student.cli("events", "create-event-bus", "--name", "orders")
    assert made.returncode == 0, made.stderr
    assert made.data["EventBusArn"].endswith(":event-bus/orders")
    rule = student.cli(
        "events", "put-rule", "--name", "placed", "--event-bus-name", "orders",
        "--event-pattern", '{"detail-type": ["placed"]}', "--state", "DISABLED",
    )  # fmt: skip
    assert rule.returncode == 0, rule.stderr
    listed = student.cli("events", "list-rules", "--event-bus-name", "orders")
    assert [(r["Name"], r["State"]) for r in listed.data["Rules"]] == [("placed", "DISABLED")]
    bad = student.cli("events", "put-rule", "--name", "x", "--event-pattern", '{"a": "b"}')
    assert bad.returncode != 0
    assert "InvalidEventPatternException" in bad.stderr
    gone = student.cli("events", "delete-event-bus", "--name", "default")
    assert gone.returncode != 0 and "ValidationException" in gone.stderr
    buses = student.cli("events", "list-event-buses")
    assert sorted(b["Name"] for b in buses.data["EventBuses"]) == ["default", "orders"]
