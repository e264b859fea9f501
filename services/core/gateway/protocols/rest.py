"""The REST protocols (rest-json: Lambda, EKS, ...; rest-xml: S3, Route 53, CloudFront).

The operation is found by matching the method and path against each operation's
`requestUri` template (`/{Bucket}/{Key+}?uploads`). Members are bound to URI labels,
query parameters, headers (`x-amz-meta-*` maps), the status code, or the body: either
one `payload` member (raw bytes, or a document) or the remaining members together.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import weakref
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree import ElementTree as ET

from botocore.model import OperationModel, ServiceModel, Shape

from services.core import errors
from services.core.errors import AwsError
from services.core.gateway.protocols import jsonshape, values, xmlshape
from services.core.gateway.protocols.base import (
    REQUEST_LOCATIONS,
    RESPONSE_LOCATIONS,
    Protocol,
    error_details,
)
from services.core.gateway.protocols.json import dump_json, error_body, load_json_body
from services.core.gateway.protocols.query import write_error_members
from services.core.gateway.wire import WireRequest, WireResponse


@dataclass(frozen=True)
class _Route:
    operation: str
    method: str
    pattern: re.Pattern
    labels: tuple[tuple[str, str], ...]  # (regex group, label name)
    query: tuple[tuple[str, str | None], ...]  # required static query keys (and values)
    literal_length: int
    greedy: bool
    # Required members bound to query parameters and headers: S3's ListParts is GetObject's
    # path plus ?uploadId, CopyObject is PutObject plus x-amz-copy-source.
    required_query: tuple[str, ...] = ()
    required_headers: tuple[str, ...] = ()
    # Among operations that look alike on the wire, the current one wins over the
    # deprecated one (GetBucketLifecycle), then the shorter name (ListBuckets over S3
    # Express's ListDirectoryBuckets, which AWS tells by host name).
    preferred: bool = True

    def fits(self, query: dict[str, str], headers: dict[str, str]) -> bool:
        return all(k in query for k in self.required_query) and all(
            h in headers for h in self.required_headers
        )

    def score(self) -> tuple:
        return (
            len(self.query) + len(self.required_query) + len(self.required_headers),
            self.literal_length,
            0 if self.greedy else 1,
            self.preferred,
            -len(self.operation),
        )


_routes_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _compile(op: OperationModel) -> _Route:
    template = op.http.get("requestUri", "/")
    path, _, static_query = template.partition("?")
    regex, labels, literal, greedy = ["^"], [], 0, False
    for i, piece in enumerate(re.split(r"(\{[^}]+\})", path)):
        if piece.startswith("{") and piece.endswith("}"):
            label = piece[1:-1]
            group = f"g{i}"
            if label.endswith("+"):
                greedy = True
                regex.append(f"(?P<{group}>.+)")
                label = label[:-1]
            else:
                regex.append(f"(?P<{group}>[^/]+)")
            labels.append((group, label))
        elif piece:
            regex.append(re.escape(piece))
            literal += len(piece)
    if not path.endswith("/") and not (path.endswith("+}")):
        regex.append("/?")
    regex.append("$")
    query = []
    for part in static_query.split("&"):
        if part:
            key, sep, value = part.partition("=")
            query.append((key, value if sep else None))
    required_query, required_headers = [], []
    shape = op.input_shape
    for name in shape.required_members if shape is not None else []:
        member = shape.members[name]
        location = member.serialization.get("location")
        if location == "querystring" and member.type_name != "map":
            required_query.append(member.serialization.get("name", name))
        elif location == "header":
            required_headers.append(member.serialization.get("name", name).lower())
    return _Route(
        op.name,
        op.http.get("method", "POST").upper(),
        re.compile("".join(regex)),
        tuple(labels),
        tuple(query),
        literal,
        greedy,
        tuple(required_query),
        tuple(required_headers),
        not op.deprecated,
    )


def routes(model: ServiceModel) -> list[_Route]:
    found = _routes_cache.get(model)
    if found is None:
        found = [_compile(model.operation_model(name)) for name in model.operation_names]
        _routes_cache[model] = found
    return found


def match(model: ServiceModel, req: WireRequest) -> tuple[_Route, dict[str, str]] | None:
    """The operation whose method and path template fit `req` best, with its URI labels
    (decoded)."""
    query = {}
    for key, value in req.query:
        query.setdefault(key, value)
    best: tuple[_Route, dict[str, str]] | None = None
    for route in routes(model):
        if route.method != req.method:
            continue
        found = route.pattern.match(req.path)
        if not found:
            continue
        if any(k not in query or (v is not None and query[k] != v) for k, v in route.query):
            continue
        if not route.fits(query, req.headers):
            continue
        if best is None or route.score() > best[0].score():
            labels = {name: unquote(found.group(group)) for group, name in route.labels}
            best = (route, labels)
    return best


def split_header_list(text: str) -> list[str]:
    """A comma-separated header list; items may be quoted ("b,c") with \\" escapes."""
    items, current, quoted, escaped, was_quoted = [], [], False, False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
            was_quoted = True
        elif char == "," and not quoted:
            items.append("".join(current) if was_quoted else "".join(current).strip())
            current, was_quoted = [], False
        elif not quoted and not current and char == " ":
            continue
        else:
            current.append(char)
    items.append("".join(current) if was_quoted else "".join(current).strip())
    return items


