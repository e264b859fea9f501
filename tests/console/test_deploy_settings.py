"""Issue 11, "Also": the CSRF cookie is HttpOnly (no console script needs it: htmx and
uploads take the token from the page), and a classroom server behind TLS gets every
setting `manage.py check --deploy` asks for from environment variables."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.conftest import ROOT


def test_the_csrf_cookie_is_http_only(db):
    response = Client().get("/signin")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] is True
    # The form carries the token itself.
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_console_pages_give_htmx_the_token(console):
    page = console.get("/home/").content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in page


@pytest.mark.browser
def test_scripts_cannot_read_the_csrf_cookie_and_htmx_still_posts(signed_in):
    page = signed_in
    assert "csrftoken" in {c["name"] for c in page.context.cookies()}
    assert "csrftoken" not in page.evaluate("document.cookie")
    # The live preview of Create VPC is an htmx POST: it needs the token from the page.
    page.goto("/us-east-1/vpc/vpcs/create/")
    page.get_by_text("VPC and more", exact=True).click()
    page.get_by_label("IPv4 CIDR block").fill("10.30.0.0/16")
    expect(page.locator("#vpc-preview")).to_contain_text("10.30.0.0/20")


TLS_ENV = {
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def _check_deploy(tmp_path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment, as on a server (the suite's own variables, such as
    # DJANGO_ALLOW_ASYNC_UNSAFE, are what check --deploy would rightly complain of).
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        STRATOLAB_HOME=str(tmp_path),  # `check` opens no database
        SECRET_KEY="k3y-" + "0123456789abcdef" * 4,
        ALLOWED_HOSTS="class.example.org",
        DJANGO_SETTINGS_MODULE="console.settings",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_the_tls_variables(tmp_path):
    done = _check_deploy(tmp_path, TLS_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_them_check_deploy_names_what_is_missing(tmp_path):
    """The defaults suit the local http `stratolab up`; check --deploy says so."""
    done = _check_deploy(tmp_path, {})
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


def test_behind_the_proxy_plain_http_is_redirected_and_cookies_are_secure(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = Client().get("/signin", HTTP_HOST="class.example.org")
    assert plain.status_code == 301
    assert plain["Location"] == "https://class.example.org/signin"
    proxied = Client().get("/signin", HTTP_HOST="class.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied.cookies["csrftoken"]["secure"] is True
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")
    # The container's health check reads a static file over plain http.
    static = Client().get("/static/css/console.css", HTTP_HOST="class.example.org")
    assert static.status_code != 301
