"""botocore's protocol vectors run in reverse through the gateway's protocols.

An input case says: these params serialize to this HTTP request. We hand the request to
our parser and expect the params back. An output case says: this HTTP response parses
to this result. We serialize the result with our writer and expect botocore's own
parser to give the result back.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import math
from urllib.parse import urlsplit

from botocore.awsrequest import HeadersDict
from botocore.model import NoShapeFoundError, OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.utils import parse_timestamp
from dateutil.tz import tzutc

from services.core.errors import AwsError
from services.core.gateway import protocols
from services.core.gateway.wire import Headers, WireRequest


class NotApplicable(Exception):
    """A case that tests something the server side does not have (e.g. endpoint host
    prefixes, client-side token auto-fill)."""


def _model(suite: dict, case: dict) -> tuple[ServiceModel, OperationModel]:
    description = copy.deepcopy({k: v for k, v in suite.items() if k != "cases"})
    name = case.get("given", {}).get("name", "OperationName")
    description["operations"] = {name: copy.deepcopy(case["given"])}
    model = ServiceModel(description)
    return model, model.operation_model(name)


def _protocol_name(model: ServiceModel) -> str:
    return model.metadata["protocol"]


def _plain(value: object) -> object:
    """Our parsed values in the vector's notation: epoch numbers, text blobs, NaN words."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        stamp = value.timestamp()
        return int(stamp) if stamp == int(stamp) else stamp
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value


