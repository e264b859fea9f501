"""REST errors: every failure is a problem document (RFC 9457) carrying an AWS code.

    HTTP/1.1 404 Not Found
    Content-Type: application/problem+json
    x-amzn-RequestId: 6f1c...
    x-amzn-ErrorType: InvalidVolume.NotFound

    {"type": "urn:stratolab:error:InvalidVolume.NotFound", "title": "InvalidVolume.NotFound",
     "status": 404, "detail": "The volume 'vol-...' does not exist.", "code": ...,
     "request_id": "6f1c...", "instance": "/api/v1/ec2/volumes/vol-.../"}

An operation's AwsError keeps its AWS code, message and status, except that a "does
not exist" error (`*.NotFound`, `*.Unknown`, `NoSuch*`, `*NotFoundException`) about the
resource the URL names, which the EC2 API answers with 400, is a 404 here as a REST
client expects. Errors of the HTTP layer (no credentials, bad JSON, a wrong method) get the
codes AWS services use for them, and a bug of ours is an `InternalFailure` 500
document, never a traceback.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from services.core.errors import INTERNAL_FAILURE, AwsError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_DRF_CODES: list[tuple[type[exceptions.APIException], str, str]] = [
    (
        exceptions.NotAuthenticated,
        "MissingAuthenticationToken",
        "The request has no credentials. Send 'Authorization: Token <access key id>:"
        "<secret access key>', or sign in to the console.",
    ),
    (
        exceptions.AuthenticationFailed,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    ),
    (exceptions.PermissionDenied, "AccessDenied", ""),
    (exceptions.NotFound, "NotFound", "No such resource or route in the REST API."),
    (exceptions.MethodNotAllowed, "MethodNotAllowed", ""),
    (exceptions.ParseError, "SerializationException", ""),
    (exceptions.UnsupportedMediaType, "UnsupportedMediaType", ""),
    (exceptions.NotAcceptable, "NotAcceptable", ""),
    (exceptions.Throttled, "ThrottlingException", "Rate exceeded"),
    (exceptions.ValidationError, "ValidationError", ""),
]


def rest_status(error: AwsError, resource_id: str = "") -> int:
    """The HTTP status of `error` at the REST door: 404 when the resource the URL names
    does not exist; otherwise AWS's own status (a zone named in a body is still 400)."""
    code = error.code
    missing = (
        # EC2 says "Unknown" for some types: InvalidPlacementGroup.Unknown.
        code.endswith((".NotFound", "NotFoundException", "NotFound", ".Unknown"))
        or code.startswith("NoSuch")
        or code == "ResourceNotFound"
    )
    if missing and resource_id and resource_id in error.message:
        return 404
    return error.status


def problem(request: HttpRequest | None, code: str, message: str, status: int) -> Response:
    """A problem document for `code` (also used by the views for their own errors)."""
    raw = getattr(request, "_request", request)
    body = {
        "type": f"urn:stratolab:error:{code}",
        "title": code,
        "status": status,
        "detail": message,
        "code": code,
        "request_id": getattr(raw, "request_id", ""),
        "instance": getattr(raw, "path", ""),
    }
    response = Response(body, status=status, content_type=PROBLEM_JSON)
    response["x-amzn-ErrorType"] = code
    return response


def _detail_text(detail: object) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_detail_text(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(_detail_text(v) for v in detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response:
    request = context.get("request")
    if isinstance(exc, AwsError):
        resource_id = str((context.get("kwargs") or {}).get("resource_id", ""))
        return problem(request, exc.code, exc.message, rest_status(exc, resource_id))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    # DRF's handler adds the WWW-Authenticate header to 401s and Retry-After to 429s.
    response = drf_exception_handler(exc, context)
    if response is None:
        log.exception("REST request failed", exc_info=exc)
        return problem(request, INTERNAL_FAILURE[0], INTERNAL_FAILURE[1], 500)
    code, message = "", ""
    for kind, kind_code, kind_message in _DRF_CODES:
        if isinstance(exc, kind):
            code, message = kind_code, kind_message
            break
    if not code:
        default = str(getattr(exc, "default_code", "error"))
        code = "".join(part.capitalize() for part in default.split("_"))
    if not message:
        message = _detail_text(getattr(exc, "detail", "")) or str(exc)
    out = problem(request, code, message, response.status_code)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            out[header] = response[header]
    return out
