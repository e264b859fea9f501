"""Takes AWS-signed requests before URL routing (they may use any path, S3 most of all).

It answers them itself, so nothing after it runs for them: no CSRF check (AWS clients
have no cookies or tokens), no Django upload size limit (the gateway reads the body
stream itself), no session. Everything else falls through to the console and REST.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from services.core import errors, ids, tenant_content
from services.core.gateway import handler, wire

_SIGV2_MESSAGE = (
    "Stratolab accepts AWS Signature Version 4 only; configure the client for SigV4 "
    "(for the AWS CLI: s3 signature_version = s3v4)."
)


def is_aws_request(request: HttpRequest) -> bool:
    """Whether the request carries an AWS signature: SigV4 in the Authorization header
    or in a presigned URL, or SigV2 (S3's legacy presigned URLs and headers)."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.startswith(("AWS4-HMAC-SHA256 ", "AWS ")):
        return True
    query = request.META.get("QUERY_STRING", "")
    if "X-Amz-Algorithm=" in query or "X-Amz-Credential=" in query:
        return True
    return "AWSAccessKeyId=" in query and "Signature=" in query


def is_unsigned_aws_request(request: HttpRequest) -> bool:
    """Whether an unsigned request is unmistakably an AWS API call (an X-Amz-Target or
    smithy-protocol header, a query Action, a POST to / where the console has only a
    redirect), so that it gets the AWS error for a missing signature rather than a
    console page. Path-style S3 requests stay the console's: anonymous S3 is addressed
    by the bucket's host name (services/s3/door.py)."""
    meta = request.META
    if meta.get("HTTP_X_AMZ_TARGET") or meta.get("HTTP_SMITHY_PROTOCOL"):
        return True
    query = meta.get("QUERY_STRING", "")
    if query.startswith("Action=") or "&Action=" in query:
        return True
    return request.method == "POST" and request.path == "/"


def _uses_sigv2(request: HttpRequest) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").startswith("AWS ") or (
        "AWSAccessKeyId=" in request.META.get("QUERY_STRING", "")
        and "X-Amz-Credential=" not in request.META.get("QUERY_STRING", "")
    )


def to_django(response: wire.WireResponse, method: str) -> HttpResponse:
    body = b"" if method == "HEAD" else response.body
    out = HttpResponse(body, status=response.status)
    if response.content_type:
        out["Content-Type"] = response.content_type
    else:
        del out["Content-Type"]
    for name, value in response.headers.items():
        out[name] = value
    out["Content-Length"] = str(len(response.body))
    # AWS answers echo caller text (names, descriptions, error messages): opened in a
    # browser on the console's origin, they must stay inert (services/core/tenant_content).
    return tenant_content.sandbox(out)


# Services whose requests need more than the generic handler register a door of their
# own: (claims(request) -> bool, handle(request) -> response). S3 streams bodies in and
# out, accepts SigV2 and anonymous requests and serves websites (services/s3/door.py).
_doors: list[tuple[Callable[[HttpRequest], bool], Callable[[HttpRequest], HttpResponse]]] = []


def register_door(
    claims: Callable[[HttpRequest], bool], handle: Callable[[HttpRequest], HttpResponse]
) -> None:
    _doors.append((claims, handle))


class GatewayMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for claims, handle in _doors:
            if claims(request):
                return handle(request)
        signed = is_aws_request(request)
        if not signed and not is_unsigned_aws_request(request):
            return self.get_response(request)
        request_id = getattr(request, "request_id", "") or ids.request_id()
        if not signed:
            req, _ = wire.from_django(request)
            return to_django(handler.handle_unsigned(req, request_id), req.method)
        if _uses_sigv2(request):
            error = errors.InvalidRequest(_SIGV2_MESSAGE)
            return to_django(handler.plain_error(error, request_id, s3=True), request.method)
        req, too_large = wire.from_django(request)
        response = handler.handle(
            req,
            request_id,
            body_too_large=too_large,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return to_django(response, req.method)
