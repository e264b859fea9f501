"""SNS in a real browser: create a topic, subscribe an email address, confirm it from
the Outbox, publish a message from the Publish message page and read it in the
Outbox; delete the subscription through its confirmation modal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_topic_subscription_publish_and_outbox(signed_in, sns_server):
    # sns_server's worker delivers (tests/sns/conftest.py); the session `worker` would
    # be a second consumer of the same broker, signing with another server's address.
    page = signed_in
    page.goto("/us-east-1/sns/topics/create/")
    page.get_by_label("Standard").check()
    page.get_by_label("Name", exact=True).fill("alerts")
    expect(page.locator("[data-cli]")).to_contain_text("aws sns create-topic")
    page.get_by_role("button", name="Create topic").click()
    expect(page.locator(".flash-success")).to_contain_text("Topic alerts created successfully.")
    page.get_by_role("link", name="Create subscription").click()
    page.get_by_label("Protocol").select_option("email")
    page.get_by_label("Endpoint").fill("ops@example.com")
    page.get_by_role("button", name="Create subscription").click()
    expect(page.locator(".flash-success")).to_contain_text("created successfully")
    expect(page.get_by_role("table", name="Subscriptions")).to_contain_text("Pending confirmation")
    # The confirmation email arrives in the Outbox (the worker sends it).
    page.goto("/us-east-1/sns/outbox/")
    for _ in range(40):
        if page.get_by_role("button", name="Confirm subscription").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    page.get_by_role("button", name="Confirm subscription").click()
    expect(page.locator(".flash-success")).to_contain_text("Subscription confirmed")
    # Publish from the topic's page.
    page.goto("/us-east-1/sns/topics/")
    page.get_by_role("link", name="alerts").click()
    expect(page.get_by_role("table", name="Subscriptions")).to_contain_text("Confirmed")
    page.get_by_role("link", name="Publish message").click()
    page.get_by_label("Subject - optional").fill("Disk")
    page.get_by_label("Message body to send to the endpoint").fill("disk is full")
    page.get_by_role("button", name="Publish message").click()
    expect(page.locator(".flash-success")).to_contain_text("Message published to topic alerts")
    page.goto("/us-east-1/sns/outbox/")
    for _ in range(40):
        if page.get_by_text("disk is full").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_role("table", name="Outbox")).to_contain_text("disk is full")
    # Delete the subscription, through its confirmation.
    page.goto("/us-east-1/sns/topics/")
    page.get_by_role("link", name="alerts").click()
    page.get_by_role("table", name="Subscriptions").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete subscription?")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No subscriptions")).to_be_visible()