def _http_dates(parts: list[str]) -> list[str]:
    # "Mon, 16 Dec 2019 23:48:18 GMT" contains a comma itself: rejoin day and date.
    out, i = [], 0
    while i < len(parts):
        if i + 1 < len(parts) and re.fullmatch(r"[A-Za-z]{3}", parts[i].strip()):
            out.append(f"{parts[i].strip()}, {parts[i + 1].strip()}")
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


def _header_value(shape: Shape, text: str) -> object:
    kind = shape.type_name
    if kind == "list":
        parts = split_header_list(text)
        if shape.member.type_name == "timestamp":
            parts = _http_dates(parts)
        return [_header_value(shape.member, p) for p in parts]
    if kind == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(text))
        except (ValueError, binascii.Error):
            return text
    if kind == "string":
        return text
    return values.parse_scalar(shape, text, values.HTTP_DATE)


def _header_text(shape: Shape, value: object) -> str:
    kind = shape.type_name
    if kind == "list":
        items = []
        for item in value:  # type: ignore[attr-defined]
            text = _header_text(shape.member, item)
            if shape.member.type_name == "string" and ('"' in text or "," in text):
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
            items.append(text)
        return ",".join(items)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(dump_json(value)).decode()
    return values.scalar_text(shape, value, values.HTTP_DATE)


def write_located(shape: Shape, value: dict, response: WireResponse) -> None:
    """Members bound to the status code and to headers."""
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        location = member.serialization.get("location")
        if location == "statusCode":
            response.status = int(item)
        elif location == "header":
            if member.type_name == "list" and not item:
                continue
            response.headers[member.serialization.get("name", name)] = _header_text(member, item)
        elif location == "headers":
            # A header map's name is its prefix (x-amz-meta-); without one, it is every header.
            prefix = member.serialization.get("name", "")
            for key, text in item.items():
                response.headers[f"{prefix}{key}"] = str(text)


def _error_located(model: ServiceModel, error: AwsError, response: WireResponse) -> None:
    shape, fields = error_details(model, error)
    if shape is not None and fields:
        status = response.status
        write_located(shape, {k: v for k, v in fields.items() if k in shape.members}, response)
        response.status = status


