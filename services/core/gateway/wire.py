"""An HTTP request and response as the AWS door sees them: the raw method, path, query
and headers the client signed, and the body read by ourselves (not by Django, which
would apply DATA_UPLOAD_MAX_MEMORY_SIZE and cannot read chunked bodies)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import BinaryIO
from urllib.parse import parse_qsl, quote, urlsplit

from django.conf import settings
from django.http import HttpRequest

from services.core.context import source_ip

# A request body larger than this is refused with RequestEntityTooLarge before it is read.
DEFAULT_MAX_BODY = 64 * 1024 * 1024


class Headers(dict):
    """HTTP headers by lower-case name."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        for name, value in items:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        name = name.lower()
        self[name] = f"{self[name]},{value}" if name in self else value

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(name.lower(), default)


class BodyTooLarge(Exception):
    pass


@dataclass
class WireRequest:
    """What arrived on the wire. `path` is the raw, percent-encoded path as the client
    sent and signed it; `query_string` likewise."""

    method: str
    path: str
    query_string: str
    headers: Headers
    body: bytes = b""
    remote_addr: str = ""
    # Why the body could not be read whole (bad chunked framing, a body shorter than its
    # Content-Length), or None. The handler answers it in the service's error format.
    body_error: str | None = None

    @property
    def host(self) -> str:
        return self.headers.get("host", "") or ""

    @cached_property
    def query(self) -> list[tuple[str, str]]:
        """The decoded query parameters in order (repeated keys repeat)."""
        return parse_qsl(self.query_string, keep_blank_values=True)

    @cached_property
    def form(self) -> list[tuple[str, str]]:
        """The decoded form parameters of an urlencoded body (query and ec2 protocols)."""
        content_type = (self.headers.get("content-type") or "").lower()
        if self.body and (
            not content_type or content_type.startswith("application/x-www-form-urlencoded")
        ):
            try:
                return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                return []
        return []

    def param(self, name: str) -> str | None:
        """A parameter from the query string or the form body."""
        for key, value in self.query:
            if key == name:
                return value
        for key, value in self.form:
            if key == name:
                return value
        return None


@dataclass
class WireResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""


def _raw_path(meta: dict) -> str:
    """The path exactly as the client sent it. gunicorn passes the request target as
    RAW_URI (uwsgi and others as REQUEST_URI); runserver and Django's test client only
    give the decoded PATH_INFO, which we encode again the way AWS SDKs encode paths."""
    raw = meta.get("RAW_URI") or meta.get("REQUEST_URI")
    if raw:
        if not raw.startswith("/"):
            # An absolute-form target ("http://host/path?query").
            raw = urlsplit(raw).path or "/"
        return raw.split("?", 1)[0] or "/"
    # Django's WSGIRequest has already turned PATH_INFO into decoded text.
    path = (meta.get("SCRIPT_NAME", "") or "") + (meta.get("PATH_INFO", "") or "/")
    return quote(path.encode("utf-8"), safe="/~") or "/"


def _headers(meta: dict) -> Headers:
    headers = Headers()
    for key, value in meta.items():
        if key.startswith("HTTP_"):
            headers.add(key[5:].replace("_", "-"), value)
    if meta.get("CONTENT_TYPE"):
        headers["content-type"] = meta["CONTENT_TYPE"]
    if meta.get("CONTENT_LENGTH"):
        headers["content-length"] = meta["CONTENT_LENGTH"]
    return headers


def max_body_bytes() -> int:
    return int(getattr(settings, "STRATOLAB_GATEWAY_MAX_BODY", DEFAULT_MAX_BODY))


class BodyIncomplete(Exception):
    """The body ended early or its chunked framing is broken."""


def read_stream(stream: BinaryIO | HttpRequest, size: int) -> bytes:
    """`stream.read(size)`, with whatever the server raises for a broken body (gunicorn's
    InvalidChunkSize, ChunkMissingTerminator, NoMoreData; a reset socket) as
    BodyIncomplete: the request is the client's fault, not a server error."""
    try:
        return stream.read(size)
    except Exception as exc:
        raise BodyIncomplete(str(exc) or type(exc).__name__) from exc


def _read_body(request: HttpRequest, headers: Headers, limit: int) -> bytes:
    meta = request.META
    if "chunked" in (headers.get("transfer-encoding") or "").lower():
        # gunicorn decodes the chunks; Django would see a zero Content-Length.
        stream = meta["wsgi.input"]
        parts, size = [], 0
        while True:
            chunk = read_stream(stream, min(65536, limit + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
        return b"".join(parts)
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise BodyTooLarge
    if length <= 0:
        return b""
    body = read_stream(request, length)
    if len(body) < length:
        raise BodyIncomplete("The request body ended before its Content-Length.")
    return body


def from_django(request: HttpRequest) -> tuple[WireRequest, bool]:
    """The wire request of `request`, and whether its body was too large to read (the
    body is then left empty and the caller answers RequestEntityTooLarge)."""
    meta = request.META
    headers = _headers(meta)
    wire = WireRequest(
        method=meta.get("REQUEST_METHOD", "GET").upper(),
        path=_raw_path(meta),
        query_string=meta.get("QUERY_STRING", "") or "",
        headers=headers,
        remote_addr=source_ip(meta),
    )
    try:
        wire.body = _read_body(request, headers, max_body_bytes())
    except BodyTooLarge:
        return wire, True
    except BodyIncomplete as exc:
        wire.body_error = str(exc)
    return wire, False
