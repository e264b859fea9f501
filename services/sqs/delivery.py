"""How other services put messages in a queue: SNS subscriptions, EventBridge targets
and S3 event notifications deliver here from the worker (no request, no CallContext).

    deliver(queue_arn, body, sender=ServicePrincipal("sns.amazonaws.com", topic_arn,
            account_id), attributes=..., group_id=..., deduplication_id=...) -> MessageId

The queue policy decides, as SQS decides for a service principal: an Allow for the
service (`"Principal": {"Service": "sns.amazonaws.com"}`, with aws:SourceArn /
aws:SourceAccount conditions) for sqs:SendMessage. The message is checked as SendMessage
checks it (size, characters, attributes, FIFO group and de-duplication) and its
transaction is the caller's (or its own). Anything that stops it is `DeliveryRefused`,
with the AWS error code and message for the sender's delivery logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from services.core.errors import AwsError
from services.sqs import access, common, errors, messages


@dataclass(frozen=True)
class ServicePrincipal:
    """Who sends on behalf of a service, for queue policies."""

    service: str  # "sns.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com"
    source_arn: str  # aws:SourceArn (the topic, rule or bucket)
    source_account: str  # aws:SourceAccount


class DeliveryRefused(Exception):
    """The message was not delivered: no such queue, the queue policy denies the
    service, the message is too big or malformed, a FIFO message without a group."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def deliver(
    queue_arn: str,
    body: str,
    *,
    sender: ServicePrincipal,
    attributes: dict[str, dict] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
) -> str:
    """Put `body` in the queue `queue_arn` for `sender`; the new MessageId (for a FIFO
    duplicate within 5 minutes, the first one's)."""
    attrs = dict(attributes or {})
    try:
        with transaction.atomic():
            queue = common.queue_by_arn(queue_arn, for_update=True)
            if queue is None:
                raise errors.not_exist()
            context = {"aws:SourceArn": sender.source_arn,
                       "aws:SourceAccount": sender.source_account}  # fmt: skip
            decision = access.decide_by_policy(
                sender.service, "", "sqs:SendMessage", queue, context
            )
            if not decision.allowed:
                raise errors.AccessDenied(decision.message or "Access to the resource is denied.")
            messages.check_message(queue, body, attrs, delay=None, group_id=group_id,
                                   dedup_id=deduplication_id)  # fmt: skip
            answer = messages.enqueue(queue, body, attrs, sender=_sender_id(sender),
                                      group_id=group_id, dedup_id=deduplication_id)  # fmt: skip
            return answer["MessageId"]
    except AwsError as error:
        raise DeliveryRefused(error.code, error.message) from None


def _sender_id(sender: ServicePrincipal) -> str:
    # SQS names the service's own account in SenderId; the service name reads better here.
    return sender.service


__all__ = ["DeliveryRefused", "ServicePrincipal", "deliver"]
