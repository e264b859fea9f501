"""botocore as the independent implementation, on every operation of the services
Stratolab implements: for generated examples, a request botocore serializes parses back
to the same parameters, and a response we serialize botocore parses back to the same
data."""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore.awsrequest import HeadersDict, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from services.core import operations
from services.core.gateway import protocols
from services.core.gateway.wire import Headers, WireRequest
from tests.gateway.examples import Examples

_session = botocore.session.get_session()
SEEDS = (1, 2)


def _services() -> list[str]:
    from django.apps import apps

    apps.check_apps_ready()
    return sorted({op.service for op in operations.registered()})


def _cases() -> list:
    import django

    django.setup()
    cases = []
    for service in _services():
        model = _session.get_service_model(service)
        for name in model.operation_names:
            cases.append(pytest.param(service, name, id=f"{service}:{name}"))
    return cases


def _same(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return abs((a - b).total_seconds()) < 0.001
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b)
    if isinstance(a, bytes) and isinstance(b, str):
        return a.decode() == b  # botocore reads a payload blob as text when given bytes
    if isinstance(a, str) and isinstance(b, bytes):
        return _same(b, a)
    return a == b


def _has_host_labels(op) -> bool:
    return "{" in (op.endpoint or {}).get("hostPrefix", "")


def _twin(model, operation: str) -> str | None:
    """A current operation the deprecated `operation` cannot be told from."""
    op = model.operation_model(operation)
    if not op.deprecated:
        return None
    for other in model.operation_names:
        if other != operation and _alike(model, other, operation):
            return other
    return None


def _alike(model, one: str | None, other: str) -> bool:
    """Operations the wire cannot tell apart: S3's deprecated twins (GetBucketLifecycle)
    and its Express endpoint's (ListDirectoryBuckets), which AWS tells by host name."""
    if one is None:
        return False
    a, b = model.operation_model(one).http, model.operation_model(other).http
    return (a.get("method"), a.get("requestUri")) == (b.get("method"), b.get("requestUri"))


@pytest.mark.parametrize(("service", "operation"), _cases())
def test_botocore_requests_parse_back_to_their_params(service, operation):
    model = _session.get_service_model(service)
    op = model.operation_model(operation)
    protocol = protocols.get(model.resolved_protocol)
    serializer = create_serializer(model.resolved_protocol, include_validation=False)
    if _has_host_labels(op):
        pytest.skip("host-prefix labels put parameters in the host name")
    for seed in SEEDS:
        params = Examples(seed).structure(op.input_shape) if op.input_shape else {}
        request = serializer.serialize_to_request(params, op)
        prepare_request_dict(request, endpoint_url="https://example.com")
        parts = urlsplit(request["url"])
        body = request["body"]
        if isinstance(body, dict):
            from urllib.parse import urlencode

            body = urlencode(body)
        req = WireRequest(
            method=request["method"],
            path=parts.path or "/",
            query_string=parts.query,
            headers=Headers((k, str(v)) for k, v in request["headers"].items()),
            body=body.encode() if isinstance(body, str) else (body or b""),
        )
        chosen = protocol.operation_name(model, req)
        if chosen != operation and _alike(model, chosen, operation):
            pytest.skip(f"{operation} and {chosen} are the same request on the wire")
        assert chosen == operation
        parsed = protocol.parse_request(op, req)
        assert _same(parsed, params), f"seed {seed}\nparsed:   {parsed}\nexpected: {params}"


@pytest.mark.parametrize(("service", "operation"), _cases())
def test_our_responses_parse_back_in_botocore(service, operation):
    model = _session.get_service_model(service)
    op = model.operation_model(operation)
    if op.output_shape is None:
        return
    protocol = protocols.get(model.resolved_protocol)
    parser = create_parser(model.resolved_protocol)
    if twin := _twin(model, operation):
        pytest.skip(f"deprecated {operation} reads like {twin}; its XML names collide")
    if op.has_event_stream_output:
        pytest.skip("event streams are not served by the gateway")
    payload = op.output_shape.serialization.get("payload")
    for seed in SEEDS:
        examples = Examples(seed)
        result = examples.structure(op.output_shape)
        if payload:
            # botocore reads an absent payload as empty, so always send one.
            member = op.output_shape.members[payload]
            while payload not in result or result[payload] in ({}, ""):
                result[payload] = examples.value(member, 1)
            if member.type_name == "blob":
                result[payload] = b"streamed body text"
        wire = protocol.serialize_result(op, result, "request-id")
        headers = HeadersDict(wire.headers)
        if wire.content_type:
            headers["Content-Type"] = wire.content_type
        parsed = parser.parse(
            {"status_code": wire.status, "headers": headers, "body": wire.body,
             "context": {"operation_name": operation}},
            op.output_shape,
        )  # fmt: skip
        parsed.pop("ResponseMetadata", None)
        for name, member in op.output_shape.members.items():
            if member.serialization.get("location") == "headers" and parsed.get(name) == {}:
                del parsed[name]  # botocore reads "no x-amz-meta-* headers" as {}
        returns = op.output_shape.members.get("Return")
        if model.resolved_protocol == "ec2" and returns and returns.type_name == "boolean":
            result.setdefault("Return", True)
        assert _same(parsed, result), f"seed {seed}\nparsed:   {parsed}\nexpected: {result}"
