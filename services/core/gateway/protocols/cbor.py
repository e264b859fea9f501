"""Smithy RPC v2 CBOR: the binary protocol that newer SDKs pick for CloudWatch and other
services listing it (botocore still prefers their JSON protocol).

Requests are `POST /service/<ServiceName>/operation/<Action>` with the header
`smithy-protocol: rpc-v2-cbor` and a CBOR body (RFC 8949); timestamps are tag 1 (epoch
seconds), blobs byte strings. Errors are CBOR maps with `__type` and `message`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct

from botocore.model import OperationModel, ServiceModel, Shape

from services.core import errors
from services.core.errors import AwsError
from services.core.gateway.protocols import values
from services.core.gateway.protocols.base import Protocol, error_details
from services.core.gateway.wire import WireRequest, WireResponse

_PATH = re.compile(r"^/service/(?P<service>[^/]+)/operation/(?P<operation>[^/]+)$")
_BREAK = 0xFF


class CborError(ValueError):
    pass


# --- decoding ----------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise CborError("unexpected end of CBOR data")
        out = self.data[self.pos : self.pos + count]
        self.pos += count
        return out

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise CborError("unexpected end of CBOR data")
        return self.data[self.pos]

    def argument(self, info: int) -> int:
        if info < 24:
            return info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info not in sizes:
            raise CborError(f"invalid CBOR length {info}")
        return int.from_bytes(self.take(sizes[info]), "big")

    def item(self) -> object:
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 0:
            return self.argument(info)
        if major == 1:
            return -1 - self.argument(info)
        if major in (2, 3):
            if info == 31:
                chunks = []
                while self.peek() != _BREAK:
                    chunk = self.item()
                    chunks.append(chunk.encode() if isinstance(chunk, str) else chunk)
                self.pos += 1
                raw = b"".join(chunks)  # type: ignore[arg-type]
            else:
                raw = self.take(self.argument(info))
            return raw.decode("utf-8") if major == 3 else raw
        if major == 4:
            if info == 31:
                items = []
                while self.peek() != _BREAK:
                    items.append(self.item())
                self.pos += 1
                return items
            return [self.item() for _ in range(self.argument(info))]
        if major == 5:
            result: dict = {}
            count = None if info == 31 else self.argument(info)
            while (count is None and self.peek() != _BREAK) or (count is not None and count > 0):
                key = self.item()
                result[key] = self.item()
                if count is not None:
                    count -= 1
            if count is None:
                self.pos += 1
            return result
        if major == 6:
            tag = self.argument(info)
            value = self.item()
            if tag == 1 and isinstance(value, int | float):
                return values.to_datetime(value)
            return value
        if info in (20, 21):
            return info == 21
        if info in (22, 23):
            return None
        if info == 25:
            return struct.unpack(">e", self.take(2))[0]
        if info == 26:
            return struct.unpack(">f", self.take(4))[0]
        if info == 27:
            return struct.unpack(">d", self.take(8))[0]
        raise CborError(f"unsupported CBOR simple value {info}")


def loads(data: bytes) -> object:
    reader = _Reader(data)
    value = reader.item()
    if reader.pos != len(data):
        raise CborError("trailing bytes after the CBOR data item")
    return value


# --- encoding ----------------------------------------------------------------------------


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise CborError("integer too large for CBOR")


def dumps(value: object) -> bytes:
    out = bytearray()
    _dump(value, out)
    return bytes(out)


def _dump(value: object, out: bytearray) -> None:
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            out += b"\xf9" + struct.pack(">e", value)
        else:
            out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, bytes | bytearray):
        out += _head(2, len(value)) + value
    elif isinstance(value, str):
        data = value.encode("utf-8")
        out += _head(3, len(data)) + data
    elif isinstance(value, dt.datetime):
        out += b"\xc1"  # tag 1: epoch seconds
        stamp = values.format_timestamp(value, values.EPOCH)
        _dump(stamp, out)
    elif isinstance(value, list | tuple):
        out += _head(4, len(value))
        for item in value:
            _dump(item, out)
    elif isinstance(value, dict):
        out += _head(5, len(value))
        for key, item in value.items():
            _dump(key, out)
            _dump(item, out)
    else:
        raise CborError(f"cannot encode {type(value).__name__} as CBOR")


# --- shapes ------------------------------------------------------------------------------


def to_wire(shape: Shape, value: object) -> object:
    """A result value ready for CBOR: timestamps as datetimes (tag 1), blobs as bytes."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return value
        return {
            name: to_wire(member, value[name])  # type: ignore[index]
            for name, member in shape.members.items()
            if value.get(name) is not None  # type: ignore[attr-defined]
        }
    if kind == "list":
        return [to_wire(shape.member, v) for v in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: to_wire(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        return values.to_datetime(value)
    if kind == "blob":
        return value.encode() if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]
    if kind in ("float", "double"):
        return float(value)  # type: ignore[arg-type]
    return value


def from_wire(shape: Shape, value: object) -> object:
    """A decoded CBOR value read per `shape`; values of the wrong type stay as they are."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.is_document_type:
        return {
            name: from_wire(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if kind == "list" and isinstance(value, list):
        return [from_wire(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: from_wire(shape.value, v) for k, v in value.items() if v is not None}
    if kind == "timestamp" and isinstance(value, int | float) and not isinstance(value, bool):
        return values.to_datetime(value)
    if kind in ("float", "double") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class RpcV2CborProtocol(Protocol):
    name = "smithy-rpc-v2-cbor"

    def accepts(self, model: ServiceModel, req: WireRequest) -> bool:
        if (req.headers.get("smithy-protocol") or "").lower() != "rpc-v2-cbor":
            return False
        found = _PATH.match(req.path)
        return bool(found) and found.group("service") == model.metadata.get("targetPrefix")

    def operation_name(self, model: ServiceModel, req: WireRequest) -> str | None:
        found = _PATH.match(req.path)
        return found.group("operation") if found else None

    def parse_request(self, op: OperationModel, req: WireRequest) -> dict:
        if not req.body:
            return {}
        try:
            body = loads(req.body)
        except RecursionError:
            raise errors.SerializationException(
                "The CBOR body is nested too deeply to be read."
            ) from None
        # TypeError: a map key that cannot be one (an array); ValueError, ArithmeticError:
        # a timestamp tag no date can hold.
        except (CborError, UnicodeDecodeError, TypeError, ValueError, ArithmeticError) as exc:
            raise errors.SerializationException(f"Unable to read the CBOR body: {exc}") from exc
        if not isinstance(body, dict):
            raise errors.SerializationException("The request body must be a CBOR map.")
        if op.input_shape is None:
            return {}
        try:
            return from_wire(op.input_shape, body)  # type: ignore[return-value]
        except (ValueError, ArithmeticError) as exc:
            raise errors.SerializationException(
                f"A timestamp in the CBOR body is out of range: {exc}"
            ) from exc

    def _response(self, status: int, body: object, headers: dict[str, str]) -> WireResponse:
        headers = {"smithy-protocol": "rpc-v2-cbor", **headers}
        return WireResponse(status, dumps(body), headers=headers, content_type="application/cbor")

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        shape = op.output_shape
        body = to_wire(shape, result or {}) if shape is not None else {}
        return self._response(200, body, {"x-amzn-RequestId": request_id})

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        body: dict = {"__type": error.code, "message": error.message}
        shape, fields = error_details(model, error)
        if shape is not None and fields:
            known = {k: v for k, v in fields.items() if k in shape.members}
            for key, value in to_wire(shape, known).items():  # type: ignore[union-attr]
                body.setdefault(key, value)
        headers = {"x-amzn-RequestId": request_id}
        if model.metadata.get("awsQueryCompatible") is not None:
            fault = "Receiver" if error.status >= 500 else "Sender"
            headers["x-amzn-query-error"] = f"{error.code};{fault}"
        return self._response(error.status, body, headers)

    def unknown_operation(self, model: ServiceModel, name: str | None) -> AwsError:
        return errors.UnknownOperationException(f"Unknown operation {name or ''}")
