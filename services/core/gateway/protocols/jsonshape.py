"""Shapes to JSON values and back, shared by the json and rest-json protocols.
Timestamps are epoch seconds unless the model says otherwise; blobs are base64."""

from __future__ import annotations

from botocore.model import Shape

from services.core.gateway.protocols import values


def dump(shape: Shape, value: object, *, skip: frozenset[str] = frozenset()) -> object:
    """`value` as a JSON value. Top-level members bound to a location in `skip` (rest-json
    headers, status code) are left out."""
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure":
        if shape.is_document_type:
            return value
        out = {}
        for name, member in shape.members.items():
            item = value.get(name)  # type: ignore[attr-defined]
            if item is None or member.serialization.get("location") in skip:
                continue
            out[member.serialization.get("name", name)] = dump(member, item)
        return out
    if kind == "list":
        return [dump(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {str(k): dump(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        return values.format_timestamp(value, values.timestamp_format(shape, values.EPOCH))
    if kind == "blob":
        return values.encode_blob(value)
    if kind in ("float", "double"):
        return values.json_float(value)
    return value


def load(shape: Shape, value: object, *, skip: frozenset[str] = frozenset()) -> object:
    """A JSON value read per `shape`. Values of the wrong type are kept as they are, so
    that validation reports them."""
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure":
        if shape.is_document_type or not isinstance(value, dict):
            return value
        out = {}
        for name, member in shape.members.items():
            if member.serialization.get("location") in skip:
                continue
            key = member.serialization.get("name", name)
            if key in value and value[key] is not None:
                out[name] = load(member, value[key])
        return out
    if kind == "list":
        if not isinstance(value, list):
            return value
        return [load(shape.member, item) for item in value]
    if kind == "map":
        if not isinstance(value, dict):
            return value
        return {k: load(shape.value, v) for k, v in value.items() if v is not None}
    if kind == "timestamp":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return values.to_datetime(value)
        if isinstance(value, str):
            return values.parse_timestamp_text(value) or value
        return value
    if kind == "blob":
        return values.decode_blob(value) if isinstance(value, str) else value
    if kind in ("float", "double") and isinstance(value, str):
        return values.parse_scalar(shape, value)
    return value
