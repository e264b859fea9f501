"""Where S3 event notifications go: SQS queues and SNS topics through those services'
delivery interfaces (services/sqs/delivery.py, services/sns/delivery.py), EventBridge
through the `aws_event` hook. S3 sends as the service principal s3.amazonaws.com, with
the bucket as aws:SourceArn and its owner as aws:SourceAccount, so the destination's
policy decides as on AWS.

Event messages are built in the call (what was written, by whom) and sent by the Celery
worker after the call commits (`send_later`); the s3:TestEvent of a new configuration is
sent inside the call, because S3 validates a destination by sending it one.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from celery import shared_task
from django.apps import apps
from django.db import transaction

from services.core import publisher

log = logging.getLogger(__name__)

S3_PRINCIPAL = "s3.amazonaws.com"
SNS_SUBJECT = "Amazon S3 Notification"

# The destination kinds of a configuration: (list member, ARN member, service).
KINDS = (
    ("TopicConfigurations", "TopicArn", "sns"),
    ("QueueConfigurations", "QueueArn", "sqs"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "lambda"),
)
NOUN = {"sqs": "queue", "sns": "topic", "lambda": "function"}


class Undeliverable(Exception):
    """A destination S3 cannot send to; `reason` is S3's ArgumentValue text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _interface(service: str) -> Any | None:
    """services.<service>.delivery when that service is installed, else None."""
    if not apps.is_installed(f"services.{service}"):
        return None
    try:
        return importlib.import_module(f"services.{service}.delivery")
    except ImportError:
        return None


def _sender(service_module: Any, bucket_name: str, account_id: str) -> Any:
    principal = getattr(_interface("sqs"), "ServicePrincipal", None)
    if principal is None:  # SNS alone: it names the same dataclass
        principal = getattr(service_module, "ServicePrincipal", None)
    return principal(
        service=S3_PRINCIPAL, source_arn=f"arn:aws:s3:::{bucket_name}", source_account=account_id
    )


def _refusal_reason(service: str, problem: Exception) -> str:
    """S3's words for a refusal: a destination that is not there, or one whose policy
    does not let S3 send (DeliveryRefused/PublishRefused carry the AWS error code)."""
    noun = NOUN[service]
    code = str(getattr(problem, "code", "") or "")
    gone = code.endswith(("NonExistentQueue", "NotFound", "QueueDoesNotExist"))
    if gone or (not code and "does not exist" in str(problem)):  # SNS says it in words
        return f"The destination {noun} does not exist"
    return (
        f"Permissions on the destination {noun} do not allow S3 to publish notifications "
        "from this bucket"
    )


def send(service: str, arn: str, body: str, *, bucket_name: str, account_id: str) -> str:
    """Send one message now; Undeliverable with S3's reason if it cannot go there."""
    if service == "lambda":
        raise Undeliverable(f"Not authorized to invoke function [{arn}]")
    module = _interface(service)
    if module is None:
        raise Undeliverable(f"The destination {NOUN[service]} does not exist")
    sender = _sender(module, bucket_name, account_id)
    refused = tuple(
        cls
        for cls in (
            getattr(module, "DeliveryRefused", None),
            getattr(module, "PublishRefused", None),
        )
        if isinstance(cls, type)
    )
    try:
        if service == "sqs":
            return module.deliver(arn, body, sender=sender)
        return module.publish(arn, body, sender=sender, subject=SNS_SUBJECT)
    except refused as problem:
        raise Undeliverable(_refusal_reason(service, problem)) from None


def send_later(deliveries: list[dict]) -> None:
    """After the current transaction commits, have a worker send `deliveries`
    (dicts of service, arn, body, bucket_name, account_id)."""
    if not deliveries:
        return

    def publish() -> None:
        try:
            deliver_notifications.delay(deliveries)
        except Exception:  # broker down: S3 notifications are best effort, as on AWS
            log.warning("could not queue %d S3 event notifications", len(deliveries))

    publisher.send_on_commit(publish)


@shared_task(name="services.s3.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications(deliveries: list[dict]) -> int:
    """Send each message; one that cannot go (a queue deleted since, a policy changed)
    is dropped, as S3 drops it."""
    sent = 0
    for item in deliveries:
        try:
            with transaction.atomic():
                send(
                    item["service"],
                    item["arn"],
                    item["body"],
                    bucket_name=item["bucket_name"],
                    account_id=item["account_id"],
                )
            sent += 1
        except Undeliverable as problem:
            log.info("S3 event notification to %s dropped: %s", item.get("arn"), problem.reason)
        except Exception:
            log.exception("S3 event notification to %s failed", item.get("arn"))
    return sent


def emit_to_eventbridge(account_id: str, region: str, **event: Any) -> None:
    """Put an S3 event on the account's default bus, if EventBridge is installed (it
    fills services.core.hooks.aws_event)."""
    from services.core import hooks

    hook = getattr(hooks, "aws_event", None)
    if hook is not None:
        hook(account_id, region, **event)
