"""SNS's interface for other services (EventBridge targets, S3 event notifications):
publish to a topic on behalf of an AWS service, from a Celery task (no request, no
CallContext). The topic policy decides, as on AWS: it must allow the service principal
(`"Principal": {"Service": "events.amazonaws.com"}`, usually with aws:SourceArn /
aws:SourceAccount conditions); the default policy does not.

    from services.sns import delivery
    delivery.publish(topic_arn, json.dumps(event), sender=ServicePrincipal(
        "events.amazonaws.com", rule_arn, account_id))
"""

from __future__ import annotations

from typing import Protocol

from django.db import transaction

from services.core.errors import AwsError
from services.sns import policies, publishing
from services.sns.models import Topic


class Sender(Protocol):
    """services.sqs.delivery.ServicePrincipal (any object with these three)."""

    service: str
    source_arn: str
    source_account: str


class PublishRefused(Exception):
    """The topic does not exist, its policy does not let the sender publish, or the
    message is not one SNS accepts (the AWS error's message says which)."""


def publish(
    topic_arn: str,
    message: str,
    *,
    sender: Sender,
    subject: str | None = None,
    attributes: dict[str, dict] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
) -> str:
    """Publish `message` to `topic_arn` for `sender`; the MessageId. The fan-out runs
    in the worker after this transaction commits. Raises PublishRefused."""
    with transaction.atomic():
        topic = Topic.objects.select_for_update().filter(resource_id=topic_arn).first()
        if topic is None:
            raise PublishRefused(f"Topic does not exist: {topic_arn}")
        if not policies.service_may_publish(
            topic, sender.service, sender.source_arn, sender.source_account
        ):
            raise PublishRefused(
                f"{sender.service} is not authorized to perform: SNS:Publish on resource: "
                f"{topic_arn}"
            )
        params = {"Message": message, "MessageAttributes": attributes or {}}
        if subject is not None:
            params["Subject"] = subject
        if group_id is not None:
            params["MessageGroupId"] = group_id
        if deduplication_id is not None:
            params["MessageDeduplicationId"] = deduplication_id
        try:
            checked = publishing.check_message(params, topic)
        except AwsError as error:
            raise PublishRefused(error.message) from None
        sender_info = {
            "service": sender.service,
            "source_arn": sender.source_arn,
            "source_account": sender.source_account,
        }
        return publishing.accept(topic, checked, sender=sender_info)["MessageId"]
