"""What a message may hold (SQS's character set, attribute names and types, the size
limit) and the MD5 digests SQS answers with (clients check them)."""

from __future__ import annotations

import hashlib
import re
import struct

from services.core.errors import AwsError
from services.sqs import errors

# Characters outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_TOKEN = re.compile(r"^[!-~]{1,128}$")  # alphanumeric and punctuation
MAX_ATTRIBUTES = 10


def check_text(text: str, where: str) -> None:
    bad = _INVALID.search(text)
    if bad:
        raise errors.InvalidMessageContents(
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the {where}, the "
            "set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD "
            "| #x10000 to #x10FFFF"
        )


def check_token(name: str, value: str) -> None:
    if not _TOKEN.match(value):
        raise errors.invalid_value(
            name, value,
            f"{name} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )  # fmt: skip


def _value_bytes(value: dict) -> bytes:
    if value.get("BinaryValue") is not None:
        raw = value["BinaryValue"]
        return raw if isinstance(raw, bytes) else str(raw).encode()
    return str(value.get("StringValue") or "").encode("utf-8")


def check_attributes(attributes: dict, kind: str = "message (user)") -> None:
    if len(attributes) > MAX_ATTRIBUTES:
        raise errors.InvalidParameterValue(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}]."
        )
    for name, value in attributes.items():
        lowered = name.lower()
        if (
            not _ATTRIBUTE_NAME.match(name)
            or lowered.startswith(("aws.", "amazon."))
            or name.startswith(".")
            or name.endswith(".")
            or ".." in name
        ):
            raise errors.InvalidParameterValue(
                f"Message (user) attribute name '{name}' is invalid. The attribute name can "
                "contain only alphanumeric characters, hyphens (-), underscores (_) and "
                "periods (.), can't begin or end with a period, and can't have successive "
                "periods."
            )
        data_type = value.get("DataType") or ""
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary") or len(data_type) > 256:
            raise errors.InvalidParameterValue(
                f"The type of {kind} attribute '{name}' is invalid. You must use only the "
                "following supported type prefixes: Binary, Number, String."
            )
        field = "BinaryValue" if base == "Binary" else "StringValue"
        if value.get(field) in (None, "", b""):
            raise errors.InvalidParameterValue(
                f"The {kind} attribute '{name}' must contain a non-empty value of type "
                f"'{'Binary' if base == 'Binary' else 'String'}'."
            )
        if base == "Number":
            try:
                float(value["StringValue"])
            except ValueError:
                raise errors.InvalidParameterValue(
                    f"Can't cast the value of {kind} attribute '{name}' to a number."
                ) from None
        if base != "Binary":
            check_text(str(value["StringValue"]), f"{kind} attribute '{name}'")


def size(body: str, attributes: dict) -> int:
    total = len(body.encode("utf-8"))
    for name, value in attributes.items():
        total += len(name.encode()) + len((value.get("DataType") or "").encode())
        total += len(_value_bytes(value))
    return total


def check_size(body: str, attributes: dict, limit: int) -> None:
    if size(body, attributes) > limit:
        raise errors.InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."  # noqa: E501
        )


def md5_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def md5_attributes(attributes: dict) -> str:
    """SQS's digest of message attributes: per name in order, length-prefixed name, type,
    a transport byte (1 string, 2 binary) and the length-prefixed value."""
    if not attributes:
        return ""
    out = bytearray()
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value.get("DataType") or ""
        for part in (name.encode("utf-8"), data_type.encode("utf-8")):
            out += struct.pack(">I", len(part)) + part
        binary = data_type.split(".", 1)[0] == "Binary"
        raw = _value_bytes(value)
        out += (b"\x02" if binary else b"\x01") + struct.pack(">I", len(raw)) + raw
    return hashlib.md5(bytes(out)).hexdigest()


def stored(attributes: dict) -> dict:
    """Attributes as kept in the row (binary values as base64 text)."""
    import base64

    out = {}
    for name, value in attributes.items():
        item = {"DataType": value["DataType"]}
        if value.get("BinaryValue") is not None:
            raw = value["BinaryValue"]
            item["BinaryValue"] = base64.b64encode(
                raw if isinstance(raw, bytes) else str(raw).encode()
            ).decode()
        else:
            item["StringValue"] = str(value.get("StringValue"))
        out[name] = item
    return out


def loaded(attributes: dict) -> dict:
    """Stored attributes in the wire shape (binary values as bytes)."""
    import base64

    out = {}
    for name, value in attributes.items():
        item = dict(value)
        if "BinaryValue" in item:
            item["BinaryValue"] = base64.b64decode(item["BinaryValue"])
        out[name] = item
    return out


__all__ = ["AwsError"]
