"""Delivery by the worker: fan-out to SQS queues (SNS-01), filter policies (SNS-02),
the signed envelope and raw delivery, HTTP endpoints with the SubscriptionConfirmation
handshake, email and SMS into the Outbox, retries and dead-letter queues, and
services/sns/delivery.py for other services."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.sns.conftest import eventually, fetch


def _queue(student, name: str, topic_arn: str | None = None) -> tuple[str, str]:
    """A queue (url, arn) whose policy lets SNS send for `topic_arn`."""
    sqs = student.client("sqs")
    attributes = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    if topic_arn:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return url, arn


def _receive(student, url: str, want: int = 1, wait: float = 20) -> list[dict]:
    sqs = student.client("sqs")
    got: list[dict] = []

    def more():
        answer = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2,
            MessageAttributeNames=["All"],
        )  # fmt: skip
        got.extend(answer.get("Messages", []))
        return len(got) >= want

    eventually(more, timeout=wait)
    return got


def _nothing(student, url: str, wait: int = 3) -> bool:
    sqs = student.client("sqs")
    answer = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=wait)
    return not answer.get("Messages")


def _verify(doc: dict) -> None:
    """Check an SNS message's signature as a subscriber does: the certificate from
    SigningCertURL, SHA1withRSA (v1) or SHA256withRSA (v2) over the signed fields."""
    status, pem = fetch(doc["SigningCertURL"])
    assert status == 200, pem
    cert = x509.load_pem_x509_certificate(pem)
    if doc["Type"] == "Notification":
        fields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        fields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    text = "".join(f"{f}\n{doc[f]}\n" for f in fields if f in doc).encode()
    algorithm = hashes.SHA256() if doc["SignatureVersion"] == "2" else hashes.SHA1()
    cert.public_key().verify(
        base64.b64decode(doc["Signature"]), text, padding.PKCS1v15(), algorithm
    )


def test_sns_01_a_topic_fans_out_to_every_subscription(student):
    """SNS-01: each message reaches every subscription; two queues each get it once."""
    sns = student.client("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    billing, billing_arn = _queue(student, "billing", topic)
    shipping, shipping_arn = _queue(student, "shipping", topic)
    for arn in (billing_arn, shipping_arn):
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        assert sub["SubscriptionArn"].startswith(topic + ":")  # own queue: confirmed at once
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
    attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attrs["SubscriptionsConfirmed"], attrs["SubscriptionsPending"]) == ("2", "1")
    sent = sns.publish(TopicArn=topic, Message="order 42", Subject="New order")
    for url in (billing, shipping):
        [message] = _receive(student, url)
        doc = json.loads(message["Body"])
        assert doc["Type"] == "Notification"
        assert doc["MessageId"] == sent["MessageId"]
        assert (doc["Message"], doc["Subject"], doc["TopicArn"]) == ("order 42", "New order", topic)
        assert doc["UnsubscribeURL"].startswith("http://sns.us-east-1.localhost:")
        _verify(doc)
        assert _nothing(student, url, wait=1)  # once


def test_sns_01_raw_delivery_and_attributes(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="raw", Attributes={"SignatureVersion": "2"})["TopicArn"]
    raw, raw_arn = _queue(student, "raw", topic)
    wrapped, wrapped_arn = _queue(student, "wrapped", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw_arn,
                  Attributes={"RawMessageDelivery": "true"})  # fmt: skip
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=wrapped_arn)
    sns.publish(
        TopicArn=topic, Message='{"id": 1}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}},
    )  # fmt: skip
    [message] = _receive(student, raw)
    assert message["Body"] == '{"id": 1}'
    assert message["MessageAttributes"]["kind"]["StringValue"] == "order"
    [message] = _receive(student, wrapped)
    doc = json.loads(message["Body"])
    assert doc["MessageAttributes"] == {"kind": {"Type": "String", "Value": "order"}}
    assert doc["SignatureVersion"] == "2"
    _verify(doc)


def test_a_queue_policy_that_does_not_allow_sns_gets_nothing(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    closed, closed_arn = _queue(student, "closed")  # no policy: SNS may not send
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=closed_arn)
    sns.publish(TopicArn=topic, Message="x")
    assert _nothing(student, closed, wait=4)


def test_sns_02_filter_policy_on_attributes_decides(student):
    """SNS-02: a subscription's filter policy decides which messages it receives."""
    sns = student.client("sns")
    topic = sns.create_topic(Name="events")["TopicArn"]
    big, big_arn = _queue(student, "big", topic)
    every, every_arn = _queue(student, "every", topic)
    policy = {"kind": ["order"], "amount": [{"numeric": [">=", 100]}]}
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=big_arn,
                        Attributes={"FilterPolicy": json.dumps(policy),
                                    "RawMessageDelivery": "true"})["SubscriptionArn"]  # fmt: skip
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=every_arn,
                  Attributes={"RawMessageDelivery": "true"})  # fmt: skip

    def send(message: str, kind: str, amount: str) -> None:
        sns.publish(TopicArn=topic, Message=message, MessageAttributes={
            "kind": {"DataType": "String", "StringValue": kind},
            "amount": {"DataType": "Number", "StringValue": amount},
        })  # fmt: skip

    send("small order", "order", "5")
    send("refund", "refund", "500")
    send("big order", "order", "250")
    assert [m["Body"] for m in _receive(student, big)] == ["big order"]
    assert sorted(m["Body"] for m in _receive(student, every, want=3)) == [
        "big order", "refund", "small order",
    ]  # fmt: skip
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["FilterPolicyScope"] == "MessageAttributes"
    assert json.loads(attrs["FilterPolicy"]) == policy


