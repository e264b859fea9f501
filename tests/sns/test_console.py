"""SNS's console pages (Django test client, signed in as the account's root user):
topics list, Create topic (standard and FIFO, with its CLI equivalent), the topic page
and its tabs, Create subscription, Publish message, the Outbox with its confirmation
button, the delete confirmation, and the REST door's topics."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from services.core import operations

pytestmark = pytest.mark.django_db

BASE = "/us-east-1/sns"


def _topic(ctx, name="orders", **attributes) -> str:
    params = {"Name": name}
    if attributes:
        params["Attributes"] = attributes
    return operations.call(ctx, "sns", "CreateTopic", params)["TopicArn"]


def test_create_topic_page_makes_a_fifo_topic(console, account):
    page = console.get(f"{BASE}/topics/create/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "FIFO (first-in, first-out)" in text and "AWS CLI equivalent" in text
    assert "aws sns create-topic --name MyTopic --region us-east-1" in text
    done = console.post(
        f"{BASE}/topics/create/",
        {"topic_type": "fifo", "name": "orders", "content_based_deduplication": "on"},
    )
    arn = f"arn:aws:sns:us-east-1:{account.id}:orders.fifo"
    assert done.status_code == 302 and done["Location"].endswith(f"/topics/{arn}/")
    page = console.get(done["Location"])
    text = page.content.decode()
    assert "orders.fifo" in text and "FIFO" in text and "Publish message" in text
    assert "No subscriptions" in text


def test_a_refused_create_shows_the_aws_error(console):
    done = console.post(f"{BASE}/topics/create/", {"topic_type": "standard", "name": "bad name"})
    assert done.status_code == 200
    assert "InvalidParameter: Invalid parameter: Topic Name" in done.content.decode()


def test_topics_list_and_details_tabs(console, ctx):
    arn = _topic(ctx)
    listed = console.get(f"{BASE}/topics/").content.decode()
    assert "orders" in listed and arn in listed
    operations.call(ctx, "sns", "Subscribe", {"TopicArn": arn, "Protocol": "sms",
                                               "Endpoint": "+15555550100"})  # fmt: skip
    page = console.get(f"{BASE}/topics/{arn}/").content.decode()
    assert "+15555550100" in page and "Confirmed" in page
    policy = console.get(f"{BASE}/topics/{arn}/?tab=policy").content.decode()
    assert "__default_policy_ID" in policy
    assert console.get(f"{BASE}/topics/{arn}/?tab=tags").status_code == 200
    missing = console.get(f"{BASE}/topics/{arn}x/")
    assert missing.status_code == 404


def test_delete_topic_asks_for_the_typed_confirmation(console, ctx):
    arn = _topic(ctx)
    url = f"{BASE}/topics/actions/DeleteTopic/"
    modal = console.get(url, {"ids": arn})
    assert "delete me" in modal.content.decode()
    console.post(url, {"ids": arn, "confirmation": "nope"})
    assert operations.call(ctx, "sns", "ListTopics", {})["Topics"] == [{"TopicArn": arn}]
    console.post(url, {"ids": arn, "confirmation": "delete me"})
    assert operations.call(ctx, "sns", "ListTopics", {})["Topics"] == []


def test_create_subscription_and_publish_pages(console, ctx):
    arn = _topic(ctx)
    page = console.get(f"{BASE}/subscriptions/create/?topic={quote(arn)}").content.decode()
    assert "Amazon SQS" in page and "aws sns subscribe" in page
    done = console.post(f"{BASE}/subscriptions/create/", {
        "topic_arn": arn, "protocol": "email", "endpoint": "ops@example.com",
        "filter_policy_scope": "MessageAttributes",
    })  # fmt: skip
    assert done.status_code == 302
    [sub] = operations.call(ctx, "sns", "ListSubscriptions", {})["Subscriptions"]
    assert (sub["Endpoint"], sub["SubscriptionArn"]) == ("ops@example.com", "PendingConfirmation")
    publish = console.get(f"{BASE}/topics/{arn}/publish/").content.decode()
    assert "Publish message to topic" in publish and "aws sns publish" in publish
    done = console.post(f"{BASE}/topics/{arn}/publish/", {
        "subject": "Hi", "message": "hello", "attribute_type": "String",
    })  # fmt: skip
    assert done.status_code == 302
    bad = console.post(f"{BASE}/topics/{arn}/publish/", {"message": "x", "subject": "a" * 100,
                                                          "attribute_name": "n",
                                                          "attribute_type": "Number",
                                                          "attribute_value": "abc"})  # fmt: skip
    assert "ParameterValueInvalid" in bad.content.decode()


def test_outbox_shows_messages_and_confirms(console, ctx, account):
    from services.sns import fanout
    from services.sns.models import OutboxMessage, Subscription

    arn = _topic(ctx)
    operations.call(ctx, "sns", "Subscribe", {"TopicArn": arn, "Protocol": "email",
                                               "Endpoint": "ops@example.com"})  # fmt: skip
    sub = Subscription.objects.get()
    fanout.send_confirmation(sub)  # what the worker does after the call
    page = console.get(f"{BASE}/outbox/").content.decode()
    assert "ops@example.com" in page and "Confirm subscription" in page
    row = OutboxMessage.objects.get()
    console.post(f"{BASE}/outbox/{row.pk}/confirm/")
    sub.refresh_from_db()
    assert sub.confirmed


def test_rest_door_lists_topics(console, ctx, account):
    from rest_framework.test import APIClient

    arn = _topic(ctx, "rest-topic")
    client = APIClient()
    client.cookies = console.cookies
    answer = client.get("/api/v1/sns/topics/", {"region": "us-east-1"})
    assert answer.status_code == 200, answer.content
    assert [t["id"] for t in answer.json()["results"]] == [arn]
    one = client.get(f"/api/v1/sns/topics/{arn}/", {"region": "us-east-1"})
    assert one.status_code == 200 and one.json()["arn"] == arn
