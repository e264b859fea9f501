"""The SQS console in a real browser: the Create queue wizard, then Send and receive
messages: send one, Poll for messages (htmx polls) until it shows, delete it."""

import pytest
from playwright.sync_api import expect

from services.sqs.models import Message, Queue

pytestmark = pytest.mark.browser


def test_create_queue_send_poll_and_delete(signed_in):
    page = signed_in
    page.goto("/us-east-1/sqs/queues/")
    page.get_by_role("link", name="Create queue").first.click()
    page.get_by_label("Name").fill("browser-queue")
    page.get_by_label("Visibility timeout (seconds)").fill("60")
    # The CLI equivalent follows the form.
    expect(page.locator("[data-cli]")).to_contain_text("--queue-name 'browser-queue'")
    expect(page.locator("[data-cli]")).to_contain_text('"VisibilityTimeout":"60"')
    page.get_by_role("button", name="Create queue").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Queue browser-queue created successfully."
    )
    assert Queue.objects.get(resource_id="browser-queue").visibility_timeout == 60
    page.get_by_role("link", name="Send and receive messages").click()
    page.get_by_label("Message body").fill("hello from the browser")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Your message has been sent and is ready to be received."
    )
    page.get_by_label("Polling duration (seconds)").fill("4")
    page.get_by_role("button", name="Poll for messages").click()
    row = page.locator("#received-rows tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("hello from the browser")
    expect(page.locator("#poll-status")).to_contain_text("Polling stopped", timeout=10_000)
    expect(page.get_by_role("button", name="Poll for messages")).to_be_enabled()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("1 message deleted.")
    assert not Message.objects.exists()