def test_sns_02_filter_policy_on_the_body(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="body")["TopicArn"]
    url, arn = _queue(student, "eu", topic)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                        Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]  # fmt: skip
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                    AttributeValue="MessageBody")  # fmt: skip
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="FilterPolicy",
        AttributeValue=json.dumps({"order": {"region": [{"prefix": "eu-"}]}}),
    )  # fmt: skip
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"region": "us-east-1"}}))
    sns.publish(TopicArn=topic, Message="not json")
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"region": "eu-west-1"}}))
    [message] = _receive(student, url)
    assert json.loads(message["Body"]) == {"order": {"region": "eu-west-1"}}


def test_bad_filter_policies_are_refused_in_sns_words(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(ClientError) as bad:
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100",
                      Attributes={"FilterPolicy": "{not json"})  # fmt: skip
    error = bad.value.response["Error"]
    assert error["Code"] == "InvalidParameter"
    assert error["Message"].startswith("Invalid parameter: Attributes Reason: FilterPolicy: ")
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_http_endpoint_handshake_and_notifications(student, endpoint):
    sns = student.client("sns")
    topic = sns.create_topic(Name="hooks")["TopicArn"]
    assert (
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)["SubscriptionArn"]
        == "pending confirmation"
    )
    headers, doc = endpoint.next()
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert doc["Type"] == "SubscriptionConfirmation" and doc["TopicArn"] == topic
    _verify(doc)
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == "PendingConfirmation"
    # Nothing is delivered before the confirmation.
    sns.publish(TopicArn=topic, Message="early")
    assert endpoint.nothing(2)
    # Following the SubscribeURL confirms, as a subscriber's code does.
    status, body = fetch(doc["SubscribeURL"])
    assert status == 200 and b"<SubscriptionArn>" in body
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"].startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="hello", Subject="Hi")
    headers, doc = endpoint.next()
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-subscription-arn"] == listed["SubscriptionArn"]
    assert (doc["Message"], doc["Subject"]) == ("hello", "Hi")
    _verify(doc)
    # The UnsubscribeURL unsubscribes.
    status, _ = fetch(doc["UnsubscribeURL"])
    assert status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"] == "1"


def test_confirm_subscription_with_the_token(student, endpoint):
    sns = student.client("sns")
    topic = sns.create_topic(Name="hooks")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    _, doc = endpoint.next()
    with pytest.raises(ClientError) as bad:
        sns.confirm_subscription(TopicArn=topic, Token="0" * 64)
    assert bad.value.response["Error"]["Message"] == "Invalid parameter: Invalid token"
    arn = sns.confirm_subscription(TopicArn=topic, Token=doc["Token"])["SubscriptionArn"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    assert json.loads(attrs["EffectiveDeliveryPolicy"])["healthyRetryPolicy"]["numRetries"] == 3


def test_remote_endpoints_are_refused(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(ClientError) as bad:
        sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="https://example.com/hook")
    assert bad.value.response["Error"]["Code"] == "InvalidParameter"
    with pytest.raises(ClientError) as bad:
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="https://127.0.0.1/x")
    assert bad.value.response["Error"]["Message"] == (
        "Invalid parameter: Endpoint must match the specified protocol"
    )
    with pytest.raises(ClientError) as bad:
        sns.subscribe(TopicArn=topic, Protocol="carrier-pigeon", Endpoint="x")
    assert bad.value.response["Error"]["Message"] == (
        "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"
    )
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_http_retries_then_dead_letter_queue(student, endpoint):
    sns = student.client("sns")
    topic = sns.create_topic(Name="flaky")["TopicArn"]
    dlq, dlq_arn = _queue(student, "flaky-dlq", topic)
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    _, doc = endpoint.next()
    arn = sns.confirm_subscription(TopicArn=topic, Token=doc["Token"])["SubscriptionArn"]
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RedrivePolicy",
        AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}),
    )  # fmt: skip
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"healthyRetryPolicy": {
            "numRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1}}),
    )  # fmt: skip
    endpoint.status = 500
    sns.publish(TopicArn=topic, Message="lost?")
    attempts = [endpoint.next()[1]["Message"] for _ in range(3)]  # the first try and 2 retries
    assert attempts == ["lost?"] * 3
    [message] = _receive(student, dlq)
    assert json.loads(message["Body"])["Message"] == "lost?"
    assert endpoint.nothing(2)  # no fourth attempt


