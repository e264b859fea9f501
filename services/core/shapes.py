"""botocore's bundled service models as the contract of every operation.

Operations take and return plain data in the shapes of the AWS API. Here the doors'
input is brought to those shapes: text from forms and query strings is coerced to the
member types the model declares, then checked with botocore's own validator.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.utils import parse_timestamp
from botocore.validate import ParamValidator

from services.core import errors
from services.core.errors import missing_parameter

_loader = Loader()


@functools.cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of `service` (its botocore name: ec2, s3, iam, sts, ...)."""
    return ServiceModel(_loader.load_service_model(service, "service-2"), service_name=service)


def operation_model(service: str, action: str) -> OperationModel | None:
    model = service_model(service)
    if action not in model.operation_names:
        return None
    return model.operation_model(action)


def enum_values(service: str, shape_name: str) -> list[str]:
    """The allowed values of an enum shape, e.g. ('ec2', 'VolumeType'), in the model's order.
    Operations and forms take their value sets from here instead of retyping them."""
    return list(service_model(service).shape_for(shape_name).enum)


def enum_choices(
    service: str, shape_name: str, labels: Mapping[str, str], *, others: bool = False
) -> list[tuple[str, str]]:
    """Form choices for an enum of the model, with the console's labels, in the labels'
    order. A label for a value the model does not have raises (a retyped value cannot
    drift from botocore); `others=True` appends the model's values that have no label,
    labelled by the value itself (a console that offers every value)."""
    values = enum_values(service, shape_name)
    unknown = [v for v in labels if v not in values]
    if unknown:
        raise ValueError(f"{service} {shape_name} has no value(s) {unknown}; it has {values}")
    choices = list(labels.items())
    if others:
        choices += [(v, v) for v in values if v not in labels]
    return choices


def lazy_enum_choices(
    service: str, shape_name: str, labels: Mapping[str, str], *, others: bool = False
) -> Callable[[], list[tuple[str, str]]]:
    """`enum_choices` for a form field declared at import time: Django calls it when the
    form is used, so importing a form does not load the model (EC2's takes 0.8 s)."""
    return functools.partial(enum_choices, service, shape_name, labels, others=others)


_TRUE = {"true", "1", "on", "yes"}


def coerce(value: object, shape: Shape | None) -> object:
    """Turn text (from an HTML form or a query string) into the type `shape` declares;
    values that already have a type pass through unchanged."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: coerce(v, members.get(k)) for k, v in value.items()}
    if kind == "list" and isinstance(value, list | tuple):
        return [coerce(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: coerce(v, shape.value) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    try:
        if kind in ("integer", "long"):
            return int(value.strip())
        if kind in ("float", "double"):
            return float(value.strip())
    except ValueError:
        return value  # left for the validator to report with the parameter's name
    if kind == "boolean":
        return value.strip().lower() in _TRUE
    if kind == "timestamp":
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        try:
            parse_timestamp(value)
        except Exception:
            # botocore's validator would raise on it (RuntimeError for an epoch past
            # year 9999): handed over as a non-text value, it is an "invalid type".
            return Unreadable(value)
        return value
    return value


class Unreadable:
    """Text that should have been a timestamp and cannot be read as one."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


_UNREADABLE_TYPE = str(Unreadable)


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


# --- the constraints botocore's validator leaves to the server ------------------------
#
# botocore checks types, required members and minimums; the service itself checks
# maximum lengths, value ranges and patterns. Which of them a service checks this way,
# and how it words the error, depends on its protocol:
# - query (IAM, STS): every constraint of the model, in one ValidationError that lists
#   them all ("1 validation error detected: Value '...' at 'description' failed to
#   satisfy constraint: Member must have length less than or equal to 1000");
# - json (CloudTrail): lengths, patterns and enums the same way (ValidationException);
#   numeric ranges are the operation's, which answers its own error
#   (InvalidMaxResultsException);
# - ec2: the few maximum string lengths of its model, as InvalidParameterValue; its
#   ranges (MaxResults) are checked by the Describe* helpers with EC2's own message, and
#   its enums by the operations (EC2 words each parameter its own way), with the value
#   sets from the model (`enum_values`);
# - rest-xml (S3) checks its limits and enums where it reads its headers and bodies
#   (each header has its own InvalidArgument or MalformedXML), values from the model.

_STRICT = {"query": "all", "json": "lengths", "ec2": "max-length"}


@dataclass
class _Violation:
    value: object
    path: str
    constraint: str
    sensitive: bool = False

    def text(self) -> str:
        if self.sensitive:  # a password or secret is never echoed back
            shown = ""
        else:
            shown = " null" if self.value is None else f" '{_show(self.value)}'"
        return f"Value{shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"


