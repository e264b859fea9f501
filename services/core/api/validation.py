"""What the REST door checks before it runs an operation, so that every request the
OpenAPI schema calls invalid is a 400 problem document and never reaches PostgreSQL:

- text anywhere in the request (path, query, JSON body) that PostgreSQL cannot store:
  NUL and unpaired UTF-16 surrogates (`"\\ud800"` in JSON) are `InvalidCharacter`;
- JSON bodies nested deeper than any operation's request, `SerializationException`;
- the query parameters the API itself defines: `region` (one of the regions),
  `limit` (1 to 1000) and `offset` (0 or more), each given at most once;
- a JSON body against the JSON Schema the API publishes for it (the AWS request shape
  of the operation, see `schema.request_schema`): unknown members, wrong types, values
  outside the model's enums, lengths and ranges are the error of the operation's
  protocol (`InvalidParameterValue` for EC2, `ValidationError` for IAM).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

from services.core import errors as core_errors
from services.core.errors import AwsError
from services.core.regions import REGIONS

# Deeper than any AWS request shape (policies travel as JSON text, not as objects).
MAX_BODY_DEPTH = 32
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1


def invalid_character() -> AwsError:
    # PostgreSQL text cannot hold NUL, nor UTF-8 hold a lone surrogate; EC2 names the
    # error for such input.
    return core_errors.InvalidCharacter("A specified character is invalid.")


def storable(text: str) -> bool:
    """Whether PostgreSQL can store `text` (no NUL, no unpaired surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(values: Iterable[str]) -> None:
    for value in values:
        if not storable(value):
            raise invalid_character()


def check_request_text(query: Any, path_kwargs: dict) -> None:
    """The query's names and values and the URL's path parameters, through `check_text`."""
    check_text([*query.keys(), *(v for k in query for v in query.getlist(k))])
    check_text(str(v) for v in path_kwargs.values())


def check_body(value: Any, depth: int = 0) -> None:
    """Refuse a parsed JSON body holding text PostgreSQL cannot store, or nested too deep."""
    if depth > MAX_BODY_DEPTH:
        raise core_errors.SerializationException(
            f"The request body is nested deeper than {MAX_BODY_DEPTH} levels."
        )
    if isinstance(value, str):
        if not storable(value):
            raise invalid_character()
    elif isinstance(value, dict):
        for key, item in value.items():
            if not storable(str(key)):
                raise invalid_character()
            check_body(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_body(item, depth + 1)


# --- the API's own query parameters -----------------------------------------------------


def _single(query: Any, name: str) -> str | None:
    values = query.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise core_errors.InvalidParameterValue(f"The parameter {name} may be given only once.")
    return values[0]


def region(query: Any) -> str | None:
    """The `?region=` of the request (None when absent); an unknown one is InvalidRegion."""
    value = _single(query, "region")
    if value is not None and value not in REGIONS:
        raise core_errors.InvalidRegion(f"The region '{value}' does not exist.")
    return value


def _whole_number(query: Any, name: str, low: int, high: int | None) -> int | None:
    value = _single(query, name)
    if value is None:
        return None
    text = value.strip()
    digits = text.isascii() and text.lstrip("-").isdigit() and len(text) < 40
    number = int(text) if digits else None
    if number is None or number < low or (high is not None and number > high):
        upper = f" and {high}" if high is not None else " or more"
        between = f"between {low}{upper}" if high is not None else f"{low}{upper}"
        raise core_errors.InvalidParameterValue(
            f"Value ({value[:64]}) for parameter {name} is invalid. Expected a whole number "
            f"{between}."
        )
    return number


def paging(query: Any) -> tuple[int | None, int | None]:
    """`limit` (1 to 1000) and `offset` (0 to 2**31 - 1) of a list request, None when
    absent."""
    return (
        _whole_number(query, "limit", 1, MAX_LIMIT),
        _whole_number(query, "offset", 0, MAX_OFFSET),
    )


# --- JSON bodies against the published request schema -----------------------------------


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_base64(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time")(_is_date_time)
FORMATS.checks("byte")(_is_base64)


def _where(error: SchemaError) -> str:
    path = [str(p) for p in error.absolute_path]
    return ".".join(path) if path else "the request body"


def _message(error: SchemaError) -> str:
    where = _where(error)
    if error.validator == "additionalProperties":
        schema_props = set(error.schema.get("properties", {}))
        extra = (
            sorted(set(error.instance) - schema_props) if isinstance(error.instance, dict) else []
        )
        name = extra[0] if extra else "?"
        return f"The parameter {name} is not recognized"
    if error.validator == "required":
        name = error.message.split("'")[1] if "'" in error.message else error.message
        return f"The request must contain the parameter {name}"
    value = error.instance
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return f"Invalid value {shown[:100]} for parameter {where}: {error.message[:200]}"


def _json_schema(schema: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes a "null" type."""
    if isinstance(schema, list):
        return [_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _json_schema(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


_VALIDATORS: dict[int, tuple[dict, Draft4Validator]] = {}


def _validator(schema: dict) -> Draft4Validator:
    # Request schemas live as long as the process (see schema.request_schema): build
    # each one's validator once. The schema is kept with it so its id stays its own.
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, Draft4Validator(_json_schema(schema), format_checker=FORMATS))
        _VALIDATORS[id(schema)] = cached
    return cached[1]


_MODEL_CONSTRAINTS = {"maxLength", "minLength", "maximum", "minimum", "pattern", "enum"}


def check_against(schema: dict, body: dict, protocol: str, *, operation: bool = False) -> None:
    """Refuse `body` unless it is valid for `schema`, with the error of `protocol`.
    `operation`: the body goes on to an operation, whose model checks (lengths, ranges,
    patterns, enums) answer in the service's own words, so they are left to it."""
    validator = _validator(schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: e.path)
    if operation and protocol != "ec2":
        # IAM's "1 validation error detected: ..." from shapes.prepare, as the AWS
        # door answers it (EC2's model has few such constraints: checked here).
        errors = [e for e in errors if e.validator not in _MODEL_CONSTRAINTS]
    error = next(iter(errors), None)
    if error is None:
        return
    message = _message(error)
    if error.validator == "additionalProperties" and protocol == "ec2":
        raise core_errors.UnknownParameter(message)
    if error.validator == "required" and protocol == "ec2":
        raise core_errors.MissingParameter(message)
    code = "InvalidParameterValue" if protocol == "ec2" else "ValidationError"
    raise AwsError(code, message)
