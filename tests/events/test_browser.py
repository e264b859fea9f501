"""Create rule in a real browser: a ready-made pattern in the editor, the Test pattern
sandbox (TestEventPattern) matching and not matching the sample event, the CLI
equivalent following the form, the rule's targets tab, and Delete with typed
confirmation (targets removed first)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from services.events.models import Rule

pytestmark = pytest.mark.browser


def test_create_test_and_delete_a_rule(signed_in):
    page = signed_in
    account = page.account
    page.goto("/us-east-1/events/rules/")
    page.get_by_role("link", name="Create rule").first.click()
    page.wait_for_url("**/us-east-1/events/rules/create/")

    page.get_by_label("Name", exact=True).fill("instance-stopped")
    page.get_by_label("Creation method: use a pattern form").select_option(
        label="EC2 Instance State-change Notification"
    )
    editor = page.get_by_role("textbox", name=re.compile("^Event pattern"))
    expect(editor).to_have_value(re.compile('"stopped"'))
    cli = page.locator("[data-cli-equivalent]")
    expect(cli).to_contain_text("aws events put-rule --name 'instance-stopped' --event-pattern")

    page.get_by_role("button", name="Test pattern").click()
    expect(page.locator("[data-test-result]")).to_contain_text(
        "Sample event matched the event pattern."
    )
    sample = page.get_by_label("Sample event")
    sample.fill(sample.input_value().replace('"stopped"', '"running"'))
    page.get_by_role("button", name="Test pattern").click()
    expect(page.locator("[data-test-result]")).to_contain_text(
        "Sample event did not match the event pattern."
    )

    page.get_by_role("combobox", name=re.compile("^Target -")).select_option("sqs")
    queue = f"arn:aws:sqs:us-east-1:{account.id}:alerts"
    page.get_by_role("textbox", name=re.compile("^Target ARN")).fill(queue)
    expect(cli).to_contain_text("aws events put-targets --rule 'instance-stopped'")
    page.get_by_role("button", name="Create rule").click()
    page.wait_for_url("**/us-east-1/events/rules/instance-stopped/")
    expect(page.locator(".flash-success")).to_contain_text(
        "Rule instance-stopped was created successfully."
    )
    expect(page.locator("[data-event-pattern]")).to_contain_text("aws.ec2")

    page.get_by_role("tab", name="Targets").click()
    expect(page.locator("[data-targets]")).to_contain_text(queue)

    page.get_by_role("button", name="Actions").click()
    page.get_by_role("menuitem", name="Delete").click()
    modal = page.get_by_role("dialog", name="Delete rule")
    expect(modal).to_contain_text("aws events remove-targets --rule instance-stopped --ids Target0")
    delete = modal.get_by_role("button", name="Delete", exact=True)
    expect(delete).to_be_disabled()
    modal.get_by_role("textbox").fill("delete")
    expect(delete).to_be_enabled()
    delete.click()
    page.wait_for_url("**/us-east-1/events/rules/")
    expect(page.locator(".flash-success")).to_contain_text(
        "Rule instance-stopped was deleted successfully."
    )
    assert not Rule.objects.filter(account=account).exists()
