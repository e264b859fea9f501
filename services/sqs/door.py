"""SQS's door: every request signed for `sqs`, in either protocol SQS speaks.

- JSON (boto3, the AWS CLI): the core gateway's handler answers it; the door writes the
  error `__type` SQS writes (`com.amazonaws.sqs#QueueDoesNotExist`) next to the query
  code botocore reads from x-amzn-query-error (`AWS.SimpleQueueService.NonExistentQueue`).
- Query (older SDKs: form-encoded `Action=...`, often POSTed to the queue URL itself,
  XML answers): read and written with the query model (services/sqs/querymodel.py).

Long polling: a ReceiveMessage that found nothing and may wait (WaitTimeSeconds, or the
queue's ReceiveMessageWaitTimeSeconds) leaves a note (services/sqs/polling.py); the door
then closes its database connection and waits on the queue's Redis channel
(services/sqs/wake.py) until a message is sent, one becomes visible by itself, or the
wait is over, and looks again. No database connection is held while waiting (SQS-03).
"""

from __future__ import annotations

import json
import logging
import re
import time

from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from services.core import ids
from services.core.errors import INTERNAL_FAILURE, AwsError
from services.core.gateway import handler, middleware, wire
from services.core.gateway.protocols.query import QueryProtocol
from services.core.gateway.routing import Route
from services.sqs import errors, names, polling, querymodel, wake

log = logging.getLogger(__name__)

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/sqs/aws4_request")
_QUERY_SCOPE = re.compile(r"X-Amz-Credential=[^&]*(?:%2F|/)sqs(?:%2F|/)aws4_request", re.I)
PROTOCOL = QueryProtocol()


def claims(request: HttpRequest) -> bool:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.startswith("AWS4-HMAC-SHA256 ") and _SCOPE.search(auth):
        return True
    return bool(_QUERY_SCOPE.search(request.META.get("QUERY_STRING", "")))


def install() -> None:
    middleware.register_door(claims, handle)


def _base_url(request: HttpRequest) -> str:
    scheme = "https" if request.is_secure() else "http"
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "localhost")
    return f"{scheme}://{host}"


def handle(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", "") or ids.request_id()
    req, too_large = wire.from_django(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    token = names.set_base(_base_url(request))
    try:
        answer = _query if _is_query(req) else _json
        response = _polled(lambda: answer(req, request_id, too_large, user_agent))
    finally:
        names.reset_base(token)
    return middleware.to_django(response, req.method)


def _is_query(req: wire.WireRequest) -> bool:
    """A query-protocol request: no X-Amz-Target, and a form body or an Action. Anything
    else is JSON's to answer (with JSON's errors, a missing target among them)."""
    if req.headers.get("x-amz-target"):
        return False
    content_type = (req.headers.get("content-type") or "").lower()
    return content_type.startswith("application/x-www-form-urlencoded") or bool(req.param("Action"))


def _polled(answer) -> wire.WireResponse:
    """Answer, and for a ReceiveMessage that may wait, wait and answer again."""
    waiter = wake.Waiter()
    deadline = None
    try:
        while True:
            polling.take()
            response = answer()
            pending = polling.take()
            if pending is None or response.status != 200:
                return response
            if deadline is None:
                deadline = time.monotonic() + pending.wait_seconds
                waiter.subscribe(pending.queue_pk)
                continue  # one more look: a message may have come before the subscription
            left = deadline - time.monotonic()
            if left <= 0:
                return response
            if pending.next_visible is not None:
                due = (pending.next_visible - timezone.now()).total_seconds()
                left = min(left, max(due, 0.05))
            # Waiting holds no database connection: close it; the next look opens one.
            if not connection.in_atomic_block:
                connection.close()
            waiter.wait(left)
            close_old_connections()
    finally:
        waiter.close()


# --- JSON ------------------------------------------------------------------------------


def _json(
    req: wire.WireRequest, request_id: str, too_large: bool, user_agent: str
) -> wire.WireResponse:
    response = handler.handle(req, request_id, body_too_large=too_large, user_agent=user_agent)
    if response.status < 400:
        return response
    try:
        body = json.loads(response.body)
    except ValueError:
        return response
    code = body.get("__type", "")
    if code in errors.JSON_TYPES:
        body["__type"] = f"com.amazonaws.sqs#{errors.JSON_TYPES[code]}"
    elif code == "AccessDeniedException":
        body["__type"] = "com.amazon.coral.service#AccessDeniedException"
        response.headers["x-amzn-query-error"] = "AccessDenied;Sender"
        response.status = 403
    elif code and "#" not in code and "." not in code:
        body["__type"] = f"com.amazonaws.sqs#{code}"
    response.body = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return response


# --- query -----------------------------------------------------------------------------


def _query(
    req: wire.WireRequest, request_id: str, too_large: bool, user_agent: str
) -> wire.WireResponse:
    model = querymodel.model()
    requested = req.param("Action")
    action = requested if requested in model.operation_names else None
    route = Route("sqs", model, PROTOCOL, action, requested)
    try:
        if too_large:
            raise errors.InvalidParameterValue("Request entity too large.", status=413)
        if req.body_error is not None:
            raise errors.InvalidParameterValue(req.body_error)
        if action and not req.param("QueueUrl") and names.parse_url(req.path):
            # A request POSTed to the queue's own URL names the queue by its path.
            op = model.operation_model(action)
            if op.input_shape is not None and "QueueUrl" in op.input_shape.members:
                req.form  # noqa: B018 (reads the body's pairs once)
                req.__dict__["form"] = [*req.form, ("QueueUrl", req.path)]
        result = handler._authenticated_call(req, route, request_id, user_agent)
        return PROTOCOL.serialize_result(route.operation, result, request_id)  # type: ignore[arg-type]
    except AwsError as error:
        if error.code == "AccessDeniedException":
            error = errors.AccessDenied(error.message)
        return PROTOCOL.serialize_error(model, error, request_id)
    except Exception:
        log.exception("the SQS query door failed on %s %s", req.method, req.path)
        return PROTOCOL.serialize_error(model, AwsError(*INTERNAL_FAILURE, 500), request_id)
