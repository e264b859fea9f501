"""AWS-format answers for requests the web server refuses before Django sees them.

gunicorn answers a request it cannot parse (a bad request line, oversized headers, bad
chunked framing) with an HTML page of its own. AWS clients expect an AWS error, so the
web worker (console/web_worker.py) answers those here: in the protocol of the service
the request was signed for when its headers name one (the SigV4 credential scope,
`X-Amz-Target`), else as S3's plain `<Error>` XML.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

# gunicorn's status for a refused request -> the AWS status, code and message.
_ERRORS: dict[int, tuple[int, str, str]] = {
    400: (400, "BadRequest", "An error occurred when parsing the HTTP request."),
    403: (403, "AccessDenied", "Access Denied"),
    408: (
        400,
        "RequestTimeout",
        "Your socket connection to the server was not read from or written to within "
        "the timeout period. Idle connections will be closed.",
    ),
    414: (414, "RequestURITooLong", "The request URI exceeds the maximum allowed length."),
    417: (417, "ExpectationFailed", "The Expect header you provided is not supported."),
    431: (
        400,
        "RequestHeaderSectionTooLarge",
        "Your request header section exceeds the maximum allowed size.",
    ),
    501: (
        501,
        "NotImplemented",
        "A header you provided implies functionality that is not implemented.",
    ),
}
_INTERNAL = (500, "InternalError", "We encountered an internal error. Please try again.")
_REASONS = {400: "Bad Request", 403: "Forbidden", 414: "URI Too Long", 417: "Expectation Failed",
            500: "Internal Server Error", 501: "Not Implemented"}  # fmt: skip

_CREDENTIAL = re.compile(
    rb"Credential=[^/\s,&]+/\d{8}/[^/\s,&]+/([A-Za-z0-9-]+)/aws4_request", re.IGNORECASE
)
_TARGET = re.compile(rb"^x-amz-target[ \t]*:", re.IGNORECASE | re.MULTILINE)
_SIGV2 = re.compile(rb"^authorization[ \t]*:[ \t]*AWS [^\s:]+:", re.IGNORECASE | re.MULTILINE)


def signing_name(head: bytes) -> str | None:
    """The service a request's head (request line and headers, as far as they were
    read) was signed for: from the Authorization header or a presigned URL's
    X-Amz-Credential (percent-encoded there). None when nothing says."""
    match = _CREDENTIAL.search(head) or _CREDENTIAL.search(unquote(head).encode())
    if match:
        return match.group(1).decode().lower()
    if _SIGV2.search(head) or b"AWSAccessKeyId=" in head:
        return "s3"
    return None


def error_response(gunicorn_status: int, head: bytes = b"", *, incomplete: bool = False) -> bytes:
    """The whole HTTP response (status line, headers, body) for a request gunicorn
    refused with `gunicorn_status`. The connection is closed after it. `incomplete`: the
    head was fine but the body ended early or its chunked framing is broken, which the
    AWS door answers with the service's own error (S3's IncompleteBody, ...)."""
    status, code, message = _ERRORS.get(gunicorn_status, _INTERNAL)
    if incomplete:
        status, code, message = _incomplete_body(signing_name(head) or "s3")
    body, content_type = _render(status, code, message, head)
    reason = _REASONS.get(status, "Bad Request")
    lines = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _incomplete_body(service: str) -> tuple[int, str, str]:
    from services.core.gateway import errors

    try:
        from services.core import shapes
        from services.core.gateway import catalog
        from services.core.gateway.routing import model_protocols

        name = catalog.services_for(service)[0]
        error = errors.incomplete_body(name, model_protocols(shapes.service_model(name))[0])
        return error.status, error.code, error.message
    except Exception:  # an unknown signing name: S3's words, like the plain form below
        log.debug("no incomplete-body error for %s", service, exc_info=True)
        return 400, "IncompleteBody", errors.S3_INCOMPLETE_BODY_MESSAGE


def _render(status: int, code: str, message: str, head: bytes) -> tuple[bytes, str]:
    request_id = _request_id()
    service = signing_name(head)
    if service and service not in ("s3", "s3control"):
        try:
            return _in_protocol(service, status, code, message, head, request_id)
        except Exception:  # any doubt: the plain form below is still an AWS error
            log.debug("could not render %s in %s's protocol", code, service, exc_info=True)
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{request_id}</RequestId></Error>"
    )
    return body.encode(), "application/xml"


def _in_protocol(
    service: str, status: int, code: str, message: str, head: bytes, request_id: str
) -> tuple[bytes, str]:
    from services.core import shapes
    from services.core.errors import AwsError
    from services.core.gateway import catalog, protocols
    from services.core.gateway.routing import model_protocols

    model = shapes.service_model(catalog.services_for(service)[0])
    names = model_protocols(model)
    if _TARGET.search(head) and "json" in names:
        name = "json"
    else:
        name = names[0]
    protocol = protocols.get(name)
    if protocol is None:
        raise LookupError(name)
    wire = protocol.serialize_error(model, AwsError(code, message, status), request_id)
    return wire.body, wire.content_type or "text/xml"


def _request_id() -> str:
    try:
        from services.core import ids

        return ids.request_id()
    except Exception:
        import uuid

        return str(uuid.uuid4())
