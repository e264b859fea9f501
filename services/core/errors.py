"""The one error type of the simulated cloud: an AWS error code, message and HTTP status.

Operations raise it; each door renders it its own way (XML or JSON for the AWS door, a
problem document for REST, a flashbar in the console).
"""

from __future__ import annotations


class AwsError(Exception):
    """An error as AWS reports it: `code` (e.g. `InvalidVolume.NotFound`), `message`,
    and the HTTP `status` the AWS API answers with."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def as_dict(self) -> dict[str, object]:
        return {"Code": self.code, "Message": self.message, "Status": self.status}


class ErrorCode:
    """One AWS error code a service answers with, and the HTTP status it usually comes
    with. Each app declares its codes in `services/<app>/errors.py`, one line each
    (`InvalidVolumeNotFound = ErrorCode("InvalidVolume.NotFound")`); calling a code with
    the message makes the error: `raise errors.InvalidVolumeNotFound(f"The volume ...")`.
    A site that answers another status than the usual one passes it (`status=403`)."""

    __slots__ = ("code", "status")

    def __init__(self, code: str, status: int = 400) -> None:
        self.code = code
        self.status = status

    def __call__(self, message: str, status: int | None = None) -> AwsError:
        return AwsError(self.code, message, self.status if status is None else status)

    def matches(self, error: BaseException) -> bool:
        """Whether `error` is an AwsError with this code (from any app's module)."""
        return isinstance(error, AwsError) and error.code == self.code

    def __repr__(self) -> str:
        return f"ErrorCode({self.code!r}, {self.status})"


def not_found(code: str, message: str) -> AwsError:
    """A resource the caller cannot see: AWS answers 400 for EC2-style services."""
    return AwsError(code, message, 400)


def invalid_parameter(message: str) -> AwsError:
    return InvalidParameterValue(message)


def missing_parameter(name: str) -> AwsError:
    return MissingParameter(f"The request must contain the parameter {name}")


INTERNAL_FAILURE = (
    "InternalFailure",
    "The request processing has failed because of an unknown error, exception or failure.",
)


# --- the codes core itself raises, one line each, in name order -------------------------
AccessDenied = ErrorCode("AccessDenied", 403)
AccessDeniedException = ErrorCode("AccessDeniedException")
ConcurrentModification = ErrorCode("ConcurrentModification", 409)
DependencyViolation = ErrorCode("DependencyViolation")
DryRunOperation = ErrorCode("DryRunOperation", 412)
EmailAlreadyExists = ErrorCode("EmailAlreadyExists")
EntityAlreadyExists = ErrorCode("EntityAlreadyExists", 409)
FailedAuthentication = ErrorCode("Failed authentication")
IncompleteSignature = ErrorCode("IncompleteSignature")
InvalidAction = ErrorCode("InvalidAction")
InvalidArgument = ErrorCode("InvalidArgument")
InvalidCharacter = ErrorCode("InvalidCharacter")
InvalidClientTokenId = ErrorCode("InvalidClientTokenId", 403)
InvalidPaginationToken = ErrorCode("InvalidPaginationToken")
InvalidParameterValue = ErrorCode("InvalidParameterValue")
InvalidRegion = ErrorCode("InvalidRegion")
InvalidRequest = ErrorCode("InvalidRequest")
MalformedHttpRequestException = ErrorCode("MalformedHttpRequestException")
MalformedXML = ErrorCode("MalformedXML")
MissingAction = ErrorCode("MissingAction")
MissingParameter = ErrorCode("MissingParameter")
NoSuchEntity = ErrorCode("NoSuchEntity", 404)
NotImplemented = ErrorCode("NotImplemented", 501)
PasswordPolicyViolation = ErrorCode("PasswordPolicyViolation")
RequestEntityTooLargeException = ErrorCode("RequestEntityTooLargeException", 413)
RequestLimitExceeded = ErrorCode("RequestLimitExceeded", 503)
SerializationException = ErrorCode("SerializationException")
SlowDown = ErrorCode("SlowDown", 503)
Throttling = ErrorCode("Throttling")
ThrottlingException = ErrorCode("ThrottlingException")
UnauthorizedOperation = ErrorCode("UnauthorizedOperation", 403)
UnknownOperationException = ErrorCode("UnknownOperationException", 404)
UnknownParameter = ErrorCode("UnknownParameter")
ValidationError = ErrorCode("ValidationError")
ValidationException = ErrorCode("ValidationException")
