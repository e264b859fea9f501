"""The JSON RPC protocol (CloudTrail, DynamoDB, CloudWatch Logs, ...): every request is
a POST whose `X-Amz-Target: <targetPrefix>.<Action>` names the action, with the input as
a JSON object; responses and errors are JSON too (`{"__type": ..., "message": ...}`)."""

from __future__ import annotations

import json
import re

from botocore.model import OperationModel, ServiceModel

from services.core import errors
from services.core.errors import AwsError
from services.core.gateway.protocols import jsonshape
from services.core.gateway.protocols.base import Protocol, error_details
from services.core.gateway.wire import WireRequest, WireResponse

# A \uD800-\uDFFF escape: JSON can spell a lone surrogate, which no text can hold.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def load_json_body(body: bytes) -> object:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.SerializationException(
            f"Unable to parse the request body as JSON: {exc}"
        ) from exc
    except RecursionError:
        raise errors.SerializationException(
            "The request body is nested too deeply to be read."
        ) from None
    if _SURROGATE_ESCAPE.search(body):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise errors.SerializationException(
                "The request body contains an invalid Unicode escape (a lone surrogate)."
            ) from None
    return value


def dump_json(value: object) -> bytes:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Text that is not Unicode (a lone surrogate) can still be written as an escape.
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def error_body(model: ServiceModel, error: AwsError, skip: frozenset[str] = frozenset()) -> dict:
    body: dict = {"__type": error.code, "message": error.message}
    shape, fields = error_details(model, error)
    if shape is not None and fields:
        known = {k: v for k, v in fields.items() if k in shape.members}
        for key, value in jsonshape.dump(shape, known, skip=skip).items():  # type: ignore[union-attr]
            body.setdefault(key, value)
    return body


class JsonProtocol(Protocol):
    name = "json"

    def content_type(self, model: ServiceModel) -> str:
        return f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"

    def accepts(self, model: ServiceModel, req: WireRequest) -> bool:
        target = req.headers.get("x-amz-target") or ""
        prefix = model.metadata.get("targetPrefix")
        return bool(target) and (not prefix or target.startswith(prefix + "."))

    def operation_name(self, model: ServiceModel, req: WireRequest) -> str | None:
        target = req.headers.get("x-amz-target") or ""
        return target.rpartition(".")[2] or None

    def parse_request(self, op: OperationModel, req: WireRequest) -> dict:
        body = load_json_body(req.body)
        if not isinstance(body, dict):
            raise errors.SerializationException("The request body must be a JSON object.")
        if op.input_shape is None:
            return {}
        return jsonshape.load(op.input_shape, body)  # type: ignore[return-value]

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        shape = op.output_shape
        body = jsonshape.dump(shape, result or {}) if shape is not None else {}
        return WireResponse(
            200,
            dump_json(body),
            headers={"x-amzn-RequestId": request_id},
            content_type=self.content_type(op.service_model),
        )

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        headers = {"x-amzn-RequestId": request_id}
        if model.metadata.get("awsQueryCompatible") is not None:
            fault = "Receiver" if error.status >= 500 else "Sender"
            headers["x-amzn-query-error"] = f"{error.code};{fault}"
        return WireResponse(
            error.status, dump_json(error_body(model, error)), headers=headers,
            content_type=self.content_type(model),
        )  # fmt: skip

    def unknown_operation(self, model: ServiceModel, name: str | None) -> AwsError:
        target = f"{model.metadata.get('targetPrefix', '')}.{name or ''}"
        return errors.UnknownOperationException(f"Unknown operation {target}", status=400)
