"""EBS volumes and the event history in a real browser: create, watch the state move
by itself (htmx polling against a real Celery worker), delete with typed confirmation,
and find the calls in CloudTrail."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def create_volume(page, name: str, zone: str = "us-east-1b") -> str:
    page.goto("/us-east-1/ec2/volumes/create/")
    page.get_by_label("Size (GiB)").fill("10")
    page.get_by_label("Availability Zone").select_option(zone)
    page.get_by_label("Name tag").fill(name)
    summary = page.get_by_role("complementary", name="Summary")
    expect(summary).to_contain_text(name)
    expect(summary).to_contain_text(zone)
    summary.get_by_role("button", name="Create volume").click()
    page.wait_for_url(re.compile(r"/us-east-1/ec2/volumes/vol-[0-9a-f]{17}/$"))
    volume_id = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator(".flash-success")).to_contain_text(
        f"Successfully created volume {volume_id}."
    )
    return volume_id


@pytest.mark.worker
def test_a_volume_becomes_available_and_goes_away_without_a_reload(signed_in, worker, settings):
    # Durations near real ones (creating 3 s, deleting 2.25 s): the browser sees them move.
    settings.STRATOLAB_TIME_SCALE = 0.75
    page = signed_in
    volume_id = create_volume(page, "scratch")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Volumes").click()
    row = page.locator(f"tr[data-row='{volume_id}']")
    expect(row).to_contain_text("Creating")
    page.evaluate("window.notReloaded = true")
    expect(row).to_contain_text("Available", timeout=15_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("[data-polling]")).to_have_count(0)  # polling stopped

    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("menuitem", name="Delete volume").click()
    modal = page.get_by_role("dialog", name="Delete volume")
    expect(modal).to_contain_text("To confirm deletion, type delete in the field.")
    delete = modal.get_by_role("button", name="Delete", exact=True)
    expect(delete).to_be_disabled()
    modal.get_by_role("textbox").fill("delete")
    expect(delete).to_be_enabled()
    delete.click()
    expect(page.locator(".flash-success")).to_contain_text(volume_id)
    expect(row).to_contain_text("Deleting")
    page.evaluate("window.notReloaded = true")
    expect(row).to_have_count(0, timeout=15_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#rt-count")).to_have_text("(0)")


def test_an_aws_error_in_the_form_is_a_red_flashbar(signed_in):
    page = signed_in
    page.goto("/us-east-1/ec2/volumes/create/")
    page.get_by_label("Volume type").select_option("st1")
    page.get_by_label("Size (GiB)").fill("100")
    page.get_by_role("button", name="Create volume").click()
    expect(page.locator(".flash-error")).to_contain_text(
        "InvalidParameterValue: Volume of size 100GiB is too small"
    )
    expect(page.get_by_label("Size (GiB)")).to_have_value("100")


def test_the_event_history_shows_the_call_and_its_json_record(signed_in):
    page = signed_in
    volume_id = create_volume(page, "audited")
    page.get_by_role("button", name="Services").click()
    page.locator("#services-menu").get_by_role("link", name=re.compile("CloudTrail")).click()
    page.wait_for_url("**/us-east-1/cloudtrail/events/")
    row = page.locator("tr", has_text=volume_id)
    expect(row).to_contain_text("CreateVolume")
    expect(row).to_contain_text("root")
    expect(row).to_contain_text("ec2.amazonaws.com")
    expect(row).to_contain_text("Console")

    page.get_by_label("Lookup attributes").select_option("EventName")
    page.get_by_label("Value").fill("DeleteVolume")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("No events match the filters.")).to_be_visible()
    page.get_by_label("Value").fill("CreateVolume")
    page.get_by_role("button", name="Apply").click()

    page.get_by_role("link", name="CreateVolume").first.click()
    record = page.locator("[data-event-record]")
    expect(record).to_contain_text('"eventName": "CreateVolume"')
    expect(record).to_contain_text(f'"ARN": "arn:aws:ec2:us-east-1:{page.account.id}:volume/')
    expect(record).to_contain_text('"stratolabDoor": "console"')
