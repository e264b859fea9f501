"""The gunicorn worker of `stratolab up`: gthread, but a request reaches a thread only
once it has fully arrived.

gunicorn's gthread worker hands a connection to a thread as soon as it is readable, and
the thread then reads headers and body at the client's pace: a few clients that send
half a body hold every thread, and nobody else is answered (16 such connections kept
/signin waiting for 15 s). Here the worker's event loop reads each request first,
without blocking, into a spool (memory up to 1 MiB, then an unlinked temporary file, so a
large S3 upload costs disk, not memory), and only a complete request is given to a
thread, which reads it from the spool at once. A client idle in the middle of a request
gets S3's RequestTimeout; gunicorn's own HTML error pages are replaced by AWS errors
(console/web_errors.py).
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import tempfile
import time
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from console import web_errors

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
MEMORY_SPOOL = 1024 * 1024
READ_SIZE = 256 * 1024
# A body declared larger than the largest any door accepts (S3's 5 GiB PutObject) goes
# to a thread at once: the application refuses it (EntityTooLarge) without reading it,
# rather than after we have spooled it.
STREAM_LARGER_THAN = 5 * 1024**3
# A head larger than this is refused whatever gunicorn's own per-line limits say (S3
# allows 8 KiB of headers).
MAX_HEAD = 64 * 1024
# Seconds a connection may stay silent: before its first byte, and in the middle of a
# request (S3 drops an idle upload after about 20 s).
FIRST_BYTE_TIMEOUT = 10.0
IDLE_TIMEOUT = float(os.environ.get("STRATOLAB_REQUEST_IDLE_SECONDS", "20"))


class PrefilledSocket:
    """A client socket whose next bytes come from a spool first. gunicorn's parser
    reads through it; everything else is the socket's own."""

    def __init__(self, sock: socket.socket) -> None:
        self.raw = sock
        self.spool: Any = None
        self.head = b""  # the current request's head, for error pages
        self.continue_sent = False
        self.spool_only = False  # while draining: the spool's end is the end

    def recv(self, size: int, flags: int = 0) -> bytes:
        if self.spool is not None:
            data = self.spool.read(size)
            if data:
                return data
            self.drop_spool()
        if self.spool_only:
            return b""
        return self.raw.recv(size, flags)

    def take_spooled(self) -> bytes:
        """What is left in the spool (bytes of a request pipelined behind the last)."""
        if self.spool is None:
            return b""
        data = self.spool.read()
        self.drop_spool()
        return data

    def drop_spool(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def send(self, data: bytes, flags: int = 0) -> int:
        # gunicorn answers "Expect: 100-continue" itself; the client already got ours.
        if self.continue_sent and bytes(data) == CONTINUE:
            self.continue_sent = False
            return len(data)
        return self.raw.send(data, flags)

    def close(self) -> None:
        self.drop_spool()
        self.raw.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class Incomplete(Exception):
    """A head only gunicorn's parser can judge (bare LFs): it gets the bytes as they are."""


class Refused(Exception):
    """Framing that cannot be read (bad chunks, conflicting lengths, an unknown transfer
    coding, an oversized head): answered here, before any application sees it, since
    after an answer gunicorn would find the same fault again while draining the body."""

    def __init__(self, status: int, *, incomplete: bool = False) -> None:
        super().__init__(status)
        self.status = status
        self.incomplete = incomplete  # the body's framing, not the head, is at fault


class RequestBuffer:
    """Reads one request (head, then a Content-Length or chunked body) as it arrives."""

    def __init__(self, initial: bytes = b"") -> None:
        self.spool = tempfile.SpooledTemporaryFile(max_size=MEMORY_SPOOL)
        self.head = bytearray()
        self.head_done = False
        self.remaining = 0  # body bytes still to come (Content-Length)
        self.chunks: ChunkScanner | None = None
        self.expect_continue = False
        self.complete = False
        self.received = 0
        self.last_activity = time.monotonic()
        if initial:
            self.feed(initial)

    def want(self) -> int:
        """How much to read next: never past the end of a Content-Length body."""
        if self.head_done and self.chunks is None:
            return max(1, min(READ_SIZE, self.remaining))
        return READ_SIZE

    def feed(self, data: bytes) -> None:
        self.received += len(data)
        self.last_activity = time.monotonic()
        self.spool.write(data)
        if self.complete:
            return  # pipelined bytes of the next request, kept in order
        if not self.head_done:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > MAX_HEAD:
                    raise Refused(431)
                if b"\n\n" in self.head:
                    raise Incomplete()  # bare LFs: gunicorn judges them
                return
            body = bytes(self.head[end + 4 :])
            del self.head[end + 4 :]
            self.head_done = True
            self._read_head()
            data = body
        if self.chunks is not None:
            if self.chunks.feed(data):
                self.complete = True
        else:
            self.remaining -= len(data)
            if self.remaining <= 0:
                self.complete = True

    def _read_head(self) -> None:
        lines = bytes(self.head).split(b"\r\n")
        request_line, fields = lines[0], lines[1:]
        lengths, codings = [], []
        for line in fields:
            name, sep, value = line.partition(b":")
            if not sep:
                continue
            name = name.strip().lower()
            value = value.strip()
            if name == b"content-length":
                lengths.append(value)
            elif name == b"transfer-encoding":
                codings += [c.strip().lower() for c in value.split(b",")]
            elif name == b"expect" and value.lower() == b"100-continue":
                self.expect_continue = request_line.endswith(b"HTTP/1.1")
        if codings:
            if codings[-1] != b"chunked" or codings.count(b"chunked") > 1:
                raise Refused(501 if b"chunked" not in codings else 400)
            if any(c not in (b"chunked", b"gzip", b"deflate", b"compress") for c in codings):
                raise Refused(501)
            if lengths:
                raise Refused(400)  # both framings: a request smuggling attempt
            self.chunks = ChunkScanner()
        elif lengths:
            if len(set(lengths)) != 1 or not lengths[0].isdigit():
                raise Refused(400)
            self.remaining = int(lengths[0])
        self.complete = self.chunks is None and (
            self.remaining == 0 or self.remaining > STREAM_LARGER_THAN
        )

    def rewind(self) -> Any:
        self.spool.seek(0)
        return self.spool


class ChunkScanner:
    """Finds the end of a chunked body as its bytes arrive (gunicorn decodes it later)."""

    def __init__(self) -> None:
        self.line = bytearray()
        self.left = 0  # data bytes (plus their CRLF) of the current chunk
        self.in_trailer = False
        self.done = False

    def feed(self, data: bytes) -> bool:
        pos = 0
        while pos < len(data) and not self.done:
            if self.left:
                step = min(self.left, len(data) - pos)
                self.left -= step
                pos += step
                continue
            end = data.find(b"\n", pos)
            if end < 0:
                self.line += data[pos:]
                if len(self.line) > 8192:
                    raise Refused(400, incomplete=True)
                return False
            self.line += data[pos:end]
            pos = end + 1
            line = bytes(self.line).rstrip(b"\r")
            self.line.clear()
            if self.in_trailer:
                self.done = not line
                continue
            size = line.split(b";", 1)[0].strip()
            if not size or any(c not in b"0123456789abcdefABCDEF" for c in size):
                raise Refused(400, incomplete=True)
            length = int(size, 16)
            if length == 0:
                self.in_trailer = True
            else:
                self.left = length + 2
        return self.done


class BufferingThreadWorker(ThreadWorker):
    """gthread whose threads only ever see whole requests (see the module docstring)."""

    def init_process(self) -> None:
        self.buffering: dict[TConn, RequestBuffer] = {}
        super().init_process()

    def accept(self, listener: socket.socket) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, PrefilledSocket(client_sock), client_addr, listener.getsockname())
        self.enqueue_req(conn)

    def enqueue_req(self, conn: TConn) -> None:
        """Every path to a thread comes here: start reading the next request instead,
        and hand the connection on once it is complete."""
        if getattr(conn, "request_ready", False):
            conn.request_ready = False
            super().enqueue_req(conn)
            return
        sock: PrefilledSocket = conn.sock
        leftover = b""
        if conn.parser is not None:
            leftover = conn.parser.unreader.take_buffered()
        leftover += sock.take_spooled()
        sock.continue_sent = False
        buffer = RequestBuffer()
        if leftover and not self._feed(conn, buffer, leftover):
            return
        self.buffering[conn] = buffer
        sock.raw.setblocking(False)
        self.poller.register(sock.raw, selectors.EVENT_READ, partial(self._on_data, conn))

    def _keepalive_after(self, conn: TConn, keepalive: bool) -> bool:
        """Discard what the application left unread of the request's body (an error
        answered before reading it) so the connection can serve the next request.
        gunicorn drains at most a few KiB from the socket and otherwise closes a
        connection it already announced as keep-alive; here the body was spooled
        whole, so draining costs no waiting on the client. A body streamed past the
        spool (over STREAM_LARGER_THAN) is left to gunicorn's bounded drain."""
        if not keepalive:
            return False
        sock: PrefilledSocket = conn.sock
        message = getattr(conn.parser, "mesg", None)
        body = getattr(message, "body", None)
        if sock.spool is None or body is None:
            return super()._keepalive_after(conn, keepalive)
        sock.spool_only = True
        try:
            while body.read(READ_SIZE):
                pass
        except Exception:
            return False
        finally:
            sock.spool_only = False
        return True

    def _on_data(self, conn: TConn, _fileobj: object) -> None:
        buffer = self.buffering.get(conn)
        if buffer is None:
            return
        sock: PrefilledSocket = conn.sock
        try:
            data = sock.raw.recv(buffer.want())
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            if buffer.head_done and not buffer.complete:
                # The client stopped sending mid-body (and may still read): it is told
                # its body is incomplete, as AWS tells it, rather than left hanging.
                self._stop_watching(conn)
                self._refuse(conn, 400, bytes(buffer.head), incomplete=True)
            else:
                self._drop(conn)
            return
        self._feed(conn, buffer, data)

    def _feed(self, conn: TConn, buffer: RequestBuffer, data: bytes) -> bool:
        """Add bytes; False once the connection has left this buffer (handed to a
        thread or refused)."""
        sock: PrefilledSocket = conn.sock
        try:
            buffer.feed(data)
        except Refused as refused:
            self._stop_watching(conn)
            self._refuse(conn, refused.status, bytes(buffer.head), incomplete=refused.incomplete)
            return False
        except Incomplete:
            # Let gunicorn's parser refuse it, so its checks and log stay the same.
            self._stop_watching(conn)
            buffer.complete = True
            self._hand_over(conn, buffer)
            return False
        if buffer.head_done and buffer.expect_continue and not buffer.complete:
            buffer.expect_continue = False
            try:
                sock.raw.send(CONTINUE)
                sock.continue_sent = True
            except OSError:
                pass
        if buffer.complete:
            self._stop_watching(conn)
            self._hand_over(conn, buffer)
            return False
        return True

    def _hand_over(self, conn: TConn, buffer: RequestBuffer) -> None:
        sock: PrefilledSocket = conn.sock
        sock.spool = buffer.rewind()
        sock.head = bytes(buffer.head)
        conn.data_ready = True
        conn.request_ready = True
        self.enqueue_req(conn)

    def _refuse(self, conn: TConn, status: int, head: bytes, *, incomplete: bool = False) -> None:
        sock: PrefilledSocket = conn.sock
        peer = conn.client[0] if isinstance(conn.client, tuple) else conn.client
        self.log.warning("Invalid request from ip=%s: refused with %s", peer, status)
        try:
            sock.raw.setblocking(True)
            sock.raw.settimeout(5)
            sock.raw.sendall(web_errors.error_response(status, head, incomplete=incomplete))
        except OSError:
            pass
        self._close(conn)

    def _stop_watching(self, conn: TConn) -> None:
        self.buffering.pop(conn, None)
        try:
            self.poller.unregister(conn.sock.raw)
        except (KeyError, ValueError, OSError):
            pass

    def _drop(self, conn: TConn) -> None:
        self._stop_watching(conn)
        self._close(conn)

    def _close(self, conn: TConn) -> None:
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        now = time.monotonic()
        for conn, buffer in list(self.buffering.items()):
            idle = now - buffer.last_activity
            if buffer.received == 0:
                if idle > (FIRST_BYTE_TIMEOUT if conn.parser is None else self.cfg.keepalive):
                    self._drop(conn)
                elif not self.alive:
                    self._drop(conn)  # stopping: no request started on it
            elif idle > IDLE_TIMEOUT:
                self._stop_watching(conn)
                self._refuse(conn, 408, bytes(buffer.head))
                self.log.info("Closed a connection idle for %ss mid-request", IDLE_TIMEOUT)
        super().murder_pending()

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """gunicorn's own decision (status, logs, access log), an AWS error's body."""
        capture = _Capture()
        super().handle_error(req, capture, addr, exc)
        status = capture.status()
        head = getattr(client, "head", b"")
        try:
            util.write_nonblock(client, web_errors.error_response(status, head))
        except Exception:
            self.log.debug("Failed to send error message.")


class _Capture:
    """Stands in for the client socket while gunicorn writes its HTML error page."""

    def __init__(self) -> None:
        self.data = bytearray()

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, flag: bool) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self.data += data

    def send(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def status(self) -> int:
        try:
            return int(bytes(self.data).split(b" ", 2)[1])
        except (IndexError, ValueError):
            return 500
