"""What the access log and the refused-request answers say, without a server."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from console.access_log import redact_query, redact_request_line, redact_url
from console.web_errors import error_response, signing_name


def test_signatures_and_tokens_are_dropped_from_logged_urls() -> None:
    line = (
        "GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101"
        "&X-Amz-Security-Token=tok&X-Amz-Signature=abc123&versionId=1 HTTP/1.1"
    )
    assert redact_request_line(line) == (
        "GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101"
        "&versionId=1 HTTP/1.1"
    )
    assert redact_query("AWSAccessKeyId=AKIA&Expires=1&Signature=zz") == (
        "AWSAccessKeyId=AKIA&Expires=1"
    )
    assert redact_query("x-amz-signature=a&SIGNATURE=b") == ""
    assert redact_url("https://h/p?Signature=x#frag") == "https://h/p#frag"
    assert redact_url("/plain/path") == "/plain/path"


def test_a_refused_request_is_answered_in_its_services_protocol() -> None:
    scope = b"Credential=AKIAEXAMPLE/20260101/us-east-1/%s/aws4_request"
    assert signing_name(b"Authorization: AWS4-HMAC-SHA256 " + scope % b"iam") == "iam"
    assert signing_name(b"GET /?X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fs3%2Faws4_request")
    assert signing_name(b"GET / HTTP/1.1\r\nHost: x\r\n") is None

    head, _, body = error_response(431, b"Authorization: AWS4 " + scope % b"iam").partition(
        b"\r\n\r\n"
    )
    assert head.startswith(b"HTTP/1.1 400 ")
    assert ET.fromstring(body).tag.endswith("ErrorResponse")

    head, _, body = error_response(
        400, b"X-Amz-Target: DynamoDB_20120810.ListTables\r\nAuthorization: " + scope % b"dynamodb"
    ).partition(b"\r\n\r\n")
    assert b"application/x-amz-json" in head
    assert json.loads(body)["__type"] == "BadRequest"

    head, _, body = error_response(414).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ")
    assert ET.fromstring(body).findtext("Code") == "RequestURITooLong"
