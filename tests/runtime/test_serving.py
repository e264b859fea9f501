"""The web server `stratolab up` runs, as clients meet it: slow clients do not stall
it, requests it cannot parse get AWS errors (not gunicorn's HTML), and its logs keep
no replayable signatures and are readable by their owner only."""

from __future__ import annotations

import socket
import stat
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import boto3
import pytest
from botocore.config import Config

from tests.runtime.conftest import Up, sign_in

SCOPE = "Credential=AKIAEXAMPLEEXAMPLE00/20260101/us-east-1/{service}/aws4_request"


def aws(up: Up, service: str, timeout: float = 60):
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=up.url,
        aws_access_key_id=up.banner_value("export AWS_ACCESS_KEY_ID="),
        aws_secret_access_key=up.banner_value("export AWS_SECRET_ACCESS_KEY="),
        config=Config(retries={"max_attempts": 1}, connect_timeout=timeout, read_timeout=timeout),
    )


def raw_exchange(up: Up, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send `data` on a fresh connection; the status, headers and body answered."""
    with socket.create_connection(("127.0.0.1", up.port), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def test_slow_clients_do_not_stall_sign_in_or_the_aws_door(running_up: Up) -> None:
    # 64 clients send their headers and half a body, then go quiet (2 web workers of
    # 4 threads each used to be held by 8 of them). First the pages once, so that what
    # is timed below is not a fresh worker's first import of them.
    # (The first AWS call builds the index of signing names: seconds on a busy machine.)
    sign_in(running_up)
    aws(running_up, "sts", timeout=60).get_caller_identity()
    sts = aws(running_up, "sts", timeout=10)
    slow = []
    try:
        for _ in range(64):
            sock = socket.create_connection(("127.0.0.1", running_up.port), timeout=10)
            sock.sendall(
                b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 2000\r\n\r\n" + b"email=x" + b"a" * 993
            )
            slow.append(sock)
        time.sleep(0.5)
        url, _page = sign_in(running_up, timeout=10)
        assert url == f"{running_up.url}/home/"
        identity = sts.get_caller_identity()
        assert identity["Account"] == running_up.banner_value("Account ID")
        # A large upload still goes through (and a slow client finishing its body
        # is answered normally).
        slow[0].sendall(b"b" * 1000)
        assert slow[0].recv(4096).startswith(b"HTTP/1.1 ")
    finally:
        for sock in slow:
            sock.close()


def test_a_large_s3_upload_streams_through_and_comes_back(running_up: Up) -> None:
    s3 = aws(running_up, "s3", timeout=30)
    s3.create_bucket(Bucket="runtime-spool")
    body = bytes(range(256)) * (12 * 4096)  # 12 MiB: spooled to disk on the way in
    s3.put_object(Bucket="runtime-spool", Key="big.bin", Body=body)
    assert s3.get_object(Bucket="runtime-spool", Key="big.bin")["Body"].read() == body
    s3.delete_object(Bucket="runtime-spool", Key="big.bin")
    s3.delete_bucket(Bucket="runtime-spool")


def _error_code(body: bytes) -> tuple[str, str]:
    """(root element, Code) of an AWS XML error."""
    root = ET.fromstring(body)
    tag = root.tag.split("}")[-1]
    code = next(e.text for e in root.iter() if e.tag.split("}")[-1] == "Code")
    return tag, code


BIG_HEADER = b"X-Padding: " + b"p" * 70_000 + b"\r\n"


@pytest.mark.parametrize(
    ("request_bytes", "status", "root", "code"),
    [
        (b"GARBAGE\r\n\r\n", 400, "Error", "BadRequest"),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "Error",
         "RequestURITooLong"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 400, "Error",
         "RequestHeaderSectionTooLarge"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + BIG_HEADER + b"\r\n", 400, "Error",
         "RequestHeaderSectionTooLarge"),
        (b"PUT /bucket/key HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"zz\r\n", 400, "Error", "IncompleteBody"),  # broken framing: S3's IncompleteBody
        (b"PUT /bucket/key HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
         "Error", "NotImplemented"),
        # Signed for a query service: its ErrorResponse; for EC2: its Response/Errors.
        (b"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 "
         + SCOPE.format(service="sts").encode() + b"\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
         400, "ErrorResponse", "RequestHeaderSectionTooLarge"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 "
         + SCOPE.format(service="ec2").encode() + b"\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
         400, "Response", "RequestHeaderSectionTooLarge"),
    ],
    ids=["request-line", "uri-too-long", "header-too-long", "head-too-large", "bad-chunk",
         "unknown-coding", "sts-protocol", "ec2-protocol"],
)  # fmt: skip
def test_requests_the_server_cannot_parse_get_aws_errors(
    running_up: Up, request_bytes: bytes, status: int, root: str, code: str
) -> None:
    got_status, headers, body = raw_exchange(running_up, request_bytes)
    assert got_status == status, body
    assert "xml" in headers["content-type"], headers
    assert b"<html" not in body.lower()
    assert _error_code(body) == (root, code)


def test_a_json_protocol_request_gets_a_json_error(running_up: Up) -> None:
    # DynamoDB-style: X-Amz-Target and a credential scope, then oversized headers.
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
        b"Authorization: AWS4-HMAC-SHA256 " + SCOPE.format(service="dynamodb").encode() + b"\r\n"
        b"X-Big: " + b"b" * 9000 + b"\r\n\r\n"
    )
    status, headers, body = raw_exchange(running_up, request)
    assert status == 400
    assert headers["content-type"].startswith("application/x-amz-json"), headers
    assert b'"__type": "RequestHeaderSectionTooLarge"' in body.replace(b'":"', b'": "')


def test_logs_are_owner_only_and_the_access_log_drops_signatures(running_up: Up) -> None:
    # A SigV4 presigned URL (signature and session token in the query) and a SigV2 one.
    sts = aws(running_up, "sts")
    creds = sts.get_session_token()["Credentials"]
    v4 = boto3.client(
        "s3", region_name="us-east-1", endpoint_url=running_up.url,
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"], config=Config(signature_version="s3v4"),
    )  # fmt: skip
    v2 = aws(running_up, "s3")
    urls = [
        v4.generate_presigned_url("get_object", Params={"Bucket": "no-such-bkt", "Key": "v4"}),
        v2.generate_presigned_url("get_object", Params={"Bucket": "no-such-bkt", "Key": "v2"}),
    ]
    assert "X-Amz-Signature=" in urls[0] and "X-Amz-Security-Token=" in urls[0]
    assert "&Signature=" in urls[1]
    for url in urls:
        try:
            urllib.request.urlopen(url, timeout=10)
        except urllib.error.HTTPError as err:
            assert err.code == 404
    web_log = running_up.home / "logs" / "web.log"
    deadline = time.monotonic() + 10
    while "GET /no-such-bkt/v2" not in web_log.read_text():
        assert time.monotonic() < deadline, web_log.read_text()[-2000:]
        time.sleep(0.2)
    lines = [x for x in web_log.read_text().splitlines() if "GET /no-such-bkt/" in x]
    assert len(lines) == 2, lines
    # The requests are still recognisable...
    assert "X-Amz-Credential=" in lines[0] and "AWSAccessKeyId=" in lines[1]
    # ...but cannot be replayed.
    text = web_log.read_text()
    assert "Signature=" not in text and "X-Amz-Security-Token" not in text
    assert creds["SessionToken"] not in text

    logs = running_up.home / "logs"
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    for path in [*logs.iterdir(), running_up.home / "secret_key", running_up.home / "demo.json"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    redis_dir = running_up.home / "redis"
    assert stat.S_IMODE(redis_dir.stat().st_mode) == 0o700
