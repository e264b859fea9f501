"""The lab "Decouple an order pipeline with SNS fan-out to two queues and a dead-letter
queue" (labs/decouple_order_pipeline): followed through the operation layer as the AWS
door calls it, with the worker delivering SNS's fan-out, every step passes; a fresh
sandbox passes none; the typical mistakes fail the step that teaches them."""

from __future__ import annotations

import json
import time

import pytest

from services.classrooms import labs, reset

from .conftest import results

SLUG = "decouple_order_pipeline"


def test_a_fresh_sandbox_passes_no_step(account):
    reset.apply_starting_state(labs.get(SLUG), account)
    result = results(SLUG, account)
    assert result.passed_steps == 0, [s.title for s in result.steps if s.passed]


def queue(aws, name: str, **attributes: str) -> tuple[str, str]:
    url = aws("sqs", "CreateQueue", QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = aws("sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def sns_may_send(queue_arn: str, topic_arn: str | None) -> str:
    statement: dict = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
    }
    if topic_arn:
        statement["Condition"] = {"ArnEquals": {"aws:SourceArn": topic_arn}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def build(aws, *, max_receives: str = "3", source_condition: bool = True,
          subscribe_dlq: bool = False) -> dict:  # fmt: skip
    topic = aws("sns", "CreateTopic", Name="orders")["TopicArn"]
    dlq_url, dlq_arn = queue(aws, "orders-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives})
    billing_url, billing_arn = queue(aws, "orders-billing", RedrivePolicy=redrive)
    shipping_url, shipping_arn = queue(aws, "orders-shipping")
    for url, arn in ((billing_url, billing_arn), (shipping_url, shipping_arn)):
        policy = sns_may_send(arn, topic if source_condition else None)
        aws("sqs", "SetQueueAttributes", QueueUrl=url, Attributes={"Policy": policy})
        aws("sns", "Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=arn)
    if subscribe_dlq:
        aws("sns", "Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=dlq_arn)
    return {"topic": topic, "billing": billing_url, "shipping": shipping_url, "dlq": dlq_url}


def receive(aws, url: str, *, timeout: float = 20, visibility: int | None = None) -> list[dict]:
    """Poll until the worker has delivered something (no long poll in the test thread)."""
    deadline = time.monotonic() + timeout
    params: dict = {"QueueUrl": url, "MaxNumberOfMessages": 10}
    if visibility is not None:
        params["VisibilityTimeout"] = visibility
    while time.monotonic() < deadline:
        got = aws("sqs", "ReceiveMessage", **params).get("Messages", [])
        if got:
            return got
        time.sleep(0.3)
    return []


def step_results(account) -> list[bool]:
    return [s.passed for s in results(SLUG, account).steps]


@pytest.mark.worker
def test_the_lab_passes_when_followed(aws, account, transactional_db, worker):
    """SNS-01 (fan-out), SQS-01 and SQS-03 (a message not deleted returns, then moves to
    the dead-letter queue) taught by the lab's steps."""
    pipeline = build(aws)
    assert step_results(account) == [True, True, True, True, True, False, False]

    aws("sns", "Publish", TopicArn=pipeline["topic"], Message='{"order": 1001}')
    for name in ("billing", "shipping"):
        (message,) = receive(aws, pipeline[name])
        envelope = json.loads(message["Body"])
        assert (envelope["Type"], envelope["TopicArn"]) == ("Notification", pipeline["topic"])
        aws("sqs", "DeleteMessage", QueueUrl=pipeline[name], ReceiptHandle=message["ReceiptHandle"])
    assert step_results(account)[5] is True

    aws("sns", "Publish", TopicArn=pipeline["topic"], Message='{"order": 1002}')
    assert receive(aws, pipeline["billing"], visibility=0)  # receive 1 of 3
    for _ in range(2):  # received again, never deleted
        assert receive(aws, pipeline["billing"], visibility=0, timeout=5)
    assert receive(aws, pipeline["billing"], visibility=0, timeout=2) == []  # moved aside
    (poison,) = receive(aws, pipeline["dlq"])
    assert json.loads(json.loads(poison["Body"])["Message"]) == {"order": 1002}
    result = results(SLUG, account)
    assert result.complete, [
        (s.title, [(c.label, c.message) for c in s.checks]) for s in result.steps
    ]


def test_a_policy_without_the_topic_condition_fails(aws, account):
    build(aws, source_condition=False)
    step = results(SLUG, account).steps[3]
    assert not step.passed
    assert "without an aws:SourceArn condition" in step.checks[0].message


def test_subscribing_the_dead_letter_queue_fails_the_fan_out_step(aws, account):
    build(aws, subscribe_dlq=True)
    step = results(SLUG, account).steps[4]
    assert [c.passed for c in step.checks] == [True, False]


def test_a_large_max_receive_count_fails(aws, account):
    build(aws, max_receives="100")
    step = results(SLUG, account).steps[2]
    assert [c.passed for c in step.checks] == [True, False]


def test_a_redrive_policy_to_another_queue_fails(aws, account):
    build(aws)
    _, other = queue(aws, "somewhere-else")
    url = aws("sqs", "GetQueueUrl", QueueName="orders-billing")["QueueUrl"]
    redrive = json.dumps({"deadLetterTargetArn": other, "maxReceiveCount": "3"})
    aws("sqs", "SetQueueAttributes", QueueUrl=url, Attributes={"RedrivePolicy": redrive})
    step = results(SLUG, account).steps[2]
    assert [c.passed for c in step.checks] == [False, True]
