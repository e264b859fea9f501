"""Delivery, in the Celery worker: each published message goes to every confirmed
subscription of its topic whose filter policy accepts it (SNS-01, SNS-02).

- SQS: through SQS's interface (services/sqs/delivery.py), as the service principal
  sns.amazonaws.com for the topic, so the queue policy decides; the body is the signed
  JSON envelope, or the message itself with its attributes as SQS message attributes
  when RawMessageDelivery is on.
- HTTP/S (endpoints on this machine only): a POST with SNS's x-amz-sns-* headers.
- email, email-json, SMS: a row of the account's Outbox.

A failed delivery is retried by a later task: HTTP/S by the subscription's (or the
topic's) delivery policy, SQS by SNS's fixed policy for AWS-managed endpoints (3 at
once, 2 after 1 s, 10 backing off from 1 to 20 s, then 5 at 20 s; AWS goes on at 20 s
for 23 days). Delays are `lifecycle.duration` seconds, so STRATOLAB_TIME_SCALE scales
them. When the retries are spent, the message goes to the subscription's dead-letter
queue (RedrivePolicy), if it has one; a 4xx answer (but 429) is not retried.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
from urllib.parse import urlsplit

from services.core import lifecycle
from services.sns import attributes, filtering, signing
from services.sns.models import OutboxMessage, Subscription, Topic

log = logging.getLogger(__name__)
TIMEOUT = 15  # seconds SNS waits for an HTTP/S endpoint
USER_AGENT = "Amazon Simple Notification Service Agent"
# SNS's retry phases for AWS-managed endpoints (SQS): seconds before each retry.
MANAGED_RETRIES = (0, 0, 0, 1, 1, *[1 + round(19 * i / 9) for i in range(10)], 20, 20, 20, 20, 20)


class Failed(Exception):
    """A delivery that did not succeed; `retry` says whether another attempt may."""

    def __init__(self, reason: str, retry: bool = True) -> None:
        super().__init__(reason)
        self.retry = retry


def fan_out(record: dict) -> int:
    """Deliver `record` (publishing.accept) to each subscription; how many took it."""
    topic = Topic.objects.filter(pk=record["topic_pk"]).first()
    if topic is None:
        return 0
    sent = 0
    for sub in topic.subscriptions.filter(confirmed=True).select_related("topic").order_by("pk"):
        scope = sub.attributes.get("FilterPolicyScope", "MessageAttributes")
        text = message_for(sub.protocol, record)
        if not filtering.accepts(
            sub.attributes.get("FilterPolicy", ""), scope, text, record["attributes"]
        ):
            continue
        deliver(sub, record, 1)
        sent += 1
    return sent


def message_for(protocol: str, record: dict) -> str:
    """The message text for `protocol`: with MessageStructure=json, its own entry or the
    default one."""
    if record.get("structure") != "json":
        return record["message"]
    parsed = json.loads(record["message"])
    value = parsed.get(protocol, parsed["default"])
    return value if isinstance(value, str) else json.dumps(value)


def envelope(sub: Subscription, record: dict) -> dict:
    """The signed Notification document SNS delivers."""
    doc: dict = {
        "Type": "Notification",
        "MessageId": record["message_id"],
        "TopicArn": record["topic_arn"],
    }
    if record.get("subject"):
        doc["Subject"] = record["subject"]
    doc["Message"] = message_for(sub.protocol, record)
    doc["Timestamp"] = record["timestamp"]
    if record.get("sequence"):
        doc["SequenceNumber"] = record["sequence"]
    version = sub.topic.attributes.get("SignatureVersion", "1")
    signing.sign(doc, version)
    doc["UnsubscribeURL"] = signing.unsubscribe_url(sub.topic.region, sub.resource_id)
    if record.get("attributes"):
        doc["MessageAttributes"] = {
            name: {"Type": a["DataType"], "Value": a.get("StringValue", a.get("BinaryValue", ""))}
            for name, a in record["attributes"].items()
        }
    return doc


def _raw(sub: Subscription) -> bool:
    return sub.attributes.get("RawMessageDelivery") == "true"


def _sqs_attributes(record: dict) -> dict:
    import base64

    out = {}
    for name, a in (record.get("attributes") or {}).items():
        if "BinaryValue" in a:
            out[name] = {
                "DataType": a["DataType"],
                "BinaryValue": base64.b64decode(a["BinaryValue"]),
            }
        else:
            out[name] = {"DataType": a["DataType"], "StringValue": a["StringValue"]}
    return out


def _to_queue(topic: Topic, queue_arn: str, body: str, *, attributes_: dict | None,
              group_id: str | None, dedup_id: str | None) -> None:  # fmt: skip
    try:
        from services.sqs import delivery as sqs
    except ImportError:
        raise Failed("SQS is not installed") from None
    sender = sqs.ServicePrincipal("sns.amazonaws.com", topic.resource_id, topic.account_id)
    if not queue_arn.endswith(".fifo"):
        group_id = dedup_id = None  # a standard queue takes neither
    try:
        sqs.deliver(queue_arn, body, sender=sender, attributes=attributes_ or None,
                    group_id=group_id, deduplication_id=dedup_id)  # fmt: skip
    except sqs.DeliveryRefused as refused:
        raise Failed(str(refused)) from None


def _post(url: str, body: str, headers: dict[str, str]) -> None:
    """POST as SNS does (lower-case x-amz-sns-* headers); Failed unless a 2xx answer."""
    from services.sns.subscriptions import is_local

    if not is_local(url):
        raise Failed("endpoint is not on this machine", retry=False)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.endswith(".localhost"):
        host = "127.0.0.1"  # *.localhost is this machine, whatever the resolver knows
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    extra = {"context": ssl._create_unverified_context()} if parts.scheme == "https" else {}
    connection = kind(host, parts.port, timeout=TIMEOUT, **extra)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = body.encode()
    try:
        connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", parts.netloc)
        for name, value in {
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": USER_AGENT,
            "Content-Length": str(len(data)),
            **headers,
        }.items():
            connection.putheader(name, value)
        connection.endheaders(data)
        answer = connection.getresponse()
        answer.read(1024)
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise Failed(str(error)) from None
    finally:
        connection.close()
    if not 200 <= answer.status < 300:
        retry = answer.status >= 500 or answer.status == 429
        raise Failed(f"HTTP {answer.status}", retry=retry)


def _outbox(sub: Subscription, kind: str, body: str, *, subject: str = "", message_id: str = "",
            confirm_url: str = "") -> None:  # fmt: skip
    OutboxMessage.objects.create(
        account_id=sub.topic.account_id,
        region=sub.topic.region,
        protocol=sub.protocol,
        endpoint=sub.endpoint,
        kind=kind,
        subject=subject,
        body=body,
        topic_arn=sub.topic.resource_id,
        subscription_arn=sub.resource_id,
        message_id=message_id,
        confirm_url=confirm_url,
    )


def payload(sub: Subscription, record: dict) -> str:
    if _raw(sub):
        return message_for(sub.protocol, record)
    return json.dumps(envelope(sub, record), separators=(",", ":"))


def attempt(sub: Subscription, record: dict) -> None:
    """One delivery attempt. Raises Failed."""
    topic = sub.topic
    text = message_for(sub.protocol, record)
    if sub.protocol == "sqs":
        _to_queue(
            topic, sub.endpoint, payload(sub, record),
            attributes_=_sqs_attributes(record) if _raw(sub) else None,
            group_id=record.get("group_id"), dedup_id=record.get("dedup_id"),
        )  # fmt: skip
    elif sub.protocol in ("http", "https"):
        headers = {
            "x-amz-sns-message-type": "Notification",
            "x-amz-sns-message-id": record["message_id"],
            "x-amz-sns-topic-arn": topic.resource_id,
            "x-amz-sns-subscription-arn": sub.resource_id,
        }
        if _raw(sub):
            headers["x-amz-sns-rawdelivery"] = "true"
        _post(sub.endpoint, payload(sub, record), headers)
    elif sub.protocol == "email":
        unsubscribe = signing.unsubscribe_url(topic.region, sub.resource_id)
        body = (
            f"{text}\n\n--\nIf you wish to stop receiving notifications from this topic, "
            f"open the link below to unsubscribe:\n{unsubscribe}"
        )
        subject = record.get("subject") or "AWS Notification Message"
        _outbox(sub, "Notification", body, subject=subject, message_id=record["message_id"])
    elif sub.protocol == "email-json":
        body = json.dumps(envelope(sub, record), indent=2)
        subject = record.get("subject") or "AWS Notification Message"
        _outbox(sub, "Notification", body, subject=subject, message_id=record["message_id"])
    elif sub.protocol == "sms":
        display = topic.display_name
        _outbox(sub, "Notification", f"{display}> {text}" if display else text,
                message_id=record["message_id"])  # fmt: skip
    else:
        raise Failed(f"protocol {sub.protocol} is not delivered", retry=False)


def retry_delay(sub: Subscription, retry: int) -> float | None:
    """Seconds before retry number `retry` (1-based), or None when they are spent."""
    if sub.protocol not in ("http", "https"):
        if retry > len(MANAGED_RETRIES):
            return None
        return MANAGED_RETRIES[retry - 1]
    policy = attributes.retry_policy(sub)
    total = policy["numRetries"]
    if retry > total:
        return None
    low, high = policy["minDelayTarget"], policy["maxDelayTarget"]
    no_delay = policy["numNoDelayRetries"]
    at_min = policy["numMinDelayRetries"]
    at_max = policy["numMaxDelayRetries"]
    if retry <= no_delay:
        return 0
    if retry <= no_delay + at_min:
        return low
    if retry > total - at_max:
        return high
    backoff = max(total - no_delay - at_min - at_max, 1)
    step = retry - no_delay - at_min
    return low + (high - low) * step / backoff


def deliver(sub: Subscription, record: dict, attempt_no: int = 1) -> bool:
    """Try once; on failure schedule the next attempt or dead-letter the message."""
    try:
        attempt(sub, record)
        return True
    except Failed as failure:
        log.info("SNS delivery to %s failed (attempt %s): %s", sub.resource_id, attempt_no, failure)
        delay = retry_delay(sub, attempt_no) if failure.retry else None
        if delay is None:
            dead_letter(sub, record)
            return False
        from services.sns import tasks

        seconds = lifecycle.duration(f"sns.retry.{sub.protocol}", delay).total_seconds()
        tasks.deliver.apply_async((sub.pk, record, attempt_no + 1), countdown=seconds)
        return False


def dead_letter(sub: Subscription, record: dict) -> None:
    """The message to the subscription's dead-letter queue, if it has one."""
    raw = sub.attributes.get("RedrivePolicy")
    if not raw:
        return
    queue = json.loads(raw).get("deadLetterTargetArn", "")
    try:
        _to_queue(
            sub.topic, queue, payload(sub, record),
            attributes_=_sqs_attributes(record) if _raw(sub) else None,
            group_id=record.get("group_id"), dedup_id=record.get("dedup_id"),
        )  # fmt: skip
    except Failed as failure:
        log.warning("SNS dead-letter queue %s refused a message: %s", queue, failure)


