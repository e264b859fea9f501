"""Messages through the AWS door with unmodified boto3: sending and receiving (single
and batch, per-entry errors), attributes and their MD5s, visibility (SQS-01), delays,
FIFO order and de-duplication (SQS-02), long polling and dead-letter queues (SQS-03)."""

from __future__ import annotations

import hashlib
import json
import threading
import time

import pytest
from botocore.exceptions import ClientError


def _code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def _count(sqs, url: str, name: str = "ApproximateNumberOfMessages") -> int:
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"][name])


def test_sqs_01_visibility_timeout_and_message_size_limit(student):
    """SQS-01: messages up to the queue's MaximumMessageSize (256 KiB when set so; AWS's
    limit and default are 1 MiB today, 256 KiB before 2025); a received message is invisible for
    the visibility timeout, then returns unless deleted."""
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="work", Attributes={
        "VisibilityTimeout": "2", "MaximumMessageSize": "262144"})["QueueUrl"]  # fmt: skip
    big = "x" * 262_144
    assert sqs.send_message(QueueUrl=url, MessageBody=big)["MD5OfMessageBody"] == (
        hashlib.md5(big.encode()).hexdigest()
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody=big + "x")
    assert _code(excinfo) == "InvalidParameterValue"
    assert "Message must be shorter than 262144 bytes" in str(excinfo.value)
    roomy = sqs.create_queue(QueueName="roomy")["QueueUrl"]
    sqs.send_message(QueueUrl=roomy, MessageBody="y" * 1_048_576)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=roomy, MessageBody="y" * 1_048_577)
    assert "Message must be shorter than 1048576 bytes" in str(excinfo.value)
    first = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
    assert first["Attributes"]["ApproximateReceiveCount"] == "1"
    # In flight: nobody else gets it.
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert _count(sqs, url, "ApproximateNumberOfMessagesNotVisible") == 1
    time.sleep(2.2)
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
    assert again["MessageId"] == first["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    # ChangeMessageVisibility to 0 makes it visible at once; a delete ends it.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"],
                                  VisibilityTimeout=0)  # fmt: skip
    third = sqs.receive_message(QueueUrl=url, VisibilityTimeout=1)["Messages"][0]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"])
    time.sleep(1.2)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"],
                                      VisibilityTimeout=10)  # fmt: skip
    assert _code(excinfo) == "AWS.SimpleQueueService.MessageNotInflight"


def test_sqs_02_fifo_order_per_group_and_deduplication(student):
    """SQS-02: FIFO queues keep order per message group and de-duplicate."""
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="orders.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]  # fmt: skip
    sent = []
    for i in range(3):
        for group in ("a", "b"):
            sent.append(sqs.send_message(QueueUrl=url, MessageBody=f"{group}{i}",
                                         MessageGroupId=group))  # fmt: skip
    numbers = [int(s["SequenceNumber"]) for s in sent]
    assert numbers == sorted(numbers)
    # Content-based: the same body again within 5 minutes is accepted, not enqueued.
    dup = sqs.send_message(QueueUrl=url, MessageBody="a0", MessageGroupId="a")
    assert dup["MessageId"] == sent[0]["MessageId"]
    # Explicit ids de-duplicate too (whatever the body).
    one = sqs.send_message(QueueUrl=url, MessageBody="c0", MessageGroupId="c",
                           MessageDeduplicationId="order-1")  # fmt: skip
    two = sqs.send_message(QueueUrl=url, MessageBody="c-other", MessageGroupId="c",
                           MessageDeduplicationId="order-1")  # fmt: skip
    assert one["MessageId"] == two["MessageId"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
    bodies = [m["Body"] for m in got["Messages"]]
    assert [b for b in bodies if b[0] == "a"] == ["a0", "a1", "a2"]
    assert [b for b in bodies if b[0] == "b"] == ["b0", "b1", "b2"]
    assert bodies.count("c0") == 1 and "c-other" not in bodies
    first = got["Messages"][0]["Attributes"]
    assert first["MessageGroupId"] == "a" and first["SequenceNumber"] == sent[0]["SequenceNumber"]
    # While group a is in flight, none of its messages is handed out.
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)


def test_fifo_group_waits_for_in_flight_message(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="g.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for i in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g",
                         MessageDeduplicationId=f"d{i}")  # fmt: skip
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert first["Body"] == "m0"
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "m1"


def test_fifo_send_errors(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="e.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="1")
    assert _code(excinfo) == "MissingParameter"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert "ContentBasedDeduplication" in str(excinfo.value)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g",
                         MessageDeduplicationId="1", DelaySeconds=5)  # fmt: skip
    assert _code(excinfo) == "InvalidParameterValue"
    assert _count(sqs, url) == 0


def test_sqs_03_long_polling_waits_and_returns_when_a_message_arrives(student):
    """SQS-03: long polling waits up to 20 s for a message."""
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="poll")["QueueUrl"]
    started = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)
    assert time.monotonic() - started >= 1.9

    sender = student.client("sqs")
    timer = threading.Timer(1.0, lambda: sender.send_message(QueueUrl=url, MessageBody="late"))
    timer.start()
    started = time.monotonic()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
    elapsed = time.monotonic() - started
    timer.join()
    assert got["Messages"][0]["Body"] == "late"
    assert 0.8 <= elapsed < 5


