"""The web worker of `stratolab up` (console/web_worker.py) on its own: gunicorn with a
tiny WSGI application, driven over raw sockets. Whole requests reach its threads; slow,
pipelined, chunked and `Expect: 100-continue` requests are still read exactly."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from console.up import gunicorn_argv
from tests.runtime.conftest import ROOT, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[int]:
    """A gunicorn as `up` runs it, but one worker of two threads, serving echo_app."""
    port = free_port()
    argv = gunicorn_argv(f"127.0.0.1:{port}", "1")
    argv[argv.index("console.wsgi:application")] = "tests.runtime.echo_app:application"
    argv[argv.index("--threads") + 1] = "2"
    log = tmp_path_factory.mktemp("web-worker") / "web.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STRATOLAB_REQUEST_IDLE_SECONDS": "2"}
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    yield port
    proc.terminate()
    proc.wait(15)


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def read_responses(sock: socket.socket, count: int) -> list[bytes]:
    """`count` whole responses (status line to body) from `sock`."""
    data = b""
    found: list[bytes] = []
    while len(found) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode("latin-1")
            length = next(
                (int(line.split(":", 1)[1]) for line in head.split("\r\n")
                 if line.lower().startswith("content-length:")), 0,
            )  # fmt: skip
            if len(data) >= head_end + 4 + length:
                found.append(data[: head_end + 4 + length])
                data = data[head_end + 4 + length :]
                continue
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {found!r} {data!r}"
        data += chunk
    return found


def echo(method: str, path: str, body: bytes) -> bytes:
    return f"{method} {path} {len(body)} {hashlib.md5(body).hexdigest()}\n".encode()


def test_clients_holding_half_a_body_do_not_block_the_others(server: int) -> None:
    slow = [connect(server) for _ in range(16)]  # eight times the threads
    for sock in slow:
        sock.sendall(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
    time.sleep(0.3)
    with connect(server) as quick:
        quick.sendall(b"GET /quick HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_responses(quick, 1)[0].endswith(echo("GET", "/quick", b""))
    # The slow ones finish and get their answers.
    for sock in slow:
        sock.sendall(b"67890")
    for sock in slow:
        assert read_responses(sock, 1)[0].endswith(echo("POST", "/slow", b"1234567890"))
        sock.close()


def test_pipelined_requests_and_a_slow_second_body(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
            b"POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"
        )
        time.sleep(0.3)
        sock.sendall(b"def")
        one, two = read_responses(sock, 2)
    assert one.endswith(echo("GET", "/one", b""))
    assert two.endswith(echo("POST", "/two", b"abcdef"))


def test_a_chunked_body_arriving_in_pieces(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"PUT /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab"
        )
        time.sleep(0.2)
        sock.sendall(b"cd\r\n3;ext=1\r\nefg\r\n0\r\n")
        time.sleep(0.2)
        sock.sendall(b"X-Trailer: 1\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        put, after = read_responses(sock, 2)
    assert put.endswith(echo("PUT", "/chunked", b"abcdefg"))
    assert after.endswith(echo("GET", "/after", b""))


def test_expect_100_continue_gets_one_interim_answer(server: int) -> None:
    body = os.urandom(3 * 1024 * 1024)  # past the memory spool: read back from disk
    with connect(server) as sock:
        sock.sendall(
            b"PUT /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        (answer,) = read_responses(sock, 1)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(echo("PUT", "/big", body))


def test_a_client_idle_mid_body_gets_request_timeout(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(b"PUT /idle HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nxx")
        (answer,) = read_responses(sock, 1)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"<Code>RequestTimeout</Code>" in answer


@pytest.mark.parametrize(
    "head",
    [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n",
    ],
    ids=["two-lengths", "length-and-chunked", "negative-length"],
)
def test_ambiguous_framing_is_refused_with_an_aws_error(server: int, head: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(head + b"abcd")
        (answer,) = read_responses(sock, 1)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"<Error><Code>BadRequest</Code>" in answer
