"""GetObject keeps its keep-alive connection (issue 12 item 1): gunicorn sends an object's
body with sendfile and then seeks it back; a body that refused the seek made the worker drop
the connection, so a client's next request on it failed."""

import http.client
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BODY = bytes(range(256)) * 40  # 10 KB


@pytest.fixture
def s3c(student):
    client = student.client("s3")  # retries off: a dropped connection is an error
    client.create_bucket(Bucket="keep-alive")
    client.put_object(Bucket="keep-alive", Key="body.bin", Body=BODY)
    client.put_object(Bucket="keep-alive", Key="empty", Body=b"")
    return client


def _connections_opened(client) -> int:
    """How many connections boto3's pool has opened (urllib3 counts them)."""
    pools = client._endpoint.http_session._manager.pools
    return sum(pools[key].num_connections for key in pools.keys())


def test_many_plain_gets_all_succeed(s3c):
    before = _connections_opened(s3c)
    for number in range(120):
        got = s3c.get_object(Bucket="keep-alive", Key="body.bin")
        assert got["Body"].read() == BODY, number
    # One keep-alive connection served them all: none was dropped by the server.
    assert _connections_opened(s3c) == before


def test_range_and_head_requests_all_succeed(s3c):
    before = _connections_opened(s3c)
    for number in range(40):
        got = s3c.get_object(Bucket="keep-alive", Key="body.bin", Range="bytes=100-199")
        assert got["Body"].read() == BODY[100:200], number
        assert got["ContentRange"] == f"bytes 100-199/{len(BODY)}"
        assert s3c.head_object(Bucket="keep-alive", Key="body.bin")["ContentLength"] == len(BODY)
        assert s3c.get_object(Bucket="keep-alive", Key="empty")["Body"].read() == b""
    assert _connections_opened(s3c) == before


def _signed(student, method: str, path: str, headers: dict | None = None) -> dict:
    request = AWSRequest(method=method, url=student.endpoint + path, headers=headers or {})
    request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    credentials = Credentials(student.access_key_id, student.secret_access_key)
    SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_one_socket_serves_get_get_get(student, s3c):
    address = urlsplit(student.endpoint)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.connect()
    sock = connection.sock
    steps = [
        ("GET", "/keep-alive/body.bin", {}, 200, BODY),
        ("GET", "/keep-alive/body.bin", {"Range": "bytes=0-9"}, 206, BODY[:10]),
        ("HEAD", "/keep-alive/body.bin", {}, 200, b""),
        ("GET", "/keep-alive/body.bin", {}, 200, BODY),
        ("GET", "/keep-alive/empty", {}, 200, b""),
        ("GET", "/keep-alive/body.bin", {"Range": "bytes=-5"}, 206, BODY[-5:]),
        ("GET", "/keep-alive/body.bin", {}, 200, BODY),
    ]
    for method, path, extra, status, body in steps:
        connection.request(method, path, headers=_signed(student, method, path, extra))
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (status, body), (method, path, extra)
        assert answer.getheader("Connection", "").lower() != "close"
        assert connection.sock is sock  # the same socket, never reopened
    connection.close()
