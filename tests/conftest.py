"""Shared fixtures: the embedded PostgreSQL and Redis for the whole run, accounts and
call contexts, a real Celery worker, and a headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from console import embedded, home

ROOT = Path(__file__).resolve().parent.parent
_redis: subprocess.Popen | None = None
PASSWORD = "correct horse battery"  # of the `account` fixture's root user


def pytest_configure(config: pytest.Config) -> None:
    """Start the servers before pytest-django creates the test database."""
    global _redis
    if home.uses_embedded_postgres():
        socket_dir = embedded.start_postgres(home.home_dir(), database="postgres")
        settings.DATABASES["default"]["HOST"] = str(socket_dir)
    if home.uses_embedded_redis():
        _redis = embedded.start_redis(home.home_dir())


def pytest_unconfigure(config: pytest.Config) -> None:
    if _redis is not None:
        _redis.terminate()
        _redis.wait(10)
    if home.uses_embedded_postgres() and not os.environ.get("STRATOLAB_KEEP_TEST_SERVERS"):
        embedded.stop_postgres(home.home_dir())


@pytest.fixture
def account(db):
    from services.core.accounts import create_account

    return create_account("student@example.com", PASSWORD, alias="student").account


@pytest.fixture
def other_account(db):
    from services.core.accounts import create_account

    return create_account("other@example.com", "another long password").account


@pytest.fixture
def ctx(account):
    from services.core.context import CallContext, Principal

    return CallContext(
        account=account, region="us-east-1", principal=Principal.root(account.id), door="console"
    )


@pytest.fixture
def console(account) -> Client:
    """A Django test client signed in through the sign-in page as the root user of
    `account` (whose password the `account` fixture sets)."""
    client = Client()
    response = client.post("/signin", {"email": account.root_email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    # Tests count the events their own calls make; the sign-in's ConsoleLogin event is
    # tested in tests/console/test_signin.py.
    from services.core.models import Event

    Event.objects.filter(event_name="ConsoleLogin").delete()
    return client


# --- a live web server, as `stratolab up` runs it ---------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[str]:
    """gunicorn on a free port with `up`'s own command line (the buffering worker, its
    AWS-style error pages, the access log without signatures); yields the base URL."""
    import socket

    from console.up import gunicorn_argv

    port = free_port()
    proc = subprocess.Popen(
        [*gunicorn_argv(f"127.0.0.1:{port}", str(workers)), "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("gunicorn did not start:\n" + log.read_text()) from None
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- a real Celery worker against the test database ---------------------------------


def _test_env() -> dict[str, str]:
    from django.db import connection

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["STRATOLAB_DB_NAME"] = connection.settings_dict["NAME"]
    env["PYTHONPATH"] = str(ROOT)
    return env


class Worker:
    """A `celery worker` process (with beat inside it, so the sweep runs too)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**env, "STRATOLAB_TEST_WORKER": "1"}  # see tests/settings.py
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        # The log is appended to across restarts: only a "ready." written after this
        # start counts.
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "console", "worker", "--beat",
             "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--schedule", str(self.log.with_suffix(".beat"))],
            cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while b"ready." not in self.log.read_bytes()[offset:]:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + self.log.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


@pytest.fixture(scope="session")
def worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:
    with django_db_blocker.unblock():
        env = _test_env()
    w = Worker(env, tmp_path_factory.mktemp("worker") / "worker.log")
    w.start()
    yield w
    w.stop()


# --- a headless Chromium ----------------------------------------------------------------


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.skip("no Chromium on this machine: browser tests skipped (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def signed_in(page, transactional_db):
    """A browser page signed in as the root user of a fresh account."""
    from services.core.accounts import create_account

    new = create_account("browser@example.com", "correct horse battery", alias="browser")
    page.goto("/signin")
    page.get_by_label("Root user email address").fill("browser@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/**")
    page.account = new.account
    return page