def test_email_and_sms_go_to_the_outbox(student):
    from services.sns.models import OutboxMessage

    sns = student.client("sns")
    topic = sns.create_topic(Name="alerts", Attributes={"DisplayName": "ALERTS"})["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
    sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100")
    confirm = eventually(
        lambda: OutboxMessage.objects.filter(kind="SubscriptionConfirmation").first()
    )
    assert confirm.endpoint == "ops@example.com"
    assert confirm.subject == "ALERTS - Subscription Confirmation"
    status, _ = fetch(confirm.confirm_url)
    assert status == 200
    sns.publish(TopicArn=topic, Message="disk full", Subject="Alarm")
    email = eventually(
        lambda: OutboxMessage.objects.filter(kind="Notification", protocol="email").first()
    )
    assert (email.subject, email.endpoint) == ("Alarm", "ops@example.com")
    assert email.body.startswith("disk full")
    sms = eventually(lambda: OutboxMessage.objects.filter(protocol="sms").first())
    assert sms.body == "ALERTS> disk full"
    # Publishing to a phone number directly.
    sns.publish(PhoneNumber="+15555550123", Message="code 1234")
    assert eventually(lambda: OutboxMessage.objects.filter(endpoint="+15555550123").exists())


def test_publish_errors(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    cases = [
        (dict(Message=""), "Invalid parameter: Empty message"),
        (dict(Message="x" * (256 * 1024 + 1)), "Invalid parameter: Message too long"),
        (dict(Message="{}", MessageStructure="json"),
         "Invalid parameter: Message Structure - No default entry in JSON message body"),
        (dict(Message="x", Subject="a\nb"), "Invalid parameter: Subject"),
        (dict(Message="x", MessageDeduplicationId="d"),
         "Invalid parameter: MessageDeduplicationId Reason: The request includes "
         "MessageDeduplicationId parameter that is not valid for this topic type"),
    ]  # fmt: skip
    for params, message in cases:
        with pytest.raises(ClientError) as bad:
            sns.publish(TopicArn=topic, **params)
        assert bad.value.response["Error"]["Message"] == message
    with pytest.raises(ClientError) as bad:
        sns.publish(TopicArn=topic, Message="x", MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "abc"}})  # fmt: skip
    assert bad.value.response["Error"]["Code"] == "ParameterValueInvalid"
    with pytest.raises(ClientError) as bad:
        sns.publish(Message="x")
    assert bad.value.response["Error"]["Message"] == (
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
    )


def test_publish_batch(student):
    sns = student.client("sns")
    topic = sns.create_topic(Name="batch")["TopicArn"]
    url, arn = _queue(student, "batch", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})  # fmt: skip
    answer = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "a", "Message": "one"}, {"Id": "b", "Message": ""}, {"Id": "c", "Message": "two"},
    ])  # fmt: skip
    assert [s["Id"] for s in answer["Successful"]] == ["a", "c"]
    assert answer["Failed"] == [{"Id": "b", "Code": "InvalidParameter",
                                 "Message": "Invalid parameter: Empty message",
                                 "SenderFault": True}]  # fmt: skip
    assert sorted(m["Body"] for m in _receive(student, url, want=2)) == ["one", "two"]
    for entries, code in (
        ([], "EmptyBatchRequest"),
        ([{"Id": str(i), "Message": "m"} for i in range(11)], "TooManyEntriesInBatchRequest"),
        ([{"Id": "a", "Message": "m"}, {"Id": "a", "Message": "n"}], "BatchEntryIdsNotDistinct"),
        ([{"Id": "no spaces", "Message": "m"}], "InvalidBatchEntryId"),
    ):
        with pytest.raises(ClientError) as bad:
            sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        assert bad.value.response["Error"]["Code"] == code


def test_services_publish_through_the_interface(student):
    """services/sns/delivery.py (EventBridge, S3): the topic policy must allow the
    service principal."""
    from services.sns import delivery
    from services.sqs.delivery import ServicePrincipal

    sns = student.client("sns")
    topic = sns.create_topic(Name="from-rules")["TopicArn"]
    url, arn = _queue(student, "from-rules", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})  # fmt: skip
    rule = f"arn:aws:events:us-east-1:{student.account_id}:rule/stopped"
    sender = ServicePrincipal("events.amazonaws.com", rule, student.account_id)
    with pytest.raises(delivery.PublishRefused):
        delivery.publish(topic, '{"detail": 1}', sender=sender)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish", "Resource": topic,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule}},
        }],
    }  # fmt: skip
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )
    assert delivery.publish(topic, '{"detail": 1}', sender=sender)
    [message] = _receive(student, url)
    assert message["Body"] == '{"detail": 1}'
    with pytest.raises(delivery.PublishRefused):
        delivery.publish(topic + "-missing", "x", sender=sender)
