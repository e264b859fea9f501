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


def not_found(code: str, message: str) -> AwsError:
    """A resource the caller cannot see: AWS answers 400 for EC2-style services."""
    return AwsError(code, message, 400)


def invalid_parameter(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


def missing_parameter(name: str) -> AwsError:
    return AwsError("MissingParameter", f"The request must contain the parameter {name}")


INTERNAL_FAILURE = (
    "InternalFailure",
    "The request processing has failed because of an unknown error, exception or failure.",
)
