"""Signed requests over a real socket to the live server, and checks that an answer is
a well-formed AWS error of the service's protocol (read by botocore's own parsers).

The requests start from botocore's serializer and may then be bent at the wire level
(body, headers, query string), so they are signed as sent: the server can only refuse
them for what they say, never for their signature.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import botocore.session
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest, HeadersDict, create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

session = botocore.session.get_session()

# What each protocol's errors are written as.
ERROR_CONTENT_TYPES = {
    "query": "text/xml",
    "ec2": "text/xml",
    "json": "application/x-amz-json-",
    "rest-json": "application/json",
    "rest-xml": "application/xml",
    "smithy-rpc-v2-cbor": "application/cbor",
}


def model(service: str) -> ServiceModel:
    return session.get_service_model(service)


@dataclass
class Wire:
    """One request as it goes on the wire (before signing)."""

    method: str
    path: str  # with the query string
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def serialized(service: str, operation: str, params: dict, protocol: str | None = None) -> Wire:
    """botocore's request for `operation` with `params` (not validated)."""
    m = model(service)
    op = m.operation_model(operation)
    serializer = create_serializer(protocol or m.resolved_protocol, include_validation=False)
    request_dict = serializer.serialize_to_request(params, op)
    prepare_request_dict(request_dict, endpoint_url="http://placeholder")
    request = create_request_object(request_dict)
    parts = urlsplit(request.url)
    body = request.data or b""
    if isinstance(body, str):
        body = body.encode()
    elif isinstance(body, dict):
        # The query serializer leaves the form as a dict; botocore urlencodes it later.
        from urllib.parse import urlencode

        body = urlencode(body, doseq=True).encode()
    elif hasattr(body, "read"):
        body = body.read()
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return Wire(request.method, path or "/", dict(request.headers.items()), bytes(body))


IDLE_RETRY_AFTER = 1.0  # seconds; gunicorn's keep-alive time is 2


