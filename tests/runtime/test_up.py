"""`stratolab up` and `stratolab account create` for real: embedded PostgreSQL and Redis,
a Celery worker and beat, gunicorn, all in subprocesses on a temporary home."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.runtime.conftest import (
    Up,
    children_of,
    clean_env,
    free_port,
    processes_of,
    run_cli,
    sign_in,
    start_up,
)


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def assert_nothing_left(up: Up, timeout: float = 15) -> None:
    """No process of this home survives its `up`."""
    deadline = time.monotonic() + timeout
    while (left := processes_of(up.home)) and time.monotonic() < deadline:
        time.sleep(0.2)
    pg_log = up.home / "pgdata" / "log"
    assert left == [], (
        f"left running: {left}\n--- stratolab up said:\n{up.output}\n--- PostgreSQL log:\n"
        + (pg_log.read_text()[-3000:] if pg_log.exists() else "(none)")
    )


@pytest.fixture(scope="module")
def created_account(running_up: Up) -> dict:
    result = run_cli(
        "account", "create", "--home", str(running_up.home),
        "--email", "Student1@Example.com", "--password", "correct horse battery",
        "--alias", "student1", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_up_prints_the_console_url_and_the_demo_sign_in(running_up: Up) -> None:
    assert f"Console:     {running_up.url}/" in running_up.output
    assert running_up.banner_value("Sign in") == f"{running_up.url}/signin"
    assert running_up.banner_value("Email") == "demo@stratolab.local"
    assert len(running_up.banner_value("Password")) >= 12
    assert re.fullmatch(r"[0-9]{12}", running_up.banner_value("Account ID"))
    assert re.search(r"export AWS_ACCESS_KEY_ID=AKIA[A-Z2-7]{16}\n", running_up.output)
    assert re.search(r"export AWS_SECRET_ACCESS_KEY=\S{40}\n", running_up.output)
    assert f"aws --endpoint-url {running_up.url} " in running_up.output


def test_the_web_server_answers_and_serves_static_files(running_up: Up) -> None:
    # collectstatic ran and gunicorn serves the result (WhiteNoise), no DEBUG needed.
    assert http_status(f"{running_up.url}/static/css/console.css") == 200
    assert http_status(f"{running_up.url}/static/rest_framework/css/bootstrap.min.css") == 200
    assert http_status(f"{running_up.url}/signin") == 200


def test_the_printed_demo_sign_in_opens_the_console(running_up: Up) -> None:
    url, page = sign_in(running_up)
    assert url == f"{running_up.url}/home/"
    # The account menu shows the id as AWS does, in groups of four.
    assert re.sub(r"(\d{4})-(\d{4})-(\d{4})", r"\1\2\3", page).count(
        running_up.banner_value("Account ID")
    )


def test_the_printed_aws_cli_hint_works(running_up: Up) -> None:
    aws = Path(sys.executable).parent / "aws"
    if not aws.exists():
        pytest.skip("the AWS CLI is installed with the [test] extras")
    env = {
        **clean_env(),
        "AWS_ACCESS_KEY_ID": running_up.banner_value("export AWS_ACCESS_KEY_ID="),
        "AWS_SECRET_ACCESS_KEY": running_up.banner_value("export AWS_SECRET_ACCESS_KEY="),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = subprocess.run(
        [str(aws), "--endpoint-url", running_up.url, "sts", "get-caller-identity"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Account"] == running_up.banner_value("Account ID")


def test_account_create_prints_json_while_up_runs(running_up: Up, created_account: dict) -> None:
    assert re.fullmatch(r"[0-9]{12}", created_account["account_id"])
    assert created_account["email"] == "student1@example.com"
    # The sign-in URL names the port this home's `up` serves on.
    assert created_account["sign_in_url"] == f"{running_up.url}/signin?account=student1"
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", created_account["access_key_id"])
    assert len(created_account["secret_access_key"]) == 40


def test_account_create_with_a_used_email_exits_1_with_a_message(
    running_up: Up, created_account: dict
) -> None:
    result = run_cli(
        "account", "create", "--home", str(running_up.home),
        "--email", "student1@example.com", "--password", "another long password",
    )  # fmt: skip
    assert result.returncode == 1
    assert "An account with the email student1@example.com already exists." in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_account_create_with_a_short_password_exits_1(running_up: Up) -> None:
    result = run_cli(
        "account", "create", "--home", str(running_up.home),
        "--email", "short@example.com", "--password", "short",
    )  # fmt: skip
    assert result.returncode == 1
    assert "Password must be at least 8 characters long." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_up_on_the_same_home_is_refused(running_up: Up) -> None:
    result = run_cli("up", "--home", str(running_up.home), "--port", str(free_port()))
    assert result.returncode == 1
    assert f"already running on {running_up.home}" in result.stderr
    # The first one is untouched.
    assert running_up.proc.poll() is None
    assert http_status(f"{running_up.url}/static/rest_framework/css/bootstrap.min.css") == 200


def test_up_refuses_a_port_in_use(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("up", "--home", str(tmp_path / "home"), "--port", str(port))
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert processes_of(tmp_path / "home") == []


def test_sigterm_stops_every_child_and_exits_0(running_up: Up) -> None:
    children = children_of(running_up.proc.pid)
    assert any("gunicorn" in c for c in children.values()), children
    assert any("celery" in c and " worker " in c for c in children.values()), children
    assert any("celery" in c and " beat " in c for c in children.values()), children
    assert any("redis-server" in c for c in children.values()), children
    assert processes_of(running_up.home)

    assert running_up.stop(signal.SIGTERM) == 0
    assert "Stratolab stopped." in running_up.output
    assert_nothing_left(running_up)


@pytest.fixture(scope="module")
def restarted(running_up: Up, created_account: dict, tmp_path_factory):
    running_up.stop()
    assert_nothing_left(running_up)
    up = start_up(running_up.home, free_port(), tmp_path_factory.mktemp("up2") / "up.log")
    yield up
    up.stop()


def test_a_second_up_keeps_the_data(running_up: Up, restarted: Up, created_account: dict):
    # The same demo account, not a new one, with the same password still shown.
    assert restarted.banner_value("Account ID") == running_up.banner_value("Account ID")
    assert restarted.banner_value("Password") == running_up.banner_value("Password")
    assert restarted.output.count("Stratolab is running.") == 1
    # The account made during the first run is still there.
    result = run_cli(
        "account", "create", "--home", str(restarted.home),
        "--email", "student1@example.com", "--password", "correct horse battery",
    )  # fmt: skip
    assert result.returncode == 1
    assert "already exists" in result.stderr


def test_a_crashed_web_server_and_worker_are_restarted(restarted: Up) -> None:
    children = children_of(restarted.proc.pid)
    web = [pid for pid, cmd in children.items() if "gunicorn" in cmd]
    worker = [pid for pid, cmd in children.items() if "celery" in cmd and " worker " in cmd]
    assert len(web) == 1 and len(worker) == 1, children
    os.kill(web[0], signal.SIGKILL)
    os.kill(worker[0], signal.SIGKILL)
    wait_for(lambda: "restarted the web server (gunicorn)" in restarted.output, restarted)
    wait_for(lambda: "restarted the Celery worker" in restarted.output, restarted)
    assert "the web server (gunicorn) exited unexpectedly (exit status -9)" in restarted.output
    assert restarted.proc.poll() is None
    wait_for(lambda: _answers(f"{restarted.url}/signin"), restarted)
    # The supervisor's own log says the same, for whoever was not at the terminal.
    supervision = (restarted.home / "logs" / "up.log").read_text()
    assert "restarted the web server (gunicorn)" in supervision
    assert "restarted the Celery worker" in supervision
    # The new ones are children of the same `up`, the old ones are gone.
    now = children_of(restarted.proc.pid)
    assert web[0] not in now and worker[0] not in now
    assert any("gunicorn" in c for c in now.values()), now


def test_kill_9_of_up_leaves_nothing_running(restarted: Up) -> None:
    lock = restarted.home / "up.lock"
    restarted.proc.kill()
    restarted.proc.wait(10)
    # Children (and their workers), Redis, PostgreSQL and the watchdog: all gone.
    assert_nothing_left(restarted, timeout=45)
    # ...and the home is free for the next `up` (the last holder of the lock may still be
    # closing its files a moment after it left the process table).
    with lock.open("a") as held:
        wait_for(lambda: _try_lock(held), restarted, timeout=10)


def _try_lock(held) -> bool:
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def wait_for(condition, up: Up, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert up.proc.poll() is None, f"stratolab up exited:\n{up.output}"
        assert time.monotonic() < deadline, f"timed out; stratolab up said:\n{up.output}"
        time.sleep(0.3)


def _answers(url: str) -> bool:
    try:
        return http_status(url) < 500
    except OSError:
        return False
