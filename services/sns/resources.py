"""How SNS appears in the registry: topics and subscriptions as resource types (console
navigation, search, REST routes `/api/v1/sns/topics/` and `/api/v1/sns/subscriptions/`,
their OpenAPI description, lab checks `sns.topics` / `sns.subscriptions`), the Outbox
as a navigation link. Both are named by ARN, which is their id here."""

from __future__ import annotations

from services.core import registry
from services.core.registry import Action, Column, Listing, NavLink, Pages, ResourceType, Service
from services.sns import forms
from services.sns.models import Subscription, Topic

registry.register_service(
    Service(
        "sns",
        "Simple Notification Service",
        "SNS managed message topics for Pub/Sub",
        "Application Integration",
        home_url_name="sns:dashboard",
        nav_links=(
            NavLink("Dashboard", "sns:dashboard"),
            NavLink("Outbox", "sns:outbox", nav_order=30),
        ),
    )
)


def _topic(rows: list[Topic]) -> dict:
    return {"TopicArn": rows[0].resource_id}


def _subscription(rows: list[Subscription]) -> dict:
    return {"SubscriptionArn": rows[0].resource_id}


TOPICS = registry.register(
    ResourceType(
        service="sns",
        slug="topics",
        model=Topic,
        label="Topic",
        label_plural="Topics",
        nav_section="",
        nav_order=10,
        columns=(
            Column("Name", "topic_name", link=True),
            Column("Type", "kind_label"),
            Column("ARN", "resource_id", "code"),
        ),
        detail_fields=(
            Column("Name", "topic_name"),
            Column("ARN", "resource_id", "code"),
            Column("Type", "kind_label"),
            Column("Display name", "display_name"),
            Column("Topic owner", "account_id"),
        ),
        actions=(
            Action(
                "Delete",
                "DeleteTopic",
                _topic,
                confirm="Delete topic? Deleting a topic deletes all its subscriptions. "
                "This cannot be undone.",
                typed_confirmation="delete me",
                destructive=True,
            ),
        ),
        create_operation="CreateTopic",
        create_form=forms.TopicForm,
        create_params=forms.topic_params,
        search_fields=("resource_id", "topic_name"),
        default_ordering="topic_name",
        listing=Listing("ListTopics", "Topics", "TopicArn"),
        pages=Pages(
            create="services.sns.views.create_topic",
            detail="services.sns.views.topic_detail",
        ),
        extra={
            "describe_params": lambda resource_id: {},
            "detail_operation": "GetTopicAttributes",
            "detail_param": ("TopicArn", "resource_id"),
        },
    )
)

SUBSCRIPTIONS = registry.register(
    ResourceType(
        service="sns",
        slug="subscriptions",
        model=Subscription,
        label="Subscription",
        label_plural="Subscriptions",
        nav_section="",
        nav_order=20,
        columns=(
            Column("ID", "name", link=True),
            Column("Endpoint", "endpoint"),
            Column("Status", "status_label"),
            Column("Protocol", "protocol"),
            Column("Topic", "topic_arn", "code"),
        ),
        detail_fields=(
            Column("ARN", "resource_id", "code"),
            Column("Endpoint", "endpoint"),
            Column("Topic", "topic_arn", "code"),
            Column("Status", "status_label"),
            Column("Protocol", "protocol"),
            Column("Subscription owner", "owner"),
        ),
        actions=(
            Action(
                "Delete",
                "Unsubscribe",
                _subscription,
                confirm="Delete subscription? The endpoint stops receiving the topic's messages.",
                destructive=True,
            ),
        ),
        create_operation="Subscribe",
        search_fields=("resource_id", "endpoint"),
        listing=Listing("ListSubscriptions", "Subscriptions", "SubscriptionArn"),
        pages=Pages(create="services.sns.views.create_subscription"),
        extra={
            "describe_params": lambda resource_id: {},
            "detail_operation": "GetSubscriptionAttributes",
            "detail_param": ("SubscriptionArn", "resource_id"),
            "create_label": "Create subscription",
        },
    )
)
