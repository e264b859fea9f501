"""The Launch instance page and the Instances table in a real browser, with a real
Celery worker moving the lifecycle (EC2-02, EC2-04)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PUBLIC_IP = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def public_ip(row) -> str:
    cells = row.locator("td").all_inner_texts()
    private = cells[8]  # Name..Private IPv4 address: the ninth column after the checkbox
    found = [ip for ip in PUBLIC_IP.findall(" ".join(cells)) if ip != private.strip()]
    return found[0] if found else ""


@pytest.mark.worker
def test_launch_watch_stop_start_terminate(signed_in, worker, settings):
    settings.STRATOLAB_TIME_SCALE = 0.3  # pending 3 s, stopping 3.6 s, shutting-down 3 s
    page = signed_in
    page.goto("/us-east-1/ec2/home/")
    page.get_by_role("link", name="Launch instance").click()
    page.wait_for_url("**/us-east-1/ec2/launch/")

    page.locator("input[name=Name]").fill("web-1")
    page.locator("[data-tile='Ubuntu']").click()
    expect(page.get_by_label("Amazon Machine Image (AMI)")).to_have_value(
        re.compile(r"^ami-0[0-9a-f]{16}$")
    )
    summary = page.get_by_role("complementary", name="Summary")
    expect(summary).to_contain_text("Ubuntu Server 24.04 LTS")
    page.locator("select[name=InstanceType]").select_option("t3.micro")
    expect(summary).to_contain_text("t3.micro")
    page.get_by_label("Allow HTTP traffic from the internet").check()
    summary.get_by_role("button", name="Launch instance").click()

    page.wait_for_url("**/us-east-1/ec2/launch/success/**")
    success = page.locator("[data-launch-success]")
    expect(success).to_contain_text("Successfully initiated launch of instance")
    instance_id = success.locator("a").first.inner_text()
    assert re.fullmatch(r"i-[0-9a-f]{17}", instance_id)

    page.get_by_role("link", name="View all instances").click()
    row = page.locator(f"tr[data-row='{instance_id}']")
    expect(row).to_contain_text("web-1")
    page.evaluate("window.notReloaded = true")
    expect(row).to_contain_text("Running", timeout=20_000)
    first_ip = public_ip(row)
    assert first_ip

    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Instance state").click()
    page.get_by_role("menuitem", name="Stop instance").click()
    expect(page.locator(".flash-success")).to_contain_text(instance_id)
    row = page.locator(f"tr[data-row='{instance_id}']")
    page.evaluate("window.notReloaded = true")
    expect(row).to_contain_text("Stopped", timeout=20_000)
    assert page.evaluate("window.notReloaded") is True
    assert public_ip(row) == ""

    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Instance state").click()
    page.get_by_role("menuitem", name="Start instance").click()
    row = page.locator(f"tr[data-row='{instance_id}']")
    expect(row).to_contain_text("Running", timeout=20_000)
    second_ip = public_ip(row)
    assert second_ip and second_ip != first_ip  # EC2-04

    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Instance state").click()
    page.get_by_role("menuitem", name="Terminate (delete) instance").click()
    modal = page.get_by_role("dialog", name="Terminate (delete) instance")
    expect(modal).to_contain_text(instance_id)
    modal.get_by_role("button", name="Terminate").click()
    row = page.locator(f"tr[data-row='{instance_id}']")
    expect(row).to_contain_text("Shutting-down")
    page.evaluate("window.notReloaded = true")
    # The worker runs at time scale 0: "terminated" lasts no time there, so the row
    # shows Terminated and then leaves the table (EC2-05) without a reload.
    page.wait_for_function(
        """id => { const r = document.querySelector(`tr[data-row='${id}']`);
                   return !r || r.textContent.includes('Terminated'); }""",
        arg=instance_id,
        timeout=20_000,
    )
    assert page.evaluate("window.notReloaded") is True


def test_key_pair_downloads_once(signed_in):
    page = signed_in
    page.goto("/us-east-1/ec2/key-pairs/")
    page.get_by_role("link", name="Create key pair").first.click()
    page.get_by_label("Name").fill("lab-key")
    with page.expect_download() as download:
        page.get_by_role("button", name="Create key pair").click()
    assert download.value.suggested_filename == "lab-key.pem"
    text = open(download.value.path()).read()
    assert text.startswith("-----BEGIN RSA PRIVATE KEY-----")
    page.reload()
    expect(page.locator("main")).to_contain_text("It can't be downloaded again.")
