"""Who may use a queue (IAM policies and the queue policy), what the worker does
(retention expiry), what a long poll holds while it waits, and SQS's place in the
registry (the lab-check name, classroom reset)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError
from django.db import connection
from django.utils import timezone

from services.core import operations
from services.core.context import CallContext, Principal
from services.sqs.models import Message, Queue


def _root(account) -> CallContext:
    return CallContext(account=account, region="us-east-1", principal=Principal.root(account.id),
                       door="aws")  # fmt: skip


def _code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_iam_user_needs_a_policy_and_the_queue_policy_can_grant(student):
    iam = student.client("iam")
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="team")["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{student.account_id}:team"
    iam.create_user(UserName="dev")
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    dev = student.client("sqs", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    with pytest.raises(ClientError) as excinfo:
        dev.send_message(QueueUrl=url, MessageBody="x")
    assert _code(excinfo) == "AccessDenied"
    assert f"sqs:SendMessage on resource: {arn}" in str(excinfo.value)
    iam.put_user_policy(UserName="dev", PolicyName="send", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                "Resource": arn}]}))  # fmt: skip
    assert dev.send_message(QueueUrl=url, MessageBody="x")["MessageId"]
    with pytest.raises(ClientError):
        dev.receive_message(QueueUrl=url)
    # The queue policy alone may grant a principal of the owner's account.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{student.account_id}:user/dev"},
            "Action": "sqs:ReceiveMessage", "Resource": arn}]})})  # fmt: skip
    assert dev.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "x"
    # An explicit deny in the queue policy wins over the user's allow.
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "Policy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sqs:SendMessage",
                            "Resource": arn,
                        }
                    ],
                }
            )
        },
    )
    with pytest.raises(ClientError) as excinfo:
        dev.send_message(QueueUrl=url, MessageBody="x")
    assert _code(excinfo) == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{not json"})
    assert _code(excinfo) == "InvalidParameterValue"


@pytest.mark.django_db(transaction=True)
def test_retention_expiry_by_the_worker_task(account):
    from services.sqs import tasks

    ctx = _root(account)
    url = operations.call(
        ctx,
        "sqs",
        "CreateQueue",
        {"QueueName": "short", "Attributes": {"MessageRetentionPeriod": "60"}},
    )["QueueUrl"]
    operations.call(ctx, "sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "old"})
    operations.call(ctx, "sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "new"})
    Message.objects.filter(body="old").update(sent_at=timezone.now() - dt.timedelta(seconds=61))
    # Past its retention a message is never received, even before the sweep runs.
    got = operations.call(
        ctx, "sqs", "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10}
    )
    assert [m["Body"] for m in got["Messages"]] == ["new"]
    assert tasks.expire_messages() == 1
    assert list(Message.objects.values_list("body", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_a_long_poll_waits_without_a_database_connection(account, monkeypatch):
    from services.core.gateway.wire import WireResponse
    from services.sqs import door, polling, wake

    ctx = _root(account)
    operations.call(ctx, "sqs", "CreateQueue", {"QueueName": "idle"})
    queue = Queue.objects.get()
    seen = []
    original = wake.Waiter.wait

    def watched(self, seconds):
        seen.append(connection.connection is None)
        return original(self, min(seconds, 0.2))

    monkeypatch.setattr(wake.Waiter, "wait", watched)

    def answer():
        Queue.objects.count()  # a look opens the connection again
        polling.note(polling.Pending(queue.pk, 1, None))
        return WireResponse(200, b"{}")

    assert door._polled(answer).status == 200
    assert seen and all(seen)


def test_queues_are_a_lab_check_name_and_a_reset_empties_them(account):
    from services.classrooms import catalog
    from services.classrooms.reset import wipe

    ctx = _root(account)
    operations.call(ctx, "sqs", "CreateQueue", {"QueueName": "lab", "tags": {"k": "v"}})
    items = catalog.Reader(account, "us-east-1").items("sqs.queues")
    assert [i["QueueName"] for i in items] == ["lab"]
    assert items[0]["Attributes"]["VisibilityTimeout"] == "30" and items[0]["Tags"] == {"k": "v"}
    wipe(account)
    assert not Queue.objects.exists()
