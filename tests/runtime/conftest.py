"""Run the real `stratolab` command in subprocesses, each with a home of its own."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from console import home
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
READY_LINE = "Press Ctrl-C to stop."


def stratolab_argv() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = Path(sys.executable).parent / "stratolab"
    return [str(script)] if script.exists() else [sys.executable, "-m", "console.cli"]


def clean_env() -> dict[str, str]:
    """The environment of a user's shell: none of the test suite's own settings, and the
    embedded servers rather than any DATABASE_URL/REDIS_URL the suite may be using."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STRATOLAB_", "DJANGO_"))
        and k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    env["PYTHONUNBUFFERED"] = "1"
    # The tree under test, not whichever one the shared virtualenv was installed from
    # (an editable install puts that one on the path of the `stratolab` script).
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*stratolab_argv(), *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class Up:
    """A `stratolab up` running in the background."""

    home: Path
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output(self) -> str:
        return self.log.read_text()

    def banner_value(self, label: str) -> str:
        match = re.search(rf"^\s*{re.escape(label)}:?\s*(\S+)", self.output, re.MULTILINE)
        assert match, f"no {label!r} in the output of stratolab up:\n{self.output}"
        return match.group(1)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 90) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def start_up(home: Path, port: int, log: Path, timeout: float = 180) -> Up:
    proc = subprocess.Popen(
        [*stratolab_argv(), "up", "--home", str(home), "--port", str(port)],
        cwd=ROOT,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    up = Up(home, port, proc, log)
    deadline = time.monotonic() + timeout
    while READY_LINE not in up.output:
        if proc.poll() is not None:
            raise AssertionError(f"stratolab up exited with {proc.returncode}:\n{up.output}")
        if time.monotonic() > deadline:
            up.stop(signal.SIGKILL)
            raise AssertionError(f"stratolab up was not ready in {timeout}s:\n{up.output}")
        time.sleep(0.2)
    return up


def processes_of(home: Path) -> list[str]:
    """Every live process that belongs to `home`: its path on the command line (postgres
    -D, redis socket, beat schedule) or STRATOLAB_HOME=<home> in its environment."""
    needle = str(home).encode()
    env_needle = b"STRATOLAB_HOME=" + needle
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if "\nState:\tZ" in status:
            continue
        if needle in cmdline or env_needle + b"\0" in environ + b"\0":
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name}: {command}")
    return found


def children_of(pid: int) -> dict[int, str]:
    """Direct child processes of `pid` with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # The command name in parentheses may hold spaces; the parent pid follows it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found[int(entry.name)] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def sign_in(up: Up, timeout: float = 10) -> tuple[str, str]:
    """Sign in with the demo account `up` printed, as a browser would (GET the form,
    POST it with its CSRF token). Returns the URL landed on and its page."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(up.banner_value("Sign in"), timeout=timeout) as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    fields = {
        "csrfmiddlewaretoken": token,
        "email": up.banner_value("Email"),
        "password": up.banner_value("Password"),
    }
    data = urllib.parse.urlencode(fields).encode()
    with browser.open(f"{up.url}/signin", data, timeout=timeout) as response:
        return response.url, response.read().decode()


# Package scope: the modules here share one `up` (tests/runtime/test_up.py stops it last).
@pytest.fixture(scope="package")
def up_home() -> Iterator[Path]:
    # Under the suite's own home, not pytest's tmp folder: every pytest that starts on
    # this machine resets that folder to 0700, and PostgreSQL runs as its own system
    # user when we are root, so it must be able to traverse the parents of its data.
    base = home.home_dir() / "runtime"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="up-", dir=base))
    yield folder / "home"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="package")
def running_up(up_home: Path, tmp_path_factory) -> Iterator[Up]:
    up = start_up(up_home, free_port(), tmp_path_factory.mktemp("up-log") / "up.log")
    yield up
    up.stop()
