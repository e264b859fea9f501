"""A classroom reset empties SNS too (topics, subscriptions, the Outbox), and the
installation's signing key stays; topics and subscriptions are lab-check names."""

from __future__ import annotations

import pytest

from services.core import operations, registry

pytestmark = pytest.mark.django_db


def test_reset_empties_sns(ctx, account):
    from services.classrooms.reset import wipe
    from services.sns import signing
    from services.sns.models import OutboxMessage, SigningKey, Subscription, Topic

    arn = operations.call(ctx, "sns", "CreateTopic", {"Name": "t"})["TopicArn"]
    operations.call(ctx, "sns", "Subscribe", {"TopicArn": arn, "Protocol": "sms",
                                               "Endpoint": "+15555550100"})  # fmt: skip
    operations.call(ctx, "sns", "Publish", {"PhoneNumber": "+15555550111", "Message": "x"})
    signing.certificate_pem()
    wipe(account)
    assert not Topic.objects.exists() and not Subscription.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert SigningKey.objects.exists()


def test_lab_checks_read_topics_and_subscriptions():
    checks = registry.lab_checks()
    assert checks["sns.topics"].listing.operation == "ListTopics"
    assert checks["sns.subscriptions"].listing.operation == "ListSubscriptions"