class RestProtocol(Protocol):
    """What rest-json and rest-xml share; subclasses read and write the body."""

    def accepts(self, model: ServiceModel, req: WireRequest) -> bool:
        return True

    def operation_name(self, model: ServiceModel, req: WireRequest) -> str | None:
        found = match(model, req)
        return found[0].operation if found else None

    def parse_request(self, op: OperationModel, req: WireRequest) -> dict:
        shape = op.input_shape
        if shape is None:
            return {}
        found = match(op.service_model, req)
        labels = found[1] if found and found[0].operation == op.name else {}
        params: dict = {}
        named_query = {
            m.serialization.get("name", n)
            for n, m in shape.members.items()
            if m.serialization.get("location") == "querystring" and m.type_name != "map"
        }
        for name, member in shape.members.items():
            value = self._located(member, name, labels, req, named_query)
            if value is not None:
                params[name] = value
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            if member.type_name in ("blob", "string"):
                if req.body:
                    params[payload] = req.body if member.type_name == "blob" else req.body.decode()
            elif req.body.strip():
                params[payload] = self.read_body(member, req.body, top=False)
        elif any(
            m.serialization.get("location") not in REQUEST_LOCATIONS for m in shape.members.values()
        ):
            if req.body.strip():
                params.update(self.read_body(shape, req.body, top=True))  # type: ignore[arg-type]
        return params

    def _located(
        self, member: Shape, name: str, labels: dict, req: WireRequest, named_query: set[str]
    ) -> object:
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            text = labels.get(wire_name)
            if text is None:
                return None
            return text if member.type_name == "string" else values.parse_scalar(member, text)
        if location == "querystring":
            if member.type_name == "map":
                # The map takes the query parameters no named member takes.
                found: dict = {}
                for key, text in req.query:
                    if key in named_query:
                        continue
                    if member.value.type_name == "list":
                        found.setdefault(key, []).append(text)
                    else:
                        found.setdefault(key, text)
                return found or None
            texts = [text for key, text in req.query if key == wire_name]
            if not texts:
                return None
            if member.type_name == "list":
                return [values.parse_scalar(member.member, t) if member.member.type_name != "string"
                        else t for t in texts]  # fmt: skip
            return (
                texts[0] if member.type_name == "string" else values.parse_scalar(member, texts[0])
            )
        if location == "header":
            text = req.headers.get(wire_name)
            if text is None:
                return None
            if member.type_name == "list" and not text.strip():
                return None
            return _header_value(member, text)
        if location == "headers":
            prefix = wire_name.lower()
            found = {
                key[len(prefix) :]: text
                for key, text in req.headers.items()
                if key.startswith(prefix) and len(key) > len(prefix)
            }
            return found or None
        return None

    def read_body(self, shape: Shape, body: bytes, *, top: bool) -> object:
        raise NotImplementedError

    def write_body(self, shape: Shape, value: dict, *, top: bool, model: ServiceModel) -> bytes:
        raise NotImplementedError

    def body_content_type(self) -> str:
        raise NotImplementedError

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        result = result or {}
        response = WireResponse(200, headers={"x-amzn-RequestId": request_id})
        shape = op.output_shape
        if shape is None:
            response.body = self.empty_body()
            response.content_type = self.body_content_type() if response.body else ""
            return response
        write_located(shape, result, response)
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            value = result.get(payload)
            if member.type_name in ("blob", "string"):
                if value is not None:
                    response.body = value.encode() if isinstance(value, str) else bytes(value)
                response.content_type = member.serialization.get(
                    "mediaType",
                    "application/octet-stream" if member.type_name == "blob" else "text/plain",
                )
            elif value is not None:
                response.body = self.write_body(member, value, top=False, model=op.service_model)
                response.content_type = self.body_content_type()
        elif any(
            m.serialization.get("location") not in RESPONSE_LOCATIONS
            for m in shape.members.values()
        ):
            response.body = self.write_body(shape, result, top=True, model=op.service_model)
            response.content_type = self.body_content_type() if response.body else ""
        else:
            response.body = self.empty_body()
            response.content_type = self.body_content_type() if response.body else ""
        for name in list(response.headers):
            if name.lower() == "content-type":
                # A member bound to Content-Type (S3's object type) says what the body is.
                response.content_type = response.headers.pop(name)
        return response

    def empty_body(self) -> bytes:
        return b""

    def unknown_operation(self, model: ServiceModel, name: str | None) -> AwsError:
        return errors.UnknownOperationException("The requested path and method match no operation.")


