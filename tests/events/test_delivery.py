"""What the worker does, in process against real SQS and SNS rows: scheduled rules fire
"Scheduled Event"s to their targets, SNS topics take matched events, a queue policy
that does not let EventBridge in refuses the delivery, and a refused event goes to the
target's dead-letter queue with AWS's attributes saying why."""

from __future__ import annotations

import json

import pytest

from services.core import operations
from services.core.context import CallContext, Principal
from services.events import dispatch, tasks
from services.events.models import Rule


@pytest.fixture
def ctx(account):
    return CallContext(
        account=account, region="us-east-1", principal=Principal.root(account.id), door="aws"
    )


def call(ctx, service: str, action: str, **params) -> dict:
    return operations.call(ctx, service, action, params)


def queue(ctx, name: str, *, open_to_events: bool = True) -> tuple[str, str]:
    url = call(ctx, "sqs", "CreateQueue", QueueName=name)["QueueUrl"]
    arn = call(ctx, "sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    if open_to_events:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                }
            ],
        }
        call(
            ctx,
            "sqs",
            "SetQueueAttributes",
            QueueUrl=url,
            Attributes={"Policy": json.dumps(policy)},
        )
    return url, arn


def received(ctx, url: str) -> list[dict]:
    return call(
        ctx, "sqs", "ReceiveMessage", QueueUrl=url, MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
    ).get("Messages", [])  # fmt: skip


def test_a_scheduled_rule_fires_a_scheduled_event_to_its_target(ctx, account):
    url, arn = queue(ctx, "ticks")
    call(ctx, "events", "PutRule", Name="every-minute", ScheduleExpression="rate(1 minute)")
    call(ctx, "events", "PutTargets", Rule="every-minute", Targets=[{"Id": "q", "Arn": arn}])
    call(
        ctx, "events", "PutRule", Name="off", ScheduleExpression="rate(1 minute)", State="DISABLED"
    )
    call(ctx, "events", "PutTargets", Rule="off", Targets=[{"Id": "q", "Arn": arn}])
    assert tasks.fire_due() == 1  # STRATOLAB_TIME_SCALE 0 in tests: due at once
    (message,) = received(ctx, url)
    event = json.loads(message["Body"])
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [f"arn:aws:events:us-east-1:{account.id}:rule/every-minute"]
    assert event["detail"] == {}
    rule = Rule.objects.get(resource_id="every-minute")
    assert rule.last_fired_at is not None and rule.next_fire_at is not None


def test_a_queue_that_does_not_let_eventbridge_in_refuses_and_the_dlq_gets_it(ctx, account):
    closed_url, closed = queue(ctx, "closed", open_to_events=False)
    dlq_url, dlq = queue(ctx, "rule-dlq")
    call(ctx, "events", "PutRule", Name="r", EventPattern='{"source": ["my.app"]}')
    target = {"Id": "q", "Arn": closed, "DeadLetterConfig": {"Arn": dlq}}
    call(ctx, "events", "PutTargets", Rule="r", Targets=[target])
    event = dispatch.envelope(account.id, "us-east-1", source="my.app", detail_type="d", detail={})
    items = [{"account": account.id, "region": "us-east-1", "bus": "default", "event": event}]
    assert dispatch.route(items) == 0
    assert received(ctx, closed_url) == []
    (dead,) = received(ctx, dlq_url)
    assert json.loads(dead["Body"]) == event
    attributes = dead["MessageAttributes"]
    assert attributes["RULE_ARN"]["StringValue"].endswith(":rule/r")
    assert attributes["TARGET_ARN"]["StringValue"] == closed
    assert attributes["ERROR_CODE"]["StringValue"]


def test_an_sns_topic_target_takes_the_matched_event(ctx, account):
    topic = call(ctx, "sns", "CreateTopic", Name="alerts")["TopicArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic,
            }
        ],
    }
    call(ctx, "sns", "SetTopicAttributes", TopicArn=topic, AttributeName="Policy",
         AttributeValue=json.dumps(policy))  # fmt: skip
    call(ctx, "events", "PutRule", Name="r", EventPattern='{"source": ["my.app"]}')
    call(ctx, "events", "PutTargets", Rule="r", Targets=[{"Id": "t", "Arn": topic}])
    event = dispatch.envelope(account.id, "us-east-1", source="my.app", detail_type="d", detail={})
    items = [{"account": account.id, "region": "us-east-1", "bus": "default", "event": event}]
    assert dispatch.route(items) == 1


def test_an_sns_topic_without_a_policy_for_eventbridge_refuses(ctx, account):
    topic = call(ctx, "sns", "CreateTopic", Name="private")["TopicArn"]
    call(ctx, "events", "PutRule", Name="r", EventPattern='{"source": ["my.app"]}')
    call(ctx, "events", "PutTargets", Rule="r", Targets=[{"Id": "t", "Arn": topic}])
    event = dispatch.envelope(account.id, "us-east-1", source="my.app", detail_type="d", detail={})
    items = [{"account": account.id, "region": "us-east-1", "bus": "default", "event": event}]
    assert dispatch.route(items) == 0


def test_celery_beat_fires_the_schedules(settings):
    from console.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["events-schedules"]
    assert entry["task"] == tasks.fire_schedules.name
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
