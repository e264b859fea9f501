"""Shared pieces of the benchmarks in bench/: `stratolab up` on a scratch home and
moto's server, each on a free port; a raw SigV4-signed EC2 Query client; percentiles.

Not a benchmark itself (the leading underscore): the scripts beside it import it.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
EC2_VERSION = "2016-11-15"
READY_LINE = "Press Ctrl-C to stop."  # console/up.py prints it once everything answers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float, name: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with status {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not listening on {port} in {timeout:.0f}s") from None
            time.sleep(0.2)


def moto_server_command() -> list[str] | None:
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        return None
    beside = Path(sys.executable).parent / "moto_server"
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    return [found] if found else [sys.executable, "-m", "moto.server"]


def no_moto_message() -> str:
    return (
        "moto's server is not installed, so there is nothing to compare with.\n"
        "Install it with:  pip install -e '.[bench]'   (or pip install 'moto[server]>=5,<6')"
    )


class StratolabServer:
    """`stratolab up` on a scratch home, with the demo account's root keys read from the
    banner it prints. `env` adds to the environment (quotas, STRATOLAB_TIME_SCALE).
    `lines` receives each output line with the monotonic time it arrived, for startup.py."""

    def __init__(self, home: Path, env: Mapping[str, str] | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self.tail: deque[str] = deque(maxlen=20)
        self.key_id = self.secret = ""
        full_env = dict(os.environ, STRATOLAB_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
        full_env.pop("STRATOLAB_HOME", None)
        full_env.pop("DJANGO_SETTINGS_MODULE", None)
        full_env.update(env or {})
        self.env = full_env
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console.cli", "up", "--home", str(home),
             "--port", str(self.port)],
            cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.log = (home.parent / f"{home.name}-up.log").open("w")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.write(line)
            self.log.flush()
            self.tail.append(line)
            self.lines.put((time.monotonic(), line))
        self.lines.put(None)

    def wait_ready(self, timeout: float = 600) -> list[tuple[float, str]]:
        """Wait for the banner's last line; returns the lines seen, with their times."""
        seen: list[tuple[float, str]] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"stratolab up was not ready in {timeout:.0f}s") from None
            if item is None:
                raise RuntimeError(
                    f"stratolab up exited with status {self.proc.wait()}:\n" + "".join(self.tail)
                )
            seen.append(item)
            line = item[1].strip()
            if line.startswith("export AWS_ACCESS_KEY_ID="):
                self.key_id = line.split("=", 1)[1]
            elif line.startswith("export AWS_SECRET_ACCESS_KEY="):
                self.secret = line.split("=", 1)[1]
            elif line == READY_LINE:
                if not (self.key_id and self.secret):
                    raise RuntimeError("stratolab up printed no access keys")
                return seen

    def inside(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run bench/_inside.py against this server's home (Django in a process of its
        own, on the same database) and return what it printed."""
        run_env = dict(self.env)
        run_env.update(env or {})
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "_inside.py"), "--home", str(self.home), *args],
            cwd=ROOT,
            env=run_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip  (its progress and errors go to our stderr)
        if done.returncode != 0:
            raise RuntimeError(f"_inside.py {args[0]} failed with status {done.returncode}")
        return done.stdout

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # up stops its children in order
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class MotoServer:
    def __init__(self, command: list[str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key_id = self.secret = "testing"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self) -> None:
        wait_for_port(self.port, self.proc, 60, "moto_server")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def query_params(value: object, prefix: str = "") -> dict[str, str]:
    """Flatten EC2 Query parameters: lists become Name.1, Name.2; dicts Name.Key.
    The caller writes the wire names (InstanceId, Filter, Tag, TagSpecification)."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(query_params(item, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, list | tuple):
        out = {}
        for n, item in enumerate(value, 1):
            out.update(query_params(item, f"{prefix}.{n}"))
        return out
    if isinstance(value, bool):
        return {prefix: "true" if value else "false"}
    return {prefix: str(value)}


class Reply:
    __slots__ = ("body", "seconds", "server_ms", "status")

    def __init__(self, status: int, body: bytes, seconds: float, server_ms: float | None):
        self.status, self.body, self.seconds, self.server_ms = status, body, seconds, server_ms

    def text(self, tag: str) -> str:
        """The first <tag>...</tag> of the body (enough to read an id or an error code)."""
        body = self.body.decode("utf-8", "replace")
        start = body.find(f"<{tag}>")
        if start < 0:
            return ""
        start += len(tag) + 2
        return body[start : body.find(f"</{tag}>", start)]

    def texts(self, tag: str) -> list[str]:
        body = self.body.decode("utf-8", "replace")
        out, pos = [], 0
        while (start := body.find(f"<{tag}>", pos)) >= 0:
            start += len(tag) + 2
            pos = body.find(f"</{tag}>", start)
            out.append(body[start:pos])
        return out


def server_timing_ms(header: str | None) -> float | None:
    """The time the server says it spent, from a `Server-Timing` header (the `total`
    metric if named, else the largest `dur`); None when the server sends none."""
    if not header:
        return None
    durations: dict[str, float] = {}
    for metric in header.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            if param.startswith("dur="):
                try:
                    durations[name] = float(param[4:])
                except ValueError:
                    pass
    if not durations:
        return None
    return durations.get("total", max(durations.values()))


class SignedEC2:
    """EC2 Query requests signed with botocore's SigV4 signer, sent over one kept-alive
    http.client connection; the response is not parsed beyond its status (and what the
    caller asks of Reply), so the figures are the server's, not a client's."""

    def __init__(self, url: str, key_id: str, secret: str, timeout: float = 600) -> None:
        from botocore.auth import SigV4Auth
        from botocore.credentials import Credentials

        parts = urllib.parse.urlsplit(url)
        self.url = url.rstrip("/") + "/"
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.signer = SigV4Auth(Credentials(key_id, secret), "ec2", REGION)
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def call(self, action: str, params: dict | None = None) -> Reply:
        from botocore.awsrequest import AWSRequest

        fields = {"Action": action, "Version": EC2_VERSION, **query_params(params or {})}
        body = urllib.parse.urlencode(fields)
        request = AWSRequest(
            method="POST", url=self.url, data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )  # fmt: skip
        self.signer.add_auth(request)  # signing is part of the client's cost, not timed
        headers = dict(request.headers.items())
        for attempt in (1, 2):
            conn = self._connection()
            start = time.perf_counter()
            try:
                conn.request("POST", "/", body=body.encode(), headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError):
                # A server may close a kept-alive connection between calls; the first
                # attempt on a fresh one is the one that counts.
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - start
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                self.conn = None
            timing = server_timing_ms(response.getheader("Server-Timing"))
            return Reply(response.status, data, seconds, timing)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of `values` (share 0.5 is the median)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min, {os.cpu_count()} CPUs)"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
