"""Queues through the AWS door with unmodified boto3: attributes and their limits,
FIFO names, CreateQueue's idempotence, GetQueueUrl across accounts, ListQueues paging,
tags, PurgeQueue's 60-second rule, redrive policies and AWS's errors."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def _code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_create_queue_defaults_and_url(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"{student.endpoint}/{student.account_id}/orders"
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:{student.account_id}:orders"
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["DelaySeconds"] == "0"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["SqsManagedSseEnabled"] == "true"
    assert "FifoQueue" not in attrs
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url
    # The same name with the same attributes answers the same queue.
    assert (
        sqs.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        == url
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "-1"),
        ("MessageRetentionPeriod", "59"),
        ("MessageRetentionPeriod", "1209601"),
        ("DelaySeconds", "901"),
        ("MaximumMessageSize", "1023"),
        ("MaximumMessageSize", "1048577"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("VisibilityTimeout", "ten"),
    ],
)
def test_attribute_limits(student, name, value):
    sqs = student.client("sqs")
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="limits", Attributes={name: value})
    assert _code(excinfo) == "InvalidAttributeValue"
    assert excinfo.value.response["Error"]["Message"] == f"Invalid value for the parameter {name}."
    assert sqs.list_queues().get("QueueUrls") is None  # nothing was made


def test_limits_at_the_edges_are_accepted(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(
        QueueName="edges",
        Attributes={
            "VisibilityTimeout": "43200",
            "MessageRetentionPeriod": "60",
            "DelaySeconds": "900",
            "MaximumMessageSize": "1024",
            "ReceiveMessageWaitTimeSeconds": "20",
        },
    )["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "1209600"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod"])
    assert attrs["Attributes"] == {"MessageRetentionPeriod": "1209600"}


def test_queue_names_and_fifo(student):
    sqs = student.client("sqs")
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="bad name!")
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="jobs.fifo")  # .fifo without FifoQueue
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="jobs", Attributes={"FifoQueue": "true"})
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="std", Attributes={"ContentBasedDeduplication": "true"})
    assert _code(excinfo) == "InvalidAttributeName"
    url = sqs.create_queue(
        QueueName="jobs.fifo",
        Attributes={"FifoQueue": "true", "DeduplicationScope": "messageGroup",
                    "FifoThroughputLimit": "perMessageGroupId"},
    )["QueueUrl"]  # fmt: skip
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    assert attrs["DeduplicationScope"] == "messageGroup"
    assert attrs["FifoThroughputLimit"] == "perMessageGroupId"


def test_create_existing_with_other_attributes(student):
    sqs = student.client("sqs")
    sqs.create_queue(QueueName="dupe")
    with pytest.raises(sqs.exceptions.QueueNameExists) as excinfo:
        sqs.create_queue(QueueName="dupe", Attributes={"VisibilityTimeout": "60"})
    assert _code(excinfo) == "QueueAlreadyExists"
    assert "VisibilityTimeout" in excinfo.value.response["Error"]["Message"]


def test_unknown_queue_and_attribute(student):
    sqs = student.client("sqs")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as excinfo:
        sqs.get_queue_url(QueueName="missing")
    assert _code(excinfo) == "AWS.SimpleQueueService.NonExistentQueue"
    assert excinfo.value.response["Error"]["Message"] == "The specified queue does not exist."
    url = sqs.create_queue(QueueName="known")["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"QueueArn": "x"})
    assert _code(excinfo) == "InvalidAttributeName"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url + "-nope", MessageBody="x")


def test_list_queues_prefix_and_paging(student):
    sqs = student.client("sqs")
    for name in ("a-1", "a-2", "a-3", "b-1"):
        sqs.create_queue(QueueName=name)
    everything = sqs.list_queues()["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in everything] == ["a-1", "a-2", "a-3", "b-1"]
    assert len(sqs.list_queues(QueueNamePrefix="a-")["QueueUrls"]) == 3
    first = sqs.list_queues(QueueNamePrefix="a-", MaxResults=2)
    assert len(first["QueueUrls"]) == 2
    second = sqs.list_queues(QueueNamePrefix="a-", MaxResults=2, NextToken=first["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in second["QueueUrls"]] == ["a-3"]
    assert "NextToken" not in second
    paged = sqs.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 1})
    assert sum(len(p.get("QueueUrls", [])) for p in paged) == 4


def test_tags(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "lab"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "lab"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "lab"}


def test_purge_once_per_minute(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="purged")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")
    sqs.purge_queue(QueueUrl=url)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "0"
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as excinfo:
        sqs.purge_queue(QueueUrl=url)
    assert _code(excinfo) == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert "Only one PurgeQueue operation on purged is allowed every 60 seconds." in str(
        excinfo.value
    )


def test_delete_then_recreate_waits_a_minute(student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="gone")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="gone")
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="gone")
    assert _code(excinfo) == "AWS.SimpleQueueService.QueueDeletedRecently"


def test_redrive_policy_checks_and_sources(student):
    sqs = student.client("sqs")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": dlq_arn + "x", "maxReceiveCount": 3})})  # fmt: skip
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 0})})  # fmt: skip
    assert "maxReceiveCount" in excinfo.value.response["Error"]["Message"]
    src = sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})["QueueUrl"]  # fmt: skip
    policy = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])
    assert json.loads(policy["Attributes"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}  # fmt: skip
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [dlq_arn]})})  # fmt: skip
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": "{}"})
    assert _code(excinfo) == "InvalidParameterValue"


def test_get_queue_url_of_another_account(student, transactional_db):
    from services.core.accounts import create_account

    other = create_account("other@example.com", "correct horse battery", alias="other")
    theirs = student.client(
        "sqs",
        key_id=other.access_key.access_key_id,
        secret=other.access_key.secret_access_key,
    )
    url = theirs.create_queue(QueueName="shared")["QueueUrl"]
    sqs = student.client("sqs")
    # Without a queue policy the other account may neither find nor send.
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_url(QueueName="shared", QueueOwnerAWSAccountId=other.account.id)
    assert _code(excinfo) == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="hi")
    assert _code(excinfo) == "AccessDenied"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    theirs.add_permission(QueueUrl=url, Label="lab", AWSAccountIds=[student.account_id],
                          Actions=["SendMessage", "GetQueueUrl"])  # fmt: skip
    found = sqs.get_queue_url(QueueName="shared", QueueOwnerAWSAccountId=other.account.id)
    assert found["QueueUrl"] == url
    assert sqs.send_message(QueueUrl=url, MessageBody="hi")["MessageId"]
    with pytest.raises(ClientError) as excinfo:
        sqs.receive_message(QueueUrl=url)
    assert _code(excinfo) == "AccessDenied"
    theirs.remove_permission(QueueUrl=url, Label="lab")
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=url, MessageBody="hi")
