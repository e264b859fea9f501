"""The bucket's Properties tab: the "Event notifications" table with Create and Delete,
and the "Amazon EventBridge" on/off setting, each one PutBucketNotificationConfiguration
through the operation layer (so S3's checks and its test event are the console's too)."""

from __future__ import annotations

import json

from services.core import operations
from services.core.context import CallContext, Principal
from services.s3.models import Bucket
from tests.pages import text

BASE = "/us-east-1/s3/buckets/"


def make_queue(account, name: str, *, allow_s3: bool) -> tuple[str, str]:
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    url = operations.call(ctx, "sqs", "CreateQueue", {"QueueName": name})["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{account.id}:{name}"
    if allow_s3:
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                           "Action": "sqs:SendMessage", "Resource": arn}],
        }  # fmt: skip
        attributes = {"Policy": json.dumps(policy)}
        operations.call(
            ctx, "sqs", "SetQueueAttributes", {"QueueUrl": url, "Attributes": attributes}
        )
    return url, arn


def settings(console, bucket: str, **data):
    return console.post(f"{BASE}{bucket}/settings/", data, follow=True)


def test_create_and_delete_an_event_notification(console, account):
    console.post(BASE + "create/", {"name": "console-notif", "region": "us-east-1",
                                    "object_ownership": "BucketOwnerEnforced", "block_all": "on",
                                    "versioning": "Disabled", "encryption": "AES256"})  # fmt: skip
    url, arn = make_queue(account, "uploads", allow_s3=True)
    page = settings(
        console, "console-notif", what="notification_create", name="new-images",
        prefix="images/", suffix=".jpg", events=["s3:ObjectCreated:*"], destination="sqs", arn=arn,
    )  # fmt: skip
    shown = text(page)
    assert "Successfully edited the bucket's settings." in shown
    assert "new-images" in shown and "s3:ObjectCreated:*" in shown and "SQS queue" in shown
    stored = Bucket.objects.get(resource_id="console-notif").notification
    (item,) = stored["QueueConfigurations"]
    assert item["Filter"]["Key"]["FilterRules"] == [
        {"Name": "Prefix", "Value": "images/"},
        {"Name": "Suffix", "Value": ".jpg"},
    ]
    # S3 validated the queue with its test event, in the same call
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    got = operations.call(ctx, "sqs", "ReceiveMessage", {"QueueUrl": url})["Messages"]
    assert json.loads(got[0]["Body"])["Event"] == "s3:TestEvent"

    shown = text(settings(console, "console-notif", what="eventbridge", enabled="on"))
    assert "Send notifications to Amazon EventBridge for all events in this bucket: On" in shown
    assert (
        "EventBridgeConfiguration" in Bucket.objects.get(resource_id="console-notif").notification
    )

    shown = text(settings(console, "console-notif", what="notification_delete", id="new-images"))
    assert "No event notifications." in shown
    stored = Bucket.objects.get(resource_id="console-notif").notification
    assert "QueueConfigurations" not in stored and "EventBridgeConfiguration" in stored


def test_a_queue_that_does_not_allow_s3_is_the_consoles_error(console, account):
    console.post(BASE + "create/", {"name": "console-denied", "region": "us-east-1",
                                    "object_ownership": "BucketOwnerEnforced", "block_all": "on",
                                    "versioning": "Disabled", "encryption": "AES256"})  # fmt: skip
    _, arn = make_queue(account, "closed", allow_s3=False)
    shown = text(settings(console, "console-denied", what="notification_create", name="x",
                          events=["s3:ObjectCreated:Put"], destination="sqs", arn=arn))  # fmt: skip
    assert "Unable to validate the following destination configurations" in shown
    assert (
        "QueueConfigurations" not in Bucket.objects.get(resource_id="console-denied").notification
    )
    shown = text(settings(console, "console-denied", what="notification_create", name="x",
                          events=[], destination="sqs", arn=arn))  # fmt: skip
    assert "Choose at least one event type." in shown


def test_the_console_lists_recent_deliveries_and_keeps_the_last_50(console, account):
    console.post(BASE + "create/", {"name": "console-log", "region": "us-east-1",
                                    "object_ownership": "BucketOwnerEnforced", "block_all": "on",
                                    "versioning": "Disabled", "encryption": "AES256"})  # fmt: skip
    _, arn = make_queue(account, "log-queue", allow_s3=True)
    settings(console, "console-log", what="notification_create", name="all",
             events=["s3:ObjectCreated:*"], destination="sqs", arn=arn)  # fmt: skip
    ctx = CallContext(account, "us-east-1", Principal.root(account.id), "aws")
    for n in range(52):
        operations.call(ctx, "s3", "PutObject", {"Bucket": "console-log", "Key": f"k{n}"})
    stored = Bucket.objects.get(resource_id="console-log").notification
    assert [d["key"] for d in stored["Deliveries"]] == [f"k{n}" for n in range(2, 52)]
    assert stored["QueueConfigurations"][0]["Id"] == "all"  # the configuration is kept
    page = text(console.get(f"{BASE}console-log/?tab=properties"))
    assert "Recent events" in page and "k51" in page
