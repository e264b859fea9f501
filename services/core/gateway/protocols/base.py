"""What every AWS wire protocol does: name the operation a request calls, read its
parameters into the operation's input shape, and write a result or an error back."""

from __future__ import annotations

from botocore.model import NoShapeFoundError, OperationModel, ServiceModel, StructureShape

from services.core import errors
from services.core.errors import AwsError
from services.core.gateway.wire import WireRequest, WireResponse

# Where rest members live besides the body: on requests and on responses.
REQUEST_LOCATIONS = frozenset({"uri", "querystring", "header", "headers"})
RESPONSE_LOCATIONS = frozenset({"header", "headers", "statusCode"})


def error_details(model: ServiceModel, error: AwsError) -> tuple[StructureShape | None, dict]:
    """The modeled shape of `error`'s code, and the extra members the error carries
    (`AwsError.fields`), for the protocols that write them next to Code and Message."""
    fields = getattr(error, "fields", None) or {}
    try:
        shape = model.shape_for_error_code(error.code)
    except (NoShapeFoundError, KeyError, AttributeError):
        shape = None
    return shape, fields


class Protocol:
    name = ""

    def accepts(self, model: ServiceModel, req: WireRequest) -> bool:
        """Whether `req` is shaped like a request of this protocol."""
        raise NotImplementedError

    def operation_name(self, model: ServiceModel, req: WireRequest) -> str | None:
        """The action `req` asks for, as the client wrote it (it may not exist)."""
        raise NotImplementedError

    def parse_request(self, op: OperationModel, req: WireRequest) -> dict:
        """The parameters of `req` in the shape of `op`'s input. Raises AwsError for a
        body that cannot be read at all."""
        raise NotImplementedError

    def serialize_result(self, op: OperationModel, result: dict, request_id: str) -> WireResponse:
        raise NotImplementedError

    def serialize_error(
        self,
        model: ServiceModel,
        error: AwsError,
        request_id: str,
        op: OperationModel | None = None,
    ) -> WireResponse:
        raise NotImplementedError

    def unknown_operation(self, model: ServiceModel, name: str | None) -> AwsError:
        """The error for an action the service's model does not have."""
        if not name:
            return errors.MissingAction("Missing Action")
        return errors.InvalidAction(f"The action {name} is not valid for this web service.")
