"""The SQS console pages through Django's test client: queue list, Create queue
(standard and FIFO, DLQ, access policy), details with tabs, Purge and Delete with their
typed confirmations, Send and receive messages with Poll for messages."""

from __future__ import annotations

import json

from services.core import operations
from services.sqs.models import Message, Queue

BASE = "/us-east-1/sqs/queues/"


def _call(ctx, action, **params):
    return operations.call(ctx, "sqs", action, params)


def test_create_standard_queue_with_dlq_and_policy(console, ctx):
    _call(ctx, "CreateQueue", QueueName="orders-dlq")
    dlq_arn = f"arn:aws:sqs:us-east-1:{ctx.account.id}:orders-dlq"
    page = console.get(BASE + "create/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Create queue" in body and "CLI equivalent" in body and "aws sqs create-queue" in body
    assert dlq_arn in body  # offered as a dead-letter queue
    done = console.post(BASE + "create/", {
        "type": "standard", "name": "orders", "visibility_timeout": "45", "retention": "345600",
        "delay": "0", "max_size": "262144", "receive_wait": "5", "sse": "on",
        "policy_method": "basic", "senders": "owner", "dlq_enabled": "on", "dlq_arn": dlq_arn,
        "max_receive_count": "3", "tag_key": "team", "tag_value": "shop",
    })  # fmt: skip
    assert done.status_code == 302 and done["Location"] == BASE + "orders/"
    queue = Queue.objects.get(resource_id="orders")
    assert queue.visibility_timeout == 45 and queue.receive_wait == 5
    assert json.loads(queue.redrive_policy)["maxReceiveCount"] == 3
    assert json.loads(queue.policy)["Statement"][0]["Principal"] == {
        "AWS": [f"arn:aws:iam::{ctx.account.id}:root"]}  # fmt: skip
    assert queue.tags == {"team": "shop"}
    detail = console.get(BASE + "orders/").content.decode()
    assert "Send and receive messages" in detail and "Standard" in detail
    assert f"arn:aws:sqs:us-east-1:{ctx.account.id}:orders" in detail
    for tab in ("monitoring", "policy", "encryption", "dlq", "redrive-allow", "tags", "redrive"):
        assert console.get(BASE + f"orders/?tab={tab}").status_code == 200
    dlq_page = console.get(BASE + "orders-dlq/?tab=redrive").content.decode()
    assert "Start DLQ redrive" in dlq_page
    listing = console.get(BASE).content.decode()
    assert "orders-dlq" in listing and 'data-queue="orders"' in listing


def test_create_fifo_queue_and_errors_change_nothing(console, ctx):
    bad = console.post(BASE + "create/", {"type": "fifo", "name": "jobs", "sse": "on"})
    assert bad.status_code == 200
    assert "InvalidParameterValue" in bad.content.decode()
    assert not Queue.objects.exists()
    done = console.post(BASE + "create/", {"type": "fifo", "name": "jobs.fifo",
                                           "content_based_dedup": "on", "sse": "on"})  # fmt: skip
    assert done.status_code == 302
    queue = Queue.objects.get(resource_id="jobs.fifo")
    assert queue.fifo and queue.content_based_dedup


def test_send_poll_delete_purge_and_delete(console, ctx):
    _call(ctx, "CreateQueue", QueueName="work")
    page = console.get("/us-east-1/sqs/queues/work/send-receive/").content.decode()
    assert "Poll for messages" in page and "aws sqs receive-message" in page
    sent = console.post(
        "/us-east-1/sqs/queues/work/send-receive/",
        {"body": "hello", "delay": "0", "attr_name": "k", "attr_type": "String", "attr_value": "v"},
    )
    assert sent.status_code == 302
    assert Message.objects.get().body == "hello"
    polled = console.post("/us-east-1/sqs/queues/work/poll/", {
        "duration": "20", "count": "1", "shown": "0", "started": "9999999999"})  # fmt: skip
    assert polled.status_code == 286  # the one message asked for: polling stops
    rows = polled.content.decode()
    assert "hello" in rows and 'value="1"' in rows
    handle = rows.split('name="receipt" value="')[1].split('"')[0]
    console.post("/us-east-1/sqs/queues/work/delete-messages/", {"receipt": [handle]})
    assert not Message.objects.exists()
    _call(ctx, "SendMessage", QueueUrl=f"http://x/{ctx.account.id}/work", MessageBody="again")
    refused = console.post("/us-east-1/sqs/queues/work/purge/", {"confirm": "yes"})
    assert refused.status_code == 302 and Message.objects.exists()
    console.post("/us-east-1/sqs/queues/work/purge/", {"confirm": "purge"})
    assert not Message.objects.exists()
    console.post("/us-east-1/sqs/queues/work/delete/", {"confirm": "nope"})
    assert Queue.objects.filter(resource_id="work").exists()
    gone = console.post("/us-east-1/sqs/queues/work/delete/", {"confirm": "delete"})
    assert gone["Location"] == BASE
    assert not Queue.objects.filter(resource_id="work").exists()


def test_rest_lists_queues_with_attributes(ctx, console):
    _call(ctx, "CreateQueue", QueueName="api-queue", tags={"a": "b"})
    found = console.get("/api/v1/sqs/queues/")
    assert found.status_code == 200, found.content
    data = found.json()
    items = data["results"] if isinstance(data, dict) and "results" in data else data
    assert [i["id"] for i in items] == ["api-queue"]
    one = console.get("/api/v1/sqs/queues/api-queue/")
    assert one.status_code == 200, one.content
