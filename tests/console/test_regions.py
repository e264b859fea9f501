"""Regions in the console: a known region segment on every service page, kept in the
session; an unknown one gives a 404 inside the console frame (GLB-02, GLB-03)."""

from services.core.middleware import SESSION_REGION
from tests.pages import html, text


def test_an_unknown_region_is_a_console_404(console):
    response = console.get("/xx-nowhere-1/ec2/volumes/")
    assert response.status_code == 404
    page = text(response)
    assert "This region doesn't exist" in page
    assert "xx-nowhere-1" in page
    # Inside the console frame: the top bar with the services menu and account menu.
    assert 'id="services-button"' in html(response) and 'id="account-button"' in html(response)
    assert console.session.get(SESSION_REGION) != "xx-nowhere-1"


def test_an_unknown_page_is_a_console_404_too(console):
    response = console.get("/us-east-1/ec2/no-such-page/")
    assert response.status_code == 404
    assert b'id="services-button"' in response.content
    assert b"Page not found" in response.content


def test_a_missing_slash_still_redirects(console):
    response = console.get("/home")
    assert response.status_code == 301 and response["Location"] == "/home/"


def test_the_region_is_kept_in_the_session_across_pages(console):
    assert console.get("/eu-west-1/ec2/volumes/").status_code == 200
    assert console.session[SESSION_REGION] == "eu-west-1"
    home = console.get("/home/").content.decode()
    # The region selector shows Ireland, and service links lead to eu-west-1.
    assert 'aria-label="Region: Europe (Ireland)"' in home
    assert 'href="/eu-west-1/ec2/"' in home
    events = console.get("/eu-west-1/cloudtrail/events/")
    assert events.status_code == 200
    assert b"Europe (Ireland)" in events.content


def test_the_region_selector_swaps_the_region_of_the_same_page(console):
    html = console.get("/us-east-1/ec2/volumes/?filter=x").content.decode()
    assert 'href="/eu-west-1/ec2/volumes/"' in html
    assert 'href="/ap-northeast-1/ec2/volumes/"' in html
    assert "US East (N. Virginia)" in html and "Asia Pacific (Tokyo)" in html


def test_the_region_switch_of_the_home_comes_back_home(console):
    response = console.get("/region/eu-central-1/?next=/home/")
    assert response["Location"] == "/home/"
    assert console.session[SESSION_REGION] == "eu-central-1"
    response = console.get("/region/xx-nowhere-1/?next=https://evil.example/")
    assert response["Location"] == "/home/"
    assert console.session[SESSION_REGION] == "eu-central-1"


def test_a_service_home_leads_to_its_pages(console):
    response = console.get("/us-east-1/cloudtrail/")
    assert response["Location"] == "/us-east-1/cloudtrail/events/"
    # EC2 has no dashboard yet in every checkout: its first table, or its dashboard.
    response = console.get("/us-east-1/ec2/")
    assert response.status_code == 302
    assert response["Location"].startswith("/us-east-1/ec2/")
