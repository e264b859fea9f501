"""Scalar values on the wire: timestamps in their three formats, blobs, numbers, booleans.

Parsing is lenient: text that does not fit the declared type is returned unchanged, so
the operation layer's validator reports it with the parameter's name, as AWS does.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import math
from email.utils import format_datetime, parsedate_to_datetime

from botocore.model import Shape

ISO8601 = "iso8601"
EPOCH = "unixtimestamp"
HTTP_DATE = "rfc822"


def to_datetime(value: object) -> dt.datetime | None:
    """Any timestamp value an operation may return: datetime, date, epoch or ISO text."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return _from_epoch(value)
    if isinstance(value, str):
        return parse_timestamp_text(value)
    return None


def _from_epoch(value: float | int | decimal.Decimal) -> dt.datetime:
    # Through Decimal so that 1398796238.123 keeps its milliseconds exactly.
    number = decimal.Decimal(str(value)) if isinstance(value, float) else decimal.Decimal(value)
    whole = int(number.to_integral_value(rounding=decimal.ROUND_FLOOR))
    micros = int(((number - whole) * 1_000_000).to_integral_value())
    return dt.datetime.fromtimestamp(whole, dt.UTC) + dt.timedelta(microseconds=micros)


def parse_timestamp_text(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return _from_epoch(decimal.Decimal(text))
    except (ArithmeticError, ValueError, OverflowError):
        pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def format_timestamp(value: object, fmt: str) -> str | int | float:
    stamp = to_datetime(value)
    if stamp is None:
        return str(value)
    stamp = stamp.astimezone(dt.UTC)
    fmt = fmt.lower()
    if fmt == EPOCH:
        whole = int(stamp.replace(microsecond=0).timestamp())
        millis = round(stamp.microsecond / 1000)
        return (
            whole if not millis else float(decimal.Decimal(whole) + decimal.Decimal(millis) / 1000)
        )
    if fmt == HTTP_DATE:
        return format_datetime(stamp.replace(microsecond=0), usegmt=True)
    millis = round(stamp.microsecond / 1000)
    stamp = stamp.replace(microsecond=0) + dt.timedelta(milliseconds=millis)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def timestamp_format(shape: Shape, default: str) -> str:
    return shape.serialization.get("timestampFormat", default)


def encode_blob(value: object) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes | bytearray):
        value = bytes(value)  # type: ignore[arg-type]
    return base64.b64encode(value).decode("ascii")


def decode_blob(text: str) -> bytes | str:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text


def format_float(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == int(number) and abs(number) < 1e16 and not isinstance(value, float):
        return str(int(number))
    return repr(number)


def json_float(value: object) -> float | int | str:
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value  # type: ignore[return-value]


def scalar_text(shape: Shape, value: object, timestamp_default: str = ISO8601) -> str:
    """A scalar as text for XML, query strings and headers."""
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return str(format_timestamp(value, timestamp_format(shape, timestamp_default)))
    if kind == "blob":
        return encode_blob(value)
    if kind in ("float", "double"):
        return format_float(value)
    return str(value)


def parse_scalar(shape: Shape, text: str, timestamp_default: str = ISO8601) -> object:
    """Text from XML, a query string, a URI label or a header, typed per `shape`."""
    kind = shape.type_name
    if kind in ("integer", "long", "byte", "short"):
        try:
            return int(text.strip())
        except ValueError:
            return text
    if kind in ("float", "double"):
        try:
            return float(text.strip())
        except ValueError:
            return text
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        return text
    if kind == "timestamp":
        return parse_timestamp_text(text) or text
    if kind == "blob":
        return decode_blob(text)
    return text
