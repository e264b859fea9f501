"""Authentication errors in each service's own words.

AWS services disagree on how to say "bad signature": EC2 answers AuthFailure, the
query services SignatureDoesNotMatch, the JSON services InvalidSignatureException and
UnrecognizedClientException, S3 its own codes with extra detail elements.
"""

from __future__ import annotations

from services.core.errors import AwsError
from services.core.gateway.sigv4 import SignatureProblem

SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service "
    "documentation for details."
)
S3_SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
EC2_AUTH_MESSAGE = "AWS was not able to validate the provided access credentials"


class GatewayError(AwsError):
    """An AwsError with extra members for the response (S3's <StringToSign>...)."""

    def __init__(self, code: str, message: str, status: int = 400, **fields: object) -> None:
        super().__init__(code, message, status)
        self.fields = fields


def _dialect(service: str, protocol: str) -> str:
    if service in ("s3", "s3control"):
        return "s3"
    if protocol == "ec2":
        return "ec2"
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
        return "json"
    return "query"


def _skew_message(problem: SignatureProblem) -> str:
    d = problem.details
    if d.get("direction") == "future":
        return (
            f"Signature not yet current: {d['request_time']} is still later than "
            f"{d['latest']} ({d['server_time']} + 15 min.)"
        )
    return (
        f"Signature expired: {d['request_time']} is now earlier than {d['earliest']} "
        f"({d['server_time']} - 15 min.)"
    )


def signature_error(problem: SignatureProblem, service: str, protocol: str) -> AwsError:
    """The AWS error for `problem` as `service` (spoken over `protocol`) reports it."""
    dialect = _dialect(service, protocol)
    kind = problem.kind
    if kind == "unknown_key":
        return unknown_key(service, protocol)
    if kind == "malformed":
        if dialect == "s3":
            return GatewayError("AuthorizationHeaderMalformed", problem.message, 400)
        if dialect == "ec2":
            return GatewayError("IncompleteSignature", problem.message, 400)
        return GatewayError("IncompleteSignature", problem.message, 403)
    if kind in ("mismatch", "content_sha256"):
        if dialect == "s3" and kind == "content_sha256":
            return GatewayError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                400,
                ClientComputedContentSHA256=problem.details.get("declared", ""),
                S3ComputedContentSHA256=problem.details.get("computed", ""),
            )
        if dialect == "s3":
            return GatewayError(
                "SignatureDoesNotMatch",
                S3_SIGNATURE_MESSAGE,
                403,
                **{k: v for k, v in problem.details.items() if k in _S3_SIGNATURE_DETAILS},
            )
        if dialect == "ec2":
            return GatewayError("AuthFailure", EC2_AUTH_MESSAGE, 401)
        if dialect == "json":
            return GatewayError("InvalidSignatureException", SIGNATURE_MESSAGE, 400)
        return GatewayError("SignatureDoesNotMatch", problem.message or SIGNATURE_MESSAGE, 403)
    if kind == "expired" and dialect == "s3":
        return GatewayError(
            "AccessDenied",
            "Request has expired",
            403,
            Expires=problem.details.get("expires", ""),
            ServerTime=problem.details.get("server_time", ""),
        )
    # Clock skew, and presigned URLs past their expiry.
    if dialect == "s3":
        return GatewayError(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            403,
            RequestTime=problem.details.get("request_time", ""),
            ServerTime=problem.details.get("server_time", ""),
            MaxAllowedSkewMilliseconds=900000,
        )
    if dialect == "ec2":
        return GatewayError("RequestExpired", "Request has expired.", 400)
    message = (
        _skew_message(problem) if "request_time" in problem.details else "Request has expired."
    )
    if dialect == "json":
        return GatewayError("InvalidSignatureException", message, 400)
    return GatewayError("SignatureDoesNotMatch", message, 403)


_S3_SIGNATURE_DETAILS = {"AWSAccessKeyId", "StringToSign", "SignatureProvided", "CanonicalRequest"}


def unknown_key(service: str, protocol: str) -> AwsError:
    dialect = _dialect(service, protocol)
    if dialect == "s3":
        return GatewayError(
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            403,
        )
    if dialect == "ec2":
        return GatewayError("AuthFailure", EC2_AUTH_MESSAGE, 401)
    if dialect == "json":
        return GatewayError("UnrecognizedClientException", INVALID_TOKEN_MESSAGE, 400)
    return GatewayError("InvalidClientTokenId", INVALID_TOKEN_MESSAGE, 403)


def expired_token(service: str, protocol: str) -> AwsError:
    dialect = _dialect(service, protocol)
    if dialect == "ec2":
        return GatewayError("RequestExpired", "Request has expired.", 400)
    if dialect == "s3":
        return GatewayError("ExpiredToken", "The provided token has expired.", 400)
    if dialect == "json":
        return GatewayError(
            "ExpiredTokenException", "The security token included in the request is expired", 400
        )
    return GatewayError(
        "ExpiredToken", "The security token included in the request is expired", 403
    )


def too_large(service: str, protocol: str, limit: int) -> AwsError:
    if _dialect(service, protocol) == "s3":
        return GatewayError(
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            400,
            MaxSizeAllowed=limit,
        )
    return GatewayError(
        "RequestEntityTooLarge", f"Request size exceeds the limit of {limit} bytes.", 413
    )


S3_INCOMPLETE_BODY_MESSAGE = (
    "You did not provide the number of bytes specified by the Content-Length HTTP header"
)


def incomplete_body(service: str, protocol: str, detail: str = "") -> AwsError:
    """A body that ended early or whose chunked framing is broken: S3's IncompleteBody;
    the JSON protocols say they cannot read the body, the query ones IncompleteBody too."""
    dialect = _dialect(service, protocol)
    if dialect == "s3":
        return GatewayError("IncompleteBody", S3_INCOMPLETE_BODY_MESSAGE, 400)
    message = "The request body is incomplete or its chunked framing is malformed."
    if detail:
        message = f"{message} {detail}"
    if dialect == "json":
        return GatewayError("SerializationException", message, 400)
    return GatewayError("IncompleteBody", message, 400)


def missing_token(service: str, protocol: str) -> AwsError:
    """A request without any signature: no Authorization header, no presigned query."""
    dialect = _dialect(service, protocol)
    if dialect == "json":
        return GatewayError(
            "MissingAuthenticationTokenException", "Missing Authentication Token", 403
        )
    message = (
        "The request must contain either a valid (registered) AWS access key ID or X.509 "
        "certificate."
    )
    return GatewayError("MissingAuthenticationToken", message, 401 if dialect == "ec2" else 403)
