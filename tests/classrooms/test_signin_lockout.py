"""Issue 11, item 3, for instructors: the instructor page and the classroom API's HTTP
Basic auth share one lockout per instructor name, counted in PostgreSQL so that every
gunicorn worker sees it. Ten failures within 15 minutes lock the name out: the page
says so, the API answers 429 with a problem document, even for the right password and
for a name nobody has."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client

from services.core.signin_guard import LOCKED_MESSAGE
from tests.conftest import _test_env, serve
from tests.console.hashers import count_hashes

PASSWORD = "chalk and blackboard"  # the `instructor` fixture's
INCORRECT = "Your user name or password is incorrect."


def page_sign_in(username: str, password: str):
    return Client().post("/instructor/signin", {"username": username, "password": password})


def test_ten_failures_lock_the_instructor_page_even_with_the_right_password(instructor):
    for n in range(10):
        assert INCORRECT in page_sign_in("teacher", f"wrong {n}").content.decode()
    response = page_sign_in("teacher", PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert Client().get("/instructor/").status_code == 302  # no session came of it


def test_an_unknown_instructor_name_is_locked_out_like_a_known_one(instructor):
    for name in ("teacher", "nobody"):
        answers = [page_sign_in(name, f"wrong {n}") for n in range(10)]
        assert [r.status_code for r in answers] == [200] * 10
        assert all(INCORRECT in r.content.decode() for r in answers)
        locked = page_sign_in(name, PASSWORD)
        assert locked.status_code == 429 and LOCKED_MESSAGE in locked.content.decode()


@pytest.mark.parametrize("name", ["teacher", "nobody"])
def test_known_and_unknown_instructors_cost_one_hash_each(instructor, settings, name):
    hashes = count_hashes(settings)
    assert INCORRECT in page_sign_in(name, "wrong").content.decode()
    assert hashes() == 1
    response = Client().get("/api/v1/classrooms/", HTTP_AUTHORIZATION=_basic(name, "wrong"))
    assert response.status_code == 401
    assert hashes() == 1


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# --- several gunicorn workers ---------------------------------------------------------


@pytest.fixture(scope="module")
def workers(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """gunicorn with three worker processes on the test database."""
    with django_db_blocker.unblock():
        env = _test_env()
    with serve(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", 3) as url:
        yield url


def _get(url: str, user: str, password: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, headers={"Authorization": _basic(user, password)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_parallel_guesses_across_workers_get_ten_tries_then_429(workers, transactional_db):
    from django.contrib.auth.models import User

    User.objects.create_user("teacher", "teacher@example.com", PASSWORD)
    url = f"{workers}/api/v1/classrooms/"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda n: _get(url, "teacher", f"guess {n}"), range(24)))
    statuses = sorted(status for status, _, _ in answers)
    # However the guesses raced through the workers, no more than ten were checked.
    assert statuses.count(401) <= 10 and statuses.count(401) + statuses.count(429) == 24
    assert statuses.count(429) >= 14

    status, headers, body = _get(url, "teacher", PASSWORD)
    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert body["code"] == "ThrottlingException" and body["status"] == 429
    assert body["detail"] == LOCKED_MESSAGE
    assert 0 < int(headers["Retry-After"]) <= 15 * 60
    # The instructor page answers for the same name: locked out too.
    assert page_sign_in("teacher", PASSWORD).status_code == 429

    # A name nobody has gets the same answers.
    for n in range(10):
        assert _get(url, "nobody", f"guess {n}")[0] == 401
    status, headers, unknown = _get(url, "nobody", PASSWORD)
    assert status == 429
    assert {k: v for k, v in unknown.items() if k != "request_id"} == {
        k: v for k, v in body.items() if k != "request_id"
    }
