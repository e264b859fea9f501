"""The console shell in a real browser: sign-in, the services menu, the region
selector, sign-out."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_signs_in_shows_the_account_and_signs_out(signed_in):
    page = signed_in
    expect(page.get_by_role("heading", name="Console Home")).to_be_visible()
    account_id = page.account.id
    formatted = f"{account_id[:4]}-{account_id[4:8]}-{account_id[8:]}"
    page.locator("#account-button").click()
    menu = page.locator("#account-menu")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text(formatted)
    expect(menu).to_contain_text("browser")
    menu.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/signin\?next=/home/$"))


def test_a_wrong_password_shows_an_error(page, transactional_db):
    from services.core.accounts import create_account

    create_account("who@example.com", "correct horse battery")
    page.goto("/signin")
    page.get_by_label("Root user email address").fill("who@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your authentication information is incorrect"
    )
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/signin"))


def test_the_services_menu_filters_as_you_type_and_opens_a_service(signed_in):
    page = signed_in
    page.get_by_role("button", name="Services").click()
    menu = page.locator("#services-menu")
    expect(menu).to_be_visible()
    search = menu.get_by_label("Search services", exact=True)
    expect(search).to_be_focused()
    ec2 = menu.get_by_role("link", name=re.compile(r"^EC2 "))
    cloudtrail = menu.get_by_role("link", name=re.compile(r"CloudTrail"))
    expect(cloudtrail).to_be_visible()
    search.press_sequentially("ec2")
    expect(ec2).to_be_visible()
    expect(cloudtrail).to_be_hidden()
    search.fill("no such service")
    expect(menu.get_by_text("No services match your search.")).to_be_visible()
    search.fill("ec2")
    ec2.click()
    page.wait_for_url(re.compile(r"/us-east-1/ec2/"))
    expect(page.locator(".sidenav")).to_contain_text("Volumes")


def test_switching_region_keeps_it_across_pages(signed_in):
    page = signed_in
    page.goto("/us-east-1/ec2/volumes/")
    region = page.locator("#region-button")
    expect(region).to_contain_text("US East (N. Virginia)")
    region.click()
    page.locator("#region-menu").get_by_role(
        "menuitem", name=re.compile("Europe \\(Ireland\\)")
    ).click()
    page.wait_for_url("**/eu-west-1/ec2/volumes/")
    expect(region).to_contain_text("Europe (Ireland)")
    # Another service, through the services menu: still Ireland.
    page.get_by_role("button", name="Services").click()
    page.locator("#services-menu").get_by_role("link", name=re.compile("CloudTrail")).click()
    page.wait_for_url("**/eu-west-1/cloudtrail/events/")
    expect(page.locator("#region-button")).to_contain_text("Europe (Ireland)")
    # And the home, which has no region in its address, remembers it too.
    page.goto("/home/")
    expect(page.locator("#region-button")).to_contain_text("Europe (Ireland)")
    # Switching there stays on the home.
    page.locator("#region-button").click()
    page.locator("#region-menu").get_by_role(
        "menuitem", name=re.compile("Asia Pacific \\(Tokyo\\)")
    ).click()
    page.wait_for_url("**/home/")
    expect(page.locator("#region-button")).to_contain_text("Asia Pacific (Tokyo)")


def test_an_unknown_region_shows_the_console_404(signed_in):
    page = signed_in
    response = page.goto("/xx-nowhere-1/ec2/volumes/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="This region doesn't exist")).to_be_visible()
    expect(page.get_by_role("button", name="Services")).to_be_visible()
