"""Bodies that do not arrive whole, over a real socket to gunicorn: broken HTTP chunked
framing, broken aws-chunked framing, a body shorter than its Content-Length. Each gets
the service's own error (S3's IncompleteBody, IAM's XML, CloudTrail's JSON), never
gunicorn's or Django's HTML 500 page, and the server goes on serving."""

from __future__ import annotations

import pytest

from tests.gateway.live import Door, Wire, error_problems, raw_exchange, split_response

TRAIL = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"


def _raw(door: Door, wire: Wire, signing_name: str, body: bytes, **extra: str) -> bytes:
    """The request `wire` signed as is, then written with `body` and `extra` headers."""
    signed = door.signed(wire, signing_name)
    headers = {k: v for k, v in signed.headers.items() if k.lower() != "content-length"}
    headers.update(extra)
    headers.setdefault("Host", door.netloc)
    head = f"{wire.method} {wire.path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    return head.encode() + b"\r\n" + body


@pytest.fixture
def door(student) -> Door:
    return Door(student.endpoint, student.access_key_id, student.secret_access_key)


def _answer(student, data: bytes) -> tuple[int, dict[str, str], bytes]:
    return split_response(raw_exchange(student.endpoint, data))


IAM_FORM = Wire("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"},
                b"Action=ListUsers&Version=2010-05-08")  # fmt: skip
TRAIL_CALL = Wire("POST", "/", {"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": f"{TRAIL}.LookupEvents"}, b"{}")  # fmt: skip

BROKEN_CHUNKS = {
    "bad-size": b"zz\r\nAction=ListUsers\r\n0\r\n\r\n",
    "missing-crlf": b"5\r\nAction=ListUsers0\r\n\r\n",
    "cut-short": b"100\r\nAction=ListUsers",
}


@pytest.mark.parametrize("framing", list(BROKEN_CHUNKS))
@pytest.mark.parametrize(
    ("service", "signing_name", "wire", "code"),
    [("iam", "iam", IAM_FORM, "IncompleteBody"),
     ("cloudtrail", "cloudtrail", TRAIL_CALL, "SerializationException")],
    ids=["iam-query", "cloudtrail-json"],
)  # fmt: skip
def test_broken_http_chunked_framing_gets_the_services_error(
    student, door, service, signing_name, wire, code, framing
):
    chunked = {"Transfer-Encoding": "chunked"}
    data = _raw(door, wire, signing_name, BROKEN_CHUNKS[framing], **chunked)
    status, headers, body = _answer(student, data)
    assert status == 400, body
    assert not error_problems(service, None, status, headers, body), body
    assert code.encode() in body
    # The server is fine afterwards.
    assert door.send(door.signed(IAM_FORM, "iam"))[0] == 200


def test_a_body_shorter_than_its_content_length_gets_the_services_error(student, door):
    data = _raw(door, IAM_FORM, "iam", b"Action=List", **{"Content-Length": "500"})
    status, headers, body = _answer(student, data)
    assert status == 400, body
    assert not error_problems("iam", None, status, headers, body), body
    assert b"<Code>IncompleteBody</Code>" in body


@pytest.fixture
def bucket(student) -> str:
    student.client("s3").create_bucket(Bucket="framing")
    return "framing"


def _put(key: str, **headers: str) -> Wire:
    return Wire("PUT", f"/framing/{key}", {"x-amz-content-sha256": "UNSIGNED-PAYLOAD", **headers})


@pytest.mark.parametrize("framing", list(BROKEN_CHUNKS))
def test_s3_put_object_with_broken_http_chunks_is_incomplete_body(student, door, bucket, framing):
    data = _raw(door, _put("a.txt"), "s3", BROKEN_CHUNKS[framing],
                **{"Transfer-Encoding": "chunked"})  # fmt: skip
    status, headers, body = _answer(student, data)
    assert status == 400, body
    assert not error_problems("s3", "PutObject", status, headers, body), body
    assert b"<Code>IncompleteBody</Code>" in body
    s3 = student.client("s3")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize(
    "payload",
    [b"zz\r\nhello\r\n0\r\n\r\n", b"5\r\nhello", b"5\r\nhelloX0\r\n\r\n", b"ffffffffff\r\nhi"],
    ids=["bad-size", "no-last-chunk", "missing-crlf", "size-past-the-end"],
)
def test_s3_broken_aws_chunked_framing_is_incomplete_body(student, door, bucket, payload):
    wire = _put("b.txt", **{"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                            "Content-Encoding": "aws-chunked",
                            "x-amz-decoded-content-length": "5"})  # fmt: skip
    data = _raw(door, wire, "s3", payload, **{"Content-Length": str(len(payload))})
    status, headers, body = _answer(student, data)
    assert status == 400, body
    assert not error_problems("s3", "PutObject", status, headers, body), body
    assert b"<Code>IncompleteBody</Code>" in body


def test_a_connection_serves_the_next_request_after_a_body_left_unread(student, door):
    """An error answered before the body is read (a bad signature on a 700 KB upload)
    says keep-alive, so the next request on the same connection must be answered."""
    bad = Wire("POST", "/framing?delete", {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
               b"<a>" * 233_334)  # fmt: skip
    first = door.signed_badly(bad, "s3", "short-scope")
    status, _, body, kept = door.send(first)
    assert status == 400 and kept, body
    status, _, body, kept = door.send(door.signed(IAM_FORM, "iam"))
    assert status == 200, body
