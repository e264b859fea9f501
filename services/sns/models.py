"""SNS's rows: topics, their subscriptions, the Outbox of what email and SMS would
have sent, FIFO de-duplication and the key that signs messages.

Topics and subscriptions are named by ARN everywhere in SNS's API, so their
`resource_id` is the ARN (`arn:aws:sns:us-east-1:123456789012:orders`,
`...:orders:7f1d...`): the REST door's ids, the lab checks and the audit events all
carry what the API carries. The ARN is longer than an EC2 id, hence the wider field.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from services.core import locks
from services.core.lookups import NotFound
from services.core.models import Resource
from services.core.sealed import SealedTextField

TOPIC_ARN = r"arn:aws:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?"


class Topic(NotFound, Resource):
    """A standard or FIFO topic. `attributes` holds what Set/CreateTopic stored
    (DisplayName, Policy, DeliveryPolicy, SignatureVersion, ...); the rest of
    GetTopicAttributes is computed (services/sns/attributes.py)."""

    resource_id = models.CharField(max_length=320, unique=True)  # the topic ARN
    topic_name = models.CharField(max_length=256)
    fifo = models.BooleanField(default=False)
    attributes = models.JSONField(default=dict, blank=True)
    subscriptions_deleted = models.IntegerField(default=0)
    sequence = models.BigIntegerField(default=0)  # FIFO sequence numbers

    arn_format = "{id}"
    id_pattern: ClassVar[str] = "^" + TOPIC_ARN + "$"
    id_example: ClassVar[str] = "arn:aws:sns:us-east-1:123456789012:orders"
    cloudformation_type = "AWS::SNS::Topic"
    not_found_error = ("NotFound", "Topic does not exist")
    not_found_status = 404

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "topic_name"], name="sns_topic_name_unique"
            )
        ]

    @property
    def arn(self) -> str:
        return self.resource_id

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.topic_name

    @property
    def kind_label(self) -> str:
        return "FIFO" if self.fifo else "Standard"

    @property
    def display_name(self) -> str:
        return self.attributes.get("DisplayName", "")

    def describe(self) -> dict:
        return {"TopicArn": self.resource_id}

    @classmethod
    def rest_not_found(cls, resource_id: str, region: str):
        return cls.not_found(resource_id)


class Subscription(NotFound, Resource):
    """A subscription of an endpoint to a topic; pending until confirmed (http/https,
    email, email-json; an SQS queue of another account)."""

    resource_id = models.CharField(max_length=400, unique=True)  # the subscription ARN
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscriptions")
    protocol = models.CharField(max_length=16)
    endpoint = models.CharField(max_length=2048)
    owner = models.CharField(max_length=12)  # the subscriber's account
    confirmed = models.BooleanField(default=False)
    token = models.CharField(max_length=256, blank=True, default="", db_index=True)
    authenticated_unsubscribe = models.BooleanField(default=False)
    attributes = models.JSONField(default=dict, blank=True)

    arn_format = "{id}"
    id_pattern: ClassVar[str] = "^" + TOPIC_ARN + ":[0-9a-f-]{36}$"
    id_example: ClassVar[str] = (
        "arn:aws:sns:us-east-1:123456789012:orders:9a9b6f5e-3c1d-4d3e-8f6a-1b2c3d4e5f60"
    )
    cloudformation_type = "AWS::SNS::Subscription"
    not_found_error = ("NotFound", "Subscription does not exist")
    not_found_status = 404

    @property
    def arn(self) -> str:
        return self.resource_id

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.resource_id.rsplit(":", 1)[-1]

    @property
    def listed_arn(self) -> str:
        """What List* and Subscribe answer: the ARN once confirmed."""
        return self.resource_id if self.confirmed else "PendingConfirmation"

    @property
    def status_label(self) -> str:
        return "Confirmed" if self.confirmed else "Pending confirmation"

    @property
    def topic_arn(self) -> str:
        return self.topic.resource_id

    def describe(self) -> dict:
        return {
            "SubscriptionArn": self.listed_arn,
            "Owner": self.owner,
            "Protocol": self.protocol,
            "Endpoint": self.endpoint,
            "TopicArn": self.topic.resource_id,
        }

    @classmethod
    def rest_not_found(cls, resource_id: str, region: str):
        return cls.not_found(resource_id)


class OutboxMessage(models.Model):
    """What an email, email-json or SMS subscription would have received: shown on the
    account's Outbox page instead of being sent."""

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=32)
    protocol = models.CharField(max_length=16)
    endpoint = models.CharField(max_length=2048)
    kind = models.CharField(max_length=32)  # Notification, SubscriptionConfirmation
    subject = models.CharField(max_length=512, blank=True, default="")
    body = models.TextField()
    topic_arn = models.CharField(max_length=320, blank=True, default="")
    subscription_arn = models.CharField(max_length=400, blank=True, default="")
    message_id = models.CharField(max_length=64, blank=True, default="")
    # For a confirmation: the link that confirms (the SubscribeURL).
    confirm_url = models.CharField(max_length=2048, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.protocol} {self.endpoint}: {self.subject or self.kind}"


class Deduplication(models.Model):
    """A FIFO topic's de-duplication ids of the last five minutes."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    dedup_id = models.CharField(max_length=128)
    message_id = models.CharField(max_length=64)
    sequence_number = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "dedup_id"], name="sns_dedup_unique")
        ]

    def __str__(self) -> str:
        return self.dedup_id


class SigningKey(models.Model):
    """The key pair and self-signed certificate that sign every message of this
    installation (one row), published at the SigningCertURL."""

    name = models.CharField(max_length=64, unique=True)
    certificate = models.TextField()
    private_key = SealedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


locks.declare("sns.Topic", "sns.Subscription")
