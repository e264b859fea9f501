"""A live Stratolab and a Celery worker for SNS: the worker delivers, and needs the
server's address for the URLs it puts in messages (SigningCertURL, SubscribeURL,
UnsubscribeURL on `sns.<region>.localhost:<port>`), so both are started here.

An HTTP endpoint for subscriptions (`endpoint` fixture) runs in the test process: the
worker POSTs to it, the test reads what arrived.
"""

from __future__ import annotations

import http.server
import json
import queue
import threading
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.aws.conftest import Student
from tests.conftest import _test_env, serve


def _env() -> dict[str, str]:
    env = _test_env()
    env["DJANGO_SETTINGS_MODULE"] = "tests.sns.settings"
    return env


@pytest.fixture(scope="package")
def sns_server(django_db_setup, django_db_blocker, tmp_path_factory, worker) -> Iterator[str]:
    """The live server; the suite's one worker is restarted with this server's address
    and settings meanwhile (a second worker on the broker would take half the tasks and
    sign with another address), and given its own back afterwards."""
    with django_db_blocker.unblock():
        env = _env()
    log = tmp_path_factory.mktemp("sns-gunicorn") / "gunicorn.log"
    with serve(env, log, 1) as url:
        own_env = worker.env
        worker.stop()
        worker.env = {**env, "STRATOLAB_TEST_WORKER": "1", "STRATOLAB_PUBLIC_URL": url}
        worker.start()
        try:
            yield url
        finally:
            worker.stop()
            worker.env = own_env
            worker.start()


@pytest.fixture
def student(transactional_db, sns_server) -> Student:
    from services.core.accounts import create_account

    new = create_account("sns@example.com", "correct horse battery", alias="sns")
    return Student(
        new.account.id, new.access_key.access_key_id, new.access_key.secret_access_key, sns_server
    )


def fetch(url: str, *, method: str = "GET") -> tuple[int, bytes]:
    """GET a URL on this machine; a `*.localhost` name is sent to 127.0.0.1 with its
    Host header (as browsers resolve it), whatever the resolver knows."""
    parts = urlsplit(url)
    target = url.replace(parts.netloc, f"127.0.0.1:{parts.port}", 1)
    request = urllib.request.Request(target, method=method, headers={"Host": parts.netloc})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for attempt in range(3):
        try:
            with opener.open(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except urllib.error.URLError:
            # The one web process may be busy with long polls; ask again, as a client would.
            if attempt == 2:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


class Endpoint:
    """An HTTP endpoint on this machine that records what SNS posts to it."""

    def __init__(self) -> None:
        self.received: queue.Queue = queue.Queue()
        self.status = 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.put((dict(self.headers), body.decode()))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout: float = 20) -> tuple[dict, dict | str]:
        headers, body = self.received.get(timeout=timeout)
        try:
            return headers, json.loads(body)
        except ValueError:
            return headers, body

    def nothing(self, wait: float = 2) -> bool:
        time.sleep(wait)
        return self.received.empty()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    e = Endpoint()
    yield e
    e.close()


def eventually(check, timeout: float = 20, interval: float = 0.2):
    """`check()`'s first truthy value within `timeout` seconds (the worker delivers
    after the call; tests wait for the effect, never a fixed time)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(interval)