def test_long_polling_from_the_queue_attribute_and_delays(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="slow", Attributes={
        "ReceiveMessageWaitTimeSeconds": "5", "DelaySeconds": "1"})["QueueUrl"]  # fmt: skip
    sqs.send_message(QueueUrl=url, MessageBody="delayed")
    assert _count(sqs, url, "ApproximateNumberOfMessagesDelayed") == 1
    started = time.monotonic()
    got = sqs.receive_message(QueueUrl=url)  # waits by the queue's attribute
    assert got["Messages"][0]["Body"] == "delayed"
    assert 0.5 <= time.monotonic() - started < 4
    # A per-message delay beats the queue's.
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=0)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"][0]["Body"] == "later"


def test_sqs_03_dead_letter_queue_after_max_receive_count(student, aws_worker):
    """SQS-03: a dead-letter queue receives messages after maxReceiveCount receives;
    StartMessageMoveTask moves them back."""
    sqs = student.client("sqs")
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]  # fmt: skip
    src = sqs.create_queue(QueueName="orders-src", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})})["QueueUrl"]  # fmt: skip
    src_arn = f"arn:aws:sqs:us-east-1:{student.account_id}:orders-src"
    sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=src)  # the third receive moves it
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"], VisibilityTimeout=0)
    message = moved["Messages"][0]
    assert message["Body"] == "poison"
    assert message["Attributes"]["DeadLetterQueueSourceArn"] == src_arn
    task = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        if tasks[0]["Status"] == "COMPLETED":
            break
        time.sleep(0.3)
    assert tasks[0]["Status"] == "COMPLETED" and tasks[0]["ApproximateNumberOfMessagesMoved"] == 1
    assert sqs.receive_message(QueueUrl=src)["Messages"][0]["Body"] == "poison"
    with pytest.raises(ClientError) as excinfo:
        sqs.cancel_message_move_task(TaskHandle=task)
    assert _code(excinfo) == "AWS.SimpleQueueService.UnsupportedOperation"


def test_move_task_needs_a_dead_letter_queue(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="plain")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=arn)
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=arn + "-missing")
    assert _code(excinfo) == "ResourceNotFoundException"


def test_batches_with_per_entry_errors(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="batch")["QueueUrl"]
    sent = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": "one"},
        {"Id": "bad", "MessageBody": "two", "DelaySeconds": 901},
        {"Id": "attr", "MessageBody": "three",
         "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "not"}}},
    ])  # fmt: skip
    assert [e["Id"] for e in sent["Successful"]] == ["ok"]
    assert {e["Id"]: e["Code"] for e in sent["Failed"]} == {
        "bad": "InvalidParameterValue", "attr": "InvalidParameterValue"}  # fmt: skip
    assert all(e["SenderFault"] for e in sent["Failed"])
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=url, Entries=[])
    assert _code(excinfo) == "AWS.SimpleQueueService.EmptyBatchRequest"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "x", "MessageBody": "1"}] * 2)
    assert _code(excinfo) == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"e{i}", "MessageBody": "1"} for i in range(11)])  # fmt: skip
    assert _code(excinfo) == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"e{i}", "MessageBody": "x" * 400_000} for i in range(3)])  # fmt: skip
    assert _code(excinfo) == "AWS.SimpleQueueService.BatchRequestTooLong"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "no spaces", "MessageBody": "1"}])
    assert _code(excinfo) == "AWS.SimpleQueueService.InvalidBatchEntryId"
    assert _count(sqs, url) == 1
    got = sqs.receive_message(QueueUrl=url)["Messages"][0]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": got["ReceiptHandle"]},
        {"Id": "b", "ReceiptHandle": "not-a-handle"},
    ])  # fmt: skip
    assert [e["Id"] for e in deleted["Successful"]] == ["a"]
    assert deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    changed = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": got["ReceiptHandle"], "VisibilityTimeout": 5}])  # fmt: skip
    assert changed["Failed"][0]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"


def test_message_attributes_and_their_md5(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="attrs")["QueueUrl"]
    attributes = {
        "city": {"DataType": "String", "StringValue": "Lyon"},
        "count": {"DataType": "Number", "StringValue": "3"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        "price.usd": {"DataType": "Number.float", "StringValue": "1.5"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody="hi", MessageAttributes=attributes)
    got = sqs.receive_message(
        QueueUrl=url,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["SentTimestamp", "SenderId"],
    )
    message = got["Messages"][0]
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert set(message["Attributes"]) == {"SentTimestamp", "SenderId"}
    assert message["Attributes"]["SenderId"] == student.account_id
    # A name prefix picks some of them.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                  VisibilityTimeout=0)  # fmt: skip
    picked = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["ci*", "price.*"])
    assert set(picked["Messages"][0]["MessageAttributes"]) == {"price.usd"}
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={
            "AWS.reserved": {"DataType": "String", "StringValue": "v"}})  # fmt: skip
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="bad \x01 char")
    assert _code(excinfo) == "InvalidMessageContents"


def test_receive_parameter_ranges(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="ranges")["QueueUrl"]
    for kwargs in ({"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0},
                   {"WaitTimeSeconds": 21}, {"VisibilityTimeout": 43201}):  # fmt: skip
        with pytest.raises(ClientError) as excinfo:
            sqs.receive_message(QueueUrl=url, **kwargs)
        assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage")
    assert _code(excinfo) == "ReceiptHandleIsInvalid"
