"""The unmodified AWS CLI against the live server: the SNS commands a lab uses, and an
error as the CLI prints it."""

from __future__ import annotations

import json


def test_cli_topic_subscribe_publish(student):
    made = student.cli("sns", "create-topic", "--name", "cli-topic")
    assert made.returncode == 0, made.stderr
    arn = made.data["TopicArn"]
    sub = student.cli("sns", "subscribe", "--topic-arn", arn, "--protocol", "sms",
                      "--notification-endpoint", "+15555550100")  # fmt: skip
    assert sub.returncode == 0, sub.stderr
    assert sub.data["SubscriptionArn"].startswith(arn + ":")
    listed = student.cli("sns", "list-subscriptions-by-topic", "--topic-arn", arn)
    assert [s["Endpoint"] for s in listed.data["Subscriptions"]] == ["+15555550100"]
    sent = student.cli("sns", "publish", "--topic-arn", arn, "--message", "hello",
                       "--message-attributes",
                       json.dumps({"k": {"DataType": "String", "StringValue": "v"}}))  # fmt: skip
    assert sent.returncode == 0 and sent.data["MessageId"]
    attrs = student.cli("sns", "get-topic-attributes", "--topic-arn", arn)
    assert attrs.data["Attributes"]["SubscriptionsConfirmed"] == "1"
    gone = student.cli("sns", "delete-topic", "--topic-arn", arn)
    assert gone.returncode == 0, gone.stderr
    assert student.cli("sns", "list-topics").data["Topics"] == []


def test_cli_prints_sns_errors(student):
    bad = student.cli("sns", "create-topic", "--name", "bad name")
    assert bad.returncode != 0
    assert (
        "An error occurred (InvalidParameter) when calling the CreateTopic operation: "
        "Invalid parameter: Topic Name" in bad.stderr
    )
    missing = student.cli("sns", "get-topic-attributes", "--topic-arn",
                          f"arn:aws:sns:us-east-1:{student.account_id}:nope")  # fmt: skip
    assert "(NotFound)" in missing.stderr and "Topic does not exist" in missing.stderr
