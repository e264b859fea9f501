"""Signed AWS requests sent through Django's test client.

botocore builds and signs each request exactly as boto3 would (its serializer and
SigV4 signer); the test client delivers it to the gateway middleware in-process.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import botocore.auth
import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import (
    AWSRequest,
    HeadersDict,
    create_request_object,
    prepare_request_dict,
)
from botocore.credentials import Credentials
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

_session = botocore.session.get_session()


class Sender:
    def __init__(self, client, key_id: str, secret: str) -> None:
        self.client = client
        self.key_id = key_id
        self.secret = secret

    def prepared(self, service: str, operation: str, params: dict | None = None, *,
                 region: str = "us-east-1", key_id: str | None = None,
                 secret: str | None = None, host: str = "testserver",
                 signing_name: str | None = None, protocol: str | None = None):  # fmt: skip
        """The botocore request for `operation`, signed with the key (in `protocol`, by
        default the one botocore picks)."""
        model = _session.get_service_model(service)
        op = model.operation_model(operation)
        serializer = create_serializer(
            protocol or model.resolved_protocol, include_validation=False
        )
        request_dict = serializer.serialize_to_request(params or {}, op)
        prepare_request_dict(request_dict, endpoint_url=f"http://{host}")
        request = create_request_object(request_dict)
        credentials = Credentials(key_id or self.key_id, secret or self.secret)
        SigV4Auth(credentials, signing_name or model.signing_name, region).add_auth(request)
        return request.prepare()

    def send(self, prepared):
        parts = urlsplit(prepared.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        # As urllib3 would, send the Host that botocore signed from the URL.
        extra = {"HTTP_HOST": parts.netloc}
        for name, value in prepared.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                extra[key] = value
            else:
                extra[f"HTTP_{key}"] = value
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode()
        content_type = extra.pop("CONTENT_TYPE", "")
        extra.pop("CONTENT_LENGTH", None)
        return self.client.generic(
            prepared.method, path, data=body, content_type=content_type, **extra
        )

    def __call__(self, service: str, operation: str, params: dict | None = None, **kwargs):
        return self.send(self.prepared(service, operation, params, **kwargs))

    def raw(self, signing_name: str, method: str = "POST", path: str = "/", body: bytes = b"",
            headers: dict | None = None, *, region: str = "us-east-1"):  # fmt: skip
        """A hand-made request (what botocore would refuse to build), signed."""
        request = AWSRequest(method=method, url=f"http://testserver{path}", data=body,
                             headers=headers or {})  # fmt: skip
        credentials = Credentials(self.key_id, self.secret)
        SigV4Auth(credentials, signing_name, region).add_auth(request)
        return self.send(request.prepare())

    def parsed(self, service: str, operation: str, params: dict | None = None, **kwargs) -> dict:
        """The call, answered and read by botocore's own parser (as boto3 would)."""
        return parse(service, operation, self(service, operation, params, **kwargs))


def parse(service: str, operation: str, response) -> dict:
    model = _session.get_service_model(service)
    op = model.operation_model(operation)
    parser = create_parser(model.resolved_protocol)
    headers = HeadersDict(dict(response.items()))
    result = parser.parse(
        {"status_code": response.status_code, "headers": headers, "body": response.content,
         "context": {"operation_name": operation}},
        op.output_shape,
    )  # fmt: skip
    result["status"] = response.status_code
    return result


@pytest.fixture
def root_key(account):
    return account.access_keys.get()


@pytest.fixture
def aws(client, root_key) -> Sender:
    """Send signed AWS calls as the root user of `account`."""
    return Sender(client, root_key.access_key_id, root_key.secret_access_key)


@pytest.fixture
def clock(monkeypatch):
    """Set the clock botocore signs with (not ours): clock(minutes=-20)."""

    def shift(**delta):
        when = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(**delta)
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: when)

    return shift


# The live gunicorn server and a student account with an access key (tests/aws), for the
# tests that must go over a real socket (framing, dropped connections, the fuzz run).
from tests.aws.conftest import Student, live_gateway, student  # noqa: E402, F401