class RestJsonProtocol(RestProtocol):
    name = "rest-json"

    def read_body(self, shape: Shape, body: bytes, *, top: bool) -> object:
        value = load_json_body(body)
        if (
            shape.type_name == "structure"
            and not shape.is_document_type
            and not isinstance(value, dict)
        ):
            raise errors.SerializationException("The request body must be a JSON object.")
        return jsonshape.load(shape, value, skip=REQUEST_LOCATIONS if top else frozenset())

    def write_body(self, shape: Shape, value: dict, *, top: bool, model: ServiceModel) -> bytes:
        return dump_json(
            jsonshape.dump(shape, value, skip=RESPONSE_LOCATIONS if top else frozenset())
        )

    def body_content_type(self) -> str:
        return "application/json"

    def empty_body(self) -> bytes:
        return b"{}"

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        response = WireResponse(
            error.status,
            dump_json(error_body(model, error, RESPONSE_LOCATIONS)),
            headers={"x-amzn-RequestId": request_id, "x-amzn-ErrorType": error.code},
            content_type="application/json",
        )
        _error_located(model, error, response)
        return response


class RestXmlProtocol(RestProtocol):
    name = "rest-xml"

    def read_body(self, shape: Shape, body: bytes, *, top: bool) -> object:
        try:
            root = xmlshape.parse_document(body)
        except ET.ParseError as exc:
            raise errors.MalformedXML(
                "The XML you provided was not well-formed or did not validate against our "
                "published schema"
            ) from exc
        if shape.type_name == "structure":
            return xmlshape.read_members(
                shape, root, skip=REQUEST_LOCATIONS if top else frozenset()
            )
        return xmlshape.read(shape, [root])

    def write_body(self, shape: Shape, value: dict, *, top: bool, model: ServiceModel) -> bytes:
        holder = ET.Element("holder")
        name = shape.serialization.get("name") or shape.name
        if shape.type_name == "structure":
            node = ET.SubElement(holder, name)
            xmlshape.add_namespace(shape, node, model.metadata.get("xmlNamespace"))
            xmlshape.write_members(
                node, shape, value, skip=RESPONSE_LOCATIONS if top else frozenset()
            )
            if top and not len(node) and not node.attrib.keys() - {"xmlns"}:
                return b""
        else:
            xmlshape.write(holder, shape, value, name)
        return xmlshape.to_bytes(holder[0])

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        response = super().serialize_result(op, result, request_id)
        if self._is_s3(op.service_model):
            response.headers.pop("x-amzn-RequestId", None)
            response.headers["x-amz-request-id"] = request_id
        return response

    def body_content_type(self) -> str:
        return "application/xml"

    @staticmethod
    def _is_s3(model: ServiceModel) -> bool:
        meta = model.metadata
        return meta.get("signatureVersion") in ("s3", "s3v4") or meta.get("serviceId") in (
            "S3",
            "S3 Control",
        )

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        if self._is_s3(model):
            # S3's own form: a bare <Error>, extra details as plain elements.
            root = ET.Element("Error")
            write_error_members(model, error, root)
            for key, value in (getattr(error, "fields", None) or {}).items():
                if root.find(key) is None:
                    ET.SubElement(root, key).text = str(value)
            ET.SubElement(root, "RequestId").text = request_id
            response = WireResponse(
                error.status,
                xmlshape.to_bytes(root),
                headers={"x-amz-request-id": request_id},
                content_type="application/xml",
            )
        else:
            namespace = model.metadata.get("xmlNamespace")
            attrs = {"xmlns": namespace} if isinstance(namespace, str) else {}
            root = ET.Element("ErrorResponse", attrs)
            node = ET.SubElement(root, "Error")
            ET.SubElement(node, "Type").text = "Receiver" if error.status >= 500 else "Sender"
            write_error_members(model, error, node)
            ET.SubElement(root, "RequestId").text = request_id
            response = WireResponse(
                error.status,
                xmlshape.to_bytes(root),
                headers={"x-amzn-RequestId": request_id},
                content_type="application/xml",
            )
        _error_located(model, error, response)
        return response