class Door:
    """A keep-alive HTTP connection to the live server that signs what it sends."""

    def __init__(self, endpoint: str, key_id: str, secret: str) -> None:
        parts = urlsplit(endpoint)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.netloc = parts.netloc
        self.credentials = Credentials(key_id, secret)
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def signed(self, wire: Wire, signing_name: str, *, region: str = "us-east-1") -> Wire:
        headers = {k: v for k, v in wire.headers.items() if k.lower() != "content-length"}
        request = AWSRequest(method=wire.method, url=f"http://{self.netloc}{wire.path}",
                             data=wire.body, headers=headers)  # fmt: skip
        # S3's signer hashes the body into x-amz-content-sha256; a request that sets the
        # header itself (STREAMING-..., UNSIGNED-PAYLOAD) is signed with it as it is.
        own_hash = any(k.lower() == "x-amz-content-sha256" for k in wire.headers)
        signer = S3SigV4Auth if signing_name == "s3" and not own_hash else SigV4Auth
        signer(self.credentials, signing_name, region).add_auth(request)
        prepared = request.prepare()
        headers = {k: v for k, v in prepared.headers.items()}
        return Wire(wire.method, wire.path, headers, wire.body)

    def signed_badly(self, wire: Wire, signing_name: str, how: str) -> Wire:
        """`wire` signed, then its signature broken `how` (see Generator.signature_bending)."""
        if how == "unsigned":
            return Wire(wire.method, wire.path, dict(wire.headers), wire.body)
        if how == "unknown-key":
            real, self.credentials = self.credentials, Credentials("AKIAUNKNOWNUNKNOWN00", "x")
            try:
                return self.signed(wire, signing_name)
            finally:
                self.credentials = real
        out = self.signed(wire, signing_name)
        auth = out.headers["Authorization"]
        if how == "no-signature":
            out.headers["Authorization"] = auth.split(", Signature=")[0]
        elif how == "no-credential":
            out.headers["Authorization"] = "AWS4-HMAC-SHA256 " + auth.split(", ", 1)[1]
        elif how == "bad-date":
            out.headers["X-Amz-Date"] = "yesterday"
        elif how == "short-scope":
            out.headers["Authorization"] = auth.replace("/aws4_request", "", 1)
        else:
            out.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=,,,=="
        return out

    def send(self, wire: Wire, timeout: float = 60) -> tuple[int, dict[str, str], bytes, bool]:
        """(status, headers, body, whether the server kept the connection open). Raises
        ConnectionError when the server dropped the connection without an answer."""
        # A keep-alive connection left idle past the server's keep-alive time may be
        # closed as the request goes out; HTTP clients (urllib3 among them) send such a
        # request again on a new connection, and so does this one, once.
        stale = self.conn is not None and time.monotonic() - self.last_used > IDLE_RETRY_AFTER
        try:
            return self._send(wire, timeout)
        except ConnectionError:
            if not stale:
                raise
            return self._send(wire, timeout)

    def _send(self, wire: Wire, timeout: float) -> tuple[int, dict[str, str], bytes, bool]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        conn = self.conn
        headers = {k: v for k, v in wire.headers.items() if k.lower() != "content-length"}
        headers["Content-Length"] = str(len(wire.body))
        try:
            conn.putrequest(wire.method, wire.path, skip_host=True, skip_accept_encoding=True)
            headers.setdefault("Host", self.netloc)
            for name, value in headers.items():
                # What a client sends for non-Latin-1 text in a header: its UTF-8 bytes.
                conn.putheader(name, value.encode() if isinstance(value, str) else value)
            conn.endheaders(wire.body or None)
            response = conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError) as exc:
            self.close()
            raise ConnectionError(f"{type(exc).__name__}: {exc}") from exc
        self.last_used = time.monotonic()
        kept = not response.will_close
        if not kept:
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body, kept

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def raw_exchange(endpoint: str, data: bytes, timeout: float = 30) -> bytes:
    """Write `data` as is on a fresh connection and read until the server closes it or
    answers one response (for framing a client library would refuse to send)."""
    parts = urlsplit(endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return status, headers, body


def error_problems(
    service: str, operation: str | None, status: int, headers: dict[str, str], body: bytes,
    *, protocol: str | None = None, method: str = "POST",
) -> list[str]:  # fmt: skip
    """What is wrong with an error answer, read as `service`'s botocore client reads it:
    [] when it is a well-formed AWS error in the service's protocol."""
    m = model(service)
    protocol = protocol or m.resolved_protocol
    problems = []
    # 501 NotImplemented is what AWS itself answers for a feature a service does not
    # offer (S3: "A header you provided implies functionality that is not implemented"),
    # and Stratolab for what it does not simulate; any other 5xx is a failure.
    not_implemented = status == 501 and b"NotImplemented" in body
    if status >= 500 and not not_implemented:
        problems.append(f"status {status}")
    if status < 300:
        return problems
    content_type = headers.get("content-type", "")
    if body and not content_type.startswith(ERROR_CONTENT_TYPES[protocol]):
        problems.append(f"content type {content_type!r} is not {protocol}'s")
    op_name = operation if operation in m.operation_names else m.operation_names[0]
    op = m.operation_model(op_name)
    parser = create_parser(protocol)
    try:
        parsed = parser.parse(
            {"status_code": status, "headers": HeadersDict(headers), "body": body,
             "context": {"operation_name": op_name}},
            op.output_shape,
        )  # fmt: skip
    except Exception as exc:  # a parser that chokes is exactly what a client would see
        return [*problems, f"botocore cannot parse the error: {type(exc).__name__}: {exc}"]
    error = parsed.get("Error") or {}
    code, message = error.get("Code"), error.get("Message")
    # HEAD answers have no body: botocore names the error by its status, as for AWS.
    if not code or (str(code) == str(status) and method != "HEAD"):
        problems.append(f"no error code (parsed {error!r})")
    # HEAD answers have no body, so no message (S3 does the same). S3's InvalidArgument
    # for a bad header value (x-amz-acl) has an empty Message and names the argument.
    names_argument = protocol == "rest-xml" and b"<ArgumentName>" in body
    if not message and method != "HEAD" and not names_argument:
        problems.append(f"no error message for {code!r}")
    return problems
