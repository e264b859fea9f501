"""The other ways in: the query protocol older SDKs speak (form parameters such as
`Attribute.1.Name`, POSTed to the queue URL, XML answers), the AWS CLI (v1 needs
--endpoint-url for sqs, whatever AWS_ENDPOINT_URL says), and deliveries from other
services through services/sqs/delivery.py, decided by the queue policy."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}


def _query(student, url: str, params: dict) -> requests.Response:
    """A form-encoded query request as the pre-JSON SDKs sent it, signed with SigV4."""
    body = urlencode({**params, "Version": "2012-11-05"})
    request = AWSRequest("POST", url, data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    creds = Credentials(student.access_key_id, student.secret_access_key)
    SigV4Auth(creds, "sqs", "us-east-1").add_auth(request)
    return requests.post(url, data=body, headers=dict(request.headers), timeout=30)


def test_query_protocol_of_older_sdks(student):
    created = _query(student, student.endpoint + "/", {
        "Action": "CreateQueue", "QueueName": "legacy",
        "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40",
        "Tag.1.Key": "team", "Tag.1.Value": "old",
    })  # fmt: skip
    assert created.status_code == 200, created.text
    root = ET.fromstring(created.content)
    url = root.find("q:CreateQueueResult/q:QueueUrl", NS).text
    assert url.endswith(f"/{student.account_id}/legacy")
    # Sent to the queue's own URL: the path names the queue.
    sent = _query(student, url, {
        "Action": "SendMessage", "MessageBody": "from 2015",
        "MessageAttribute.1.Name": "color", "MessageAttribute.1.Value.DataType": "String",
        "MessageAttribute.1.Value.StringValue": "blue",
    })  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert ET.fromstring(sent.content).find("q:SendMessageResult/q:MessageId", NS) is not None
    got = _query(student, url, {"Action": "ReceiveMessage", "AttributeName.1": "All",
                                "MessageAttributeName.1": "All"})  # fmt: skip
    message = ET.fromstring(got.content).find("q:ReceiveMessageResult/q:Message", NS)
    assert message.find("q:Body", NS).text == "from 2015"
    names = {a.find("q:Name", NS).text for a in message.findall("q:Attribute", NS)}
    assert {"SentTimestamp", "ApproximateReceiveCount"} <= names
    attr = message.find("q:MessageAttribute", NS)
    assert attr.find("q:Name", NS).text == "color"
    assert attr.find("q:Value/q:StringValue", NS).text == "blue"
    attrs = _query(
        student, url, {"Action": "GetQueueAttributes", "AttributeName.1": "VisibilityTimeout"}
    )
    pairs = ET.fromstring(attrs.content).findall("q:GetQueueAttributesResult/q:Attribute", NS)
    assert [(p.find("q:Name", NS).text, p.find("q:Value", NS).text) for p in pairs] == [
        ("VisibilityTimeout", "40")]  # fmt: skip
    missing = _query(student, student.endpoint + f"/{student.account_id}/nope",
                     {"Action": "GetQueueAttributes"})  # fmt: skip
    assert missing.status_code == 400
    error = ET.fromstring(missing.content).find("q:Error", NS)
    assert error.find("q:Code", NS).text == "AWS.SimpleQueueService.NonExistentQueue"
    assert error.find("q:Type", NS).text == "Sender"


def test_aws_cli_with_endpoint_url(student):
    made = student.cli("sqs", "create-queue", "--queue-name", "cli-queue",
                       "--attributes", "VisibilityTimeout=5")  # fmt: skip
    assert made.returncode == 0, made.stderr
    url = made.data["QueueUrl"]
    sent = student.cli("sqs", "send-message", "--queue-url", url, "--message-body", "from the CLI")
    assert sent.returncode == 0, sent.stderr
    got = student.cli("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1")
    assert got.data["Messages"][0]["Body"] == "from the CLI"
    listed = student.cli("sqs", "list-queues")
    assert listed.data["QueueUrls"] == [url]
    missing = student.cli("sqs", "get-queue-url", "--queue-name", "none")
    assert missing.returncode != 0
    assert "AWS.SimpleQueueService.NonExistentQueue" in missing.stderr


@pytest.mark.django_db(transaction=True)
def test_delivery_by_a_service_principal_follows_the_queue_policy(account):
    from services.core import operations
    from services.core.context import CallContext, Principal
    from services.sqs import delivery

    ctx = CallContext(account=account, region="us-east-1", principal=Principal.root(account.id),
                      door="aws")  # fmt: skip
    url = operations.call(ctx, "sqs", "CreateQueue", {"QueueName": "fanout"})["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{account.id}:fanout"
    topic = f"arn:aws:sns:us-east-1:{account.id}:orders"
    sender = delivery.ServicePrincipal("sns.amazonaws.com", topic, account.id)
    with pytest.raises(delivery.DeliveryRefused) as refused:
        delivery.deliver(arn, "no policy yet", sender=sender)
    assert refused.value.code == "AccessDenied"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]}  # fmt: skip
    operations.call(ctx, "sqs", "SetQueueAttributes",
                    {"QueueUrl": url, "Attributes": {"Policy": json.dumps(policy)}})  # fmt: skip
    message_id = delivery.deliver(
        arn, "order 1", sender=sender, attributes={"k": {"DataType": "String", "StringValue": "v"}}
    )
    got = operations.call(
        ctx, "sqs", "ReceiveMessage", {"QueueUrl": url, "MessageAttributeNames": ["All"]}
    )
    assert got["Messages"][0]["MessageId"] == message_id
    assert got["Messages"][0]["MessageAttributes"]["k"]["StringValue"] == "v"
    other_topic = delivery.ServicePrincipal("sns.amazonaws.com", topic + "-x", account.id)
    with pytest.raises(delivery.DeliveryRefused):
        delivery.deliver(arn, "wrong topic", sender=other_topic)
    with pytest.raises(delivery.DeliveryRefused) as refused:
        delivery.deliver(arn + "-missing", "x", sender=sender)
    assert refused.value.code == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(delivery.DeliveryRefused) as refused:
        delivery.deliver(arn, "x" * 1_048_577, sender=sender)
    assert refused.value.code == "InvalidParameterValue"