def _drop_empty(value: object) -> object:
    """Forget None and empty containers: on the wire an empty header map or an unset
    member look the same, so the vectors' params can only be compared without them."""
    if isinstance(value, dict):
        out = {k: _drop_empty(v) for k, v in value.items() if v is not None}
        return {
            k: v for k, v in out.items() if v != {} and v != [] or not isinstance(v, dict | list)
        }
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def _float_words(value: object) -> object:
    if isinstance(value, dict):
        return {k: _float_words(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_float_words(v) for v in value]
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return value
    return value


# Headers a client sets by itself, which a vector's params therefore do not hold.
_CLIENT_HEADERS = {"content-type", "content-encoding", "content-length"}


def run_input(suite: dict, case: dict) -> None:
    model, op = _model(suite, case)
    given = case["given"]
    protocol_name = _protocol_name(model)
    members = op.input_shape.members if op.input_shape else {}
    expected = copy.deepcopy(case.get("params", {}))
    if "{" in given.get("endpoint", {}).get("hostPrefix", ""):
        raise NotApplicable("host-prefix labels bind parameters to the endpoint host name")
    if any(m.metadata.get("idempotencyToken") and n not in expected for n, m in members.items()):
        raise NotApplicable("the client fills in an idempotency token the params do not hold")
    if case.get("id") == "MediaTypeHeaderInputBase64":
        raise NotApplicable(
            "the vector keeps a jsonvalue header as JSON text; botocore, our client, sends and "
            "reads it as the decoded JSON value"
        )
    serialized = case["serialized"]
    headers = Headers((k, str(v)) for k, v in serialized.get("headers", {}).items())
    if "gzip" in (headers.get("content-encoding") or "") and "body" not in serialized:
        raise NotApplicable("the vector leaves out the compressed body")
    # The vectors list only the headers they test; add the ones every client sends.
    if protocol_name == "json" and "x-amz-target" not in headers:
        headers["x-amz-target"] = f"{model.metadata.get('targetPrefix')}.{op.name}"
    protocol = protocols.get(protocol_name)
    parts = urlsplit(serialized.get("uri", "/"))
    path = parts.path or "/"
    host_path = urlsplit("//" + serialized.get("host", "")).path
    if host_path and path.startswith(host_path + "/"):
        path = path[len(host_path) :]  # the endpoint's own path, before the operation's
    req = WireRequest(
        method=serialized.get("method", given.get("http", {}).get("method", "POST")),
        path=path,
        query_string=parts.query,
        headers=headers,
        body=_request_body(protocol_name, serialized.get("body", "")),
    )
    name = protocol.operation_name(model, req)
    assert name == op.name, f"operation {name!r} instead of {op.name!r}"
    got = _plain(protocol.parse_request(op, req))
    for member_name, member in members.items():
        header = member.serialization.get("name", "").lower()
        if member.serialization.get("location") == "header" and header in _CLIENT_HEADERS:
            if member_name not in expected:
                got.pop(member_name, None)
        if member.serialization.get("location") == "querystring" and member.type_name == "map":
            # A key sent both by a named member and by the map arrives once, and a
            # server gives it to the named member.
            named = {
                m.serialization.get("name", n)
                for n, m in members.items()
                if m.serialization.get("location") == "querystring" and m.type_name != "map"
            }
            if isinstance(expected.get(member_name), dict):
                expected[member_name] = {
                    k: v for k, v in expected[member_name].items() if k not in named
                }
    if protocol_name.startswith("rest") or _drop_empty(got) == _drop_empty(expected):
        got, expected = _drop_empty(got), _drop_empty(expected)
    assert _close(got, expected), f"\nparsed:   {got}\nexpected: {expected}"


def _request_body(protocol_name: str, body: str) -> bytes:
    if protocol_name == "smithy-rpc-v2-cbor":
        return base64.b64decode(body)  # the vectors give CBOR bodies in base64
    return body.encode("utf-8")


def _close(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-6)
    return a == b


def _epoch(value: str) -> float:
    return parse_timestamp(value).astimezone(tzutc()).timestamp()


def _fixup(parsed: object) -> object:
    if isinstance(parsed, dict):
        return {k: _fixup(v) for k, v in parsed.items() if k != "ResponseMetadata"}
    if isinstance(parsed, list):
        return [_fixup(v) for v in parsed]
    if isinstance(parsed, bytes):
        return parsed.decode("utf-8")
    if isinstance(parsed, float):
        if math.isnan(parsed):
            return "NaN"
        if math.isinf(parsed):
            return "Infinity" if parsed > 0 else "-Infinity"
    return parsed


def run_output(suite: dict, case: dict, ignored: set[str] = frozenset()) -> None:
    """Serialize the case's result (or error) and parse it back with botocore. Cases
    in botocore's own ignore list fail in botocore's parser whatever we send; they
    count as not applicable when they fail."""
    try:
        _run_output(suite, case)
    except AssertionError:
        if case.get("id") in ignored:
            raise NotApplicable(
                "botocore's own parser fails this case (protocol-tests-ignore-list.json)"
            ) from None
        raise
    except Exception as exc:
        if case.get("id") in ignored and type(exc).__name__ == "ResponseParserError":
            raise NotApplicable(
                "botocore's own parser fails this case (protocol-tests-ignore-list.json)"
            ) from None
        raise


def _run_output(suite: dict, case: dict) -> None:
    model, op = _model(suite, case)
    if op.has_event_stream_output:
        raise NotApplicable("event streams are not served by the gateway")
    if "SDK_UNKNOWN_MEMBER" in str(case.get("result", "")):
        raise NotApplicable(
            "SDK_UNKNOWN_MEMBER is the client's marker for a union member it does not know"
        )
    protocol_name = _protocol_name(model)
    protocol = protocols.get(protocol_name)
    parser = create_parser(protocol_name)
    parser._timestamp_parser = _epoch
    if "error" in case or "errorCode" in case:
        error = AwsError(
            case.get("errorCode", ""),
            case.get("errorMessage", ""),
            case["response"].get("status_code", 400),
        )
        error.fields = case.get("error", {})
        wire = protocol.serialize_error(model, error, "request-id", op)
        response = _response(wire, op)
        parsed = parser.parse(response, op.output_shape)
        try:
            error_shape = model.shape_for_error_code(parsed.get("Error", {}).get("Code"))
        except NoShapeFoundError:
            error_shape = None
        if error_shape is not None:
            parsed.update(parser.parse(response, error_shape))
        parsed = _fixup(parsed)
        for key in list(parsed.get("Error", {})):
            if key not in ("Code", "Message"):
                del parsed["Error"][key]
        expected = {
            "Error": {"Code": case.get("errorCode", ""), "Message": case.get("errorMessage", "")}
        }
        expected.update(case.get("error", {}))
    else:
        result = copy.deepcopy(case["result"])
        if protocol_name == "query" and op.output_shape is not None and op.output_shape.members:
            op.output_shape.serialization["resultWrapper"] = f"{op.name}Result"
        wire = protocol.serialize_result(op, _typed(op.output_shape, result), "request-id")
        response = _response(wire, op)
        parsed = _fixup(parser.parse(response, op.output_shape))
        expected = case["result"]
        _forget_own_headers(op.output_shape, parsed, expected, response["headers"])
    assert _close(parsed, expected), f"\nround trip: {parsed}\nexpected:   {expected}\nwire: {wire}"


def _forget_own_headers(shape, parsed: dict, expected: dict, headers) -> None:
    """A header map without a prefix (or with x-) also sees the headers every response
    carries (request id, content type); the vector's result cannot hold those."""
    own = {"x-amzn-requestid", "content-type", "x-amzn-errortype"}
    for name, member in shape.members.items() if shape else []:
        if member.serialization.get("location") != "headers" or name not in parsed:
            continue
        prefix = member.serialization.get("name", "")
        parsed[name] = {
            k: v for k, v in parsed[name].items()
            if (prefix + k).lower() not in own or k in expected.get(name, {})
        }  # fmt: skip


def _response(wire, op) -> dict:
    return {
        "status_code": wire.status,
        "headers": HeadersDict(_headers(wire)),
        "body": wire.body,
        "context": {"operation_name": op.name},
    }


def _headers(wire) -> dict:
    headers = dict(wire.headers)
    if wire.content_type:
        headers["Content-Type"] = wire.content_type
    return headers


def _typed(shape, value):
    """The vector's result in the types an operation returns ("NaN" words as floats)."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.is_document_type:
        return {
            k: _typed(shape.members.get(k), v) if k in shape.members else v
            for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list):
        return [_typed(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _typed(shape.value, v) for k, v in value.items()}
    if kind in ("float", "double") and isinstance(value, str):
        return float(value.replace("Infinity", "inf"))
    return value
