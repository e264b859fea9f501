"""botocore's bundled service models as the contract of every operation.

Operations take and return plain data in the shapes of the AWS API. Here the doors'
input is brought to those shapes: text from forms and query strings is coerced to the
member types the model declares, then checked with botocore's own validator.
"""

from __future__ import annotations

import datetime as dt
import functools

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.validate import ParamValidator

from services.core.errors import AwsError, missing_parameter

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
    """The allowed values of an enum shape, e.g. ('ec2', 'VolumeType')."""
    return list(service_model(service).shape_for(shape_name).enum)


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
            return value
    return value


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def prepare(service: str, action: str, params: dict) -> dict:
    """Coerce and validate `params` against the action's input shape. Raises the AWS
    error a real endpoint gives for a missing or mistyped parameter."""
    if _has_nul(params):
        # PostgreSQL text cannot hold NUL; EC2 names the error for such input.
        raise AwsError("InvalidCharacter", "A specified character is invalid.")
    op = operation_model(service, action)
    if op is None or op.input_shape is None:
        return params
    params = coerce(params, op.input_shape)
    report = ParamValidator().validate(params, op.input_shape)
    if not report.has_errors():
        return params
    protocol = service_model(service).protocol
    for error_type, name, details in report._errors:
        if protocol != "ec2":
            break
        if error_type == "missing required field":
            raise missing_parameter(details.get("required_name") or name.split(".")[-1])
        if error_type == "unknown field":
            raise AwsError(
                "UnknownParameter", f"The parameter {details['unknown_param']} is not recognized"
            )
        if error_type == "invalid type":
            raise AwsError(
                "InvalidParameterValue",
                f"Invalid value '{details['param']}' for {name.lstrip('.')}",
            )
    detail = report.generate_report().replace("\n", " ")
    if protocol == "ec2":
        raise AwsError("InvalidParameterValue", detail)
    if protocol == "json":
        raise AwsError("ValidationException", detail)
    if protocol == "rest-xml":
        raise AwsError("InvalidArgument", detail)
    raise AwsError("ValidationError", detail)