def _show(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct (\p{...}): left unchecked
        return None


def _member_path(path: str, name: str) -> str:
    name = name[:1].lower() + name[1:]
    return f"{path}.{name}" if path else name


def _check(value: object, shape: Shape, path: str, level: str, out: list[_Violation]) -> None:
    """Collect the constraints of `shape` that `value` breaks (values of the wrong type
    are left to botocore's validator)."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if level == "all":
            for name in shape.required_members:
                if value.get(name) is None:
                    out.append(
                        _Violation(None, _member_path(path, name), "Member must not be null")
                    )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check(value[name], member, _member_path(path, name), level, out)
        return
    if kind == "list" and isinstance(value, list | tuple):
        if level != "max-length":
            _length(value, len(value), meta, path, out)
        for i, item in enumerate(value, 1):
            _check(item, shape.member, f"{path}.{i}.member", level, out)
        return
    if kind == "map" and isinstance(value, dict):
        if level != "max-length":
            _length(value, len(value), meta, path, out)
        return
    if kind == "string" and isinstance(value, str):
        if level == "max-length":
            if "max" in meta and len(value) > meta["max"]:
                out.append(_Violation(value, path, f"max:{meta['max']}"))
            return
        start = len(out)
        _length(value, len(value), meta, path, out)
        compiled = _pattern(meta["pattern"]) if "pattern" in meta else None
        if compiled is not None and not compiled.fullmatch(value):
            constraint = f"Member must satisfy regular expression pattern: {meta['pattern']}"
            out.append(_Violation(value, path, constraint))
        if meta.get("sensitive"):
            for violation in out[start:]:
                violation.sensitive = True
        if level in ("all", "lengths") and shape.enum and value not in shape.enum:
            allowed = ", ".join(shape.enum)
            out.append(_Violation(value, path, f"Member must satisfy enum value set: [{allowed}]"))
        return
    if kind in ("integer", "long", "float", "double") and level == "all":
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "min" in meta and value < meta["min"]:
                constraint = f"Member must have value greater than or equal to {meta['min']}"
                out.append(_Violation(value, path, constraint))
            if "max" in meta and value > meta["max"]:
                constraint = f"Member must have value less than or equal to {meta['max']}"
                out.append(_Violation(value, path, constraint))


def _length(value: object, length: int, meta: dict, path: str, out: list[_Violation]) -> None:
    if "min" in meta and length < meta["min"]:
        constraint = f"Member must have length greater than or equal to {meta['min']}"
        out.append(_Violation(value, path, constraint))
    if "max" in meta and length > meta["max"]:
        constraint = f"Member must have length less than or equal to {meta['max']}"
        out.append(_Violation(value, path, constraint))


def check_constraints(service: str, params: dict, shape: Shape) -> None:
    """Raise the error `service` answers when `params` break a length, range or pattern
    constraint of its model (see the table above); nothing when they keep them."""
    protocol = service_model(service).protocol
    level = _STRICT.get(protocol)
    if level is None:
        return
    found: list[_Violation] = []
    _check(params, shape, "", level, found)
    if not found:
        return
    if level == "max-length":
        first = found[0]
        maximum = first.constraint.split(":")[1]
        name = first.path.rsplit(".", 1)[-1]  # EC2 names the member in lowerCamel case
        raise errors.InvalidParameterValue(
            f"Value ({first.value}) for parameter {name} is invalid. "
            f"Length must be at most {maximum} characters."
        )
    count = len(found)
    message = f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(
        v.text() for v in found
    )
    code = errors.ValidationError if protocol == "query" else errors.ValidationException
    raise code(message)


def prepare(service: str, action: str, params: dict) -> dict:
    """Coerce and validate `params` against the action's input shape. Raises the AWS
    error a real endpoint gives for a missing, mistyped or out-of-bounds parameter."""
    if _has_nul(params):
        # PostgreSQL text cannot hold NUL; EC2 names the error for such input.
        raise errors.InvalidCharacter("A specified character is invalid.")
    op = operation_model(service, action)
    if op is None or op.input_shape is None:
        return params
    params = coerce(params, op.input_shape)
    protocol = service_model(service).protocol
    if protocol == "query":
        # IAM and STS report missing members and bounds in their own words, first.
        check_constraints(service, params, op.input_shape)
    report = ParamValidator().validate(params, op.input_shape)
    if not report.has_errors():
        if protocol != "query":
            check_constraints(service, params, op.input_shape)
        return params
    for error_type, name, details in report._errors:
        if protocol != "ec2":
            break
        if error_type == "missing required field":
            raise missing_parameter(details.get("required_name") or name.split(".")[-1])
        if error_type == "unknown field":
            raise errors.UnknownParameter(
                f"The parameter {details['unknown_param']} is not recognized"
            )
        if error_type == "invalid type":
            raise errors.InvalidParameterValue(
                f"Invalid value '{details['param']}' for {name.lstrip('.')}"
            )
    # An Unreadable timestamp is text the caller sent: the report says so.
    detail = report.generate_report().replace("\n", " ").replace(_UNREADABLE_TYPE, "<class 'str'>")
    if protocol == "ec2":
        raise errors.InvalidParameterValue(detail)
    if protocol == "json":
        raise errors.ValidationException(detail)
    if protocol == "rest-xml":
        raise errors.InvalidArgument(detail)
    raise errors.ValidationError(detail)