def send_confirmation(sub: Subscription) -> None:
    """The SubscriptionConfirmation of a pending subscription."""
    from services.sns.subscriptions import confirmation_message

    doc = confirmation_message(sub)
    doc["Timestamp"] = _now_text()
    signing.sign(doc, sub.topic.attributes.get("SignatureVersion", "1"))
    text = json.dumps(doc, separators=(",", ":"))
    try:
        if sub.protocol in ("http", "https"):
            _post(sub.endpoint, text, {
                "x-amz-sns-message-type": "SubscriptionConfirmation",
                "x-amz-sns-message-id": doc["MessageId"],
                "x-amz-sns-topic-arn": sub.topic.resource_id,
            })  # fmt: skip
        elif sub.protocol == "email":
            body = (
                f"You have chosen to subscribe to the topic:\n{sub.topic.resource_id}\n\n"
                f"To confirm this subscription, click or visit the link below (If this was "
                f"in error no action is necessary):\n{doc['SubscribeURL']}"
            )
            name = sub.topic.display_name or "AWS Notifications"
            _outbox(sub, "SubscriptionConfirmation", body,
                    subject=f"{name} - Subscription Confirmation",
                    message_id=doc["MessageId"], confirm_url=doc["SubscribeURL"])  # fmt: skip
        elif sub.protocol == "email-json":
            _outbox(sub, "SubscriptionConfirmation", json.dumps(doc, indent=2),
                    subject="AWS Notification - Subscription Confirmation",
                    message_id=doc["MessageId"], confirm_url=doc["SubscribeURL"])  # fmt: skip
        elif sub.protocol == "sqs":
            _to_queue(sub.topic, sub.endpoint, text, attributes_=None, group_id=None, dedup_id=None)
    except Failed as failure:
        log.info("SNS confirmation to %s failed: %s", sub.endpoint, failure)


def _now_text() -> str:
    from django.utils import timezone

    now = timezone.now()
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
