"""One AWS request, start to finish: route it, check its signature, read its parameters,
call the operation, and write the answer in the protocol it came in.

Nothing runs before the signature is verified; every failure becomes the AWS error of
the service being called, in that service's wire format, with the request id.
"""

from __future__ import annotations

import logging
import re
import zlib

from botocore.model import ServiceModel
from django.utils import timezone

from services.core import errors as core_errors
from services.core import hooks, operations, shapes
from services.core.context import CallContext, Principal
from services.core.errors import INTERNAL_FAILURE, AwsError
from services.core.gateway import catalog, chunked, errors, routing, sigv4
from services.core.gateway.protocols.query import QueryProtocol
from services.core.gateway.protocols.rest import RestXmlProtocol
from services.core.gateway.routing import Route
from services.core.gateway.wire import WireRequest, WireResponse, max_body_bytes
from services.core.models import Account

log = logging.getLogger(__name__)

_HEADER_SCOPE = re.compile(r"Credential=([^,\s]+)")


def _scope_service(req: WireRequest) -> tuple[str, str]:
    """(region, service) from the credential scope, read loosely so that a malformed
    signature still gets its error in the right service's format."""
    found = _HEADER_SCOPE.search(req.headers.get("authorization") or "")
    credential = found.group(1) if found else dict(req.query).get("X-Amz-Credential", "")
    parts = credential.split("/")
    return (parts[2], parts[3]) if len(parts) >= 4 else ("", "")


class _Caller:
    def __init__(self, account: Account, principal: Principal, secret: str, key_id: str) -> None:
        self.account = account
        self.principal = principal
        self.secret = secret
        self.key_id = key_id


def _lookup(signed: sigv4.Signed, route: Route) -> _Caller:
    """The owner of the access key, or the service's error for a bad key."""
    key_id = signed.credential.access_key_id
    service, protocol = route.service, route.protocol.name
    try:
        # IAM fills the hook (temporary ASIA credentials too); see services/core/hooks.py.
        found = hooks.access_key_owner(
            key_id,
            session_token=signed.security_token,
            service=signed.credential.service,
            region=signed.credential.region,
        )
    except AwsError as error:
        if "xpired" in error.code:
            raise errors.expired_token(service, protocol) from None
        raise errors.unknown_key(service, protocol) from None
    return _Caller(found.account, found.principal, found.secret_access_key, key_id)


def _decode_body(req: WireRequest, signed: sigv4.Signed, caller: _Caller, route: Route) -> None:
    """Undo aws-chunked framing (checking chunk signatures) and request compression."""
    mode = req.headers.get("x-amz-content-sha256")
    if chunked.is_streaming(mode):
        key = sigv4.signing_key(caller.secret, signed.credential)
        try:
            decoded = chunked.decode(req.body, mode or "", signed=signed, key=key)
        except chunked.ChunkError as exc:
            if exc.signature:
                raise errors.signature_error(
                    sigv4.SignatureProblem("mismatch"), route.service, route.protocol.name
                ) from exc
            raise errors.incomplete_body(route.service, route.protocol.name, str(exc)) from exc
        req.body = decoded.data
        req.headers["content-length"] = str(len(decoded.data))
        for name, value in decoded.trailers.items():
            req.headers[name] = value
        encodings = [
            e.strip() for e in (req.headers.get("content-encoding") or "").split(",") if e.strip()
        ]
        remaining = [e for e in encodings if e.lower() != "aws-chunked"]
        if remaining:
            req.headers["content-encoding"] = ",".join(remaining)
        else:
            req.headers.pop("content-encoding", None)
    op = route.operation
    compression = getattr(op, "request_compression", None) if op else None
    encoding = (req.headers.get("content-encoding") or "").lower()
    if compression and "gzip" in encoding and req.body:
        req.body = _gunzip(req.body)


def _gunzip(body: bytes) -> bytes:
    limit = max_body_bytes()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise core_errors.MalformedHttpRequestException(
            f"The request body could not be decompressed: {exc}"
        ) from exc
    if len(data) > limit:
        raise core_errors.RequestEntityTooLargeException("Request entity too large.")
    return data


def handle(
    req: WireRequest, request_id: str, *, body_too_large: bool, user_agent: str
) -> WireResponse:
    """Answer one AWS-signed request."""
    region, scope_service = _scope_service(req)
    if scope_service:
        route = routing.route(req, scope_service)
    else:
        # No credential scope (an Authorization header without Credential=): the
        # request's own marks may still name the service whose format the error takes.
        return _scopeless(req, request_id)
    if route is None:
        code = core_errors.InvalidAction if scope_service else core_errors.IncompleteSignature
        error = code(
            f"Stratolab does not know the AWS service '{scope_service}'."
            if scope_service
            else "The request signature does not name a service in its credential scope.",
            400,
        )
        return plain_error(error, request_id)
    protocol = route.protocol
    try:
        if body_too_large:
            raise errors.too_large(route.service, protocol.name, max_body_bytes())
        if req.body_error is not None:
            # Nothing can be checked on a body that did not arrive whole, not even the
            # signature over it: answered at once, in the service's format.
            raise errors.incomplete_body(route.service, protocol.name, req.body_error)
        result = _authenticated_call(req, route, request_id, user_agent)
        return protocol.serialize_result(route.operation, result, request_id)  # type: ignore[arg-type]
    except AwsError as error:
        return protocol.serialize_error(route.model, error, request_id, route.operation)
    except Exception:
        log.exception("the AWS gateway failed on %s %s", req.method, req.path)
        error = AwsError(*INTERNAL_FAILURE, 500)
        return protocol.serialize_error(route.model, error, request_id, route.operation)


def _authenticated_call(req: WireRequest, route: Route, request_id: str, user_agent: str) -> dict:
    service, protocol = route.service, route.protocol
    is_s3 = service in ("s3", "s3control")
    try:
        signed = sigv4.parse(req)
        sigv4.check_time(signed, timezone.now())
    except sigv4.SignatureProblem as problem:
        raise errors.signature_error(problem, service, protocol.name) from None
    caller = _lookup(signed, route)
    try:
        sigv4.verify(req, signed, caller.secret, s3=is_s3)
    except sigv4.SignatureProblem as problem:
        raise errors.signature_error(problem, service, protocol.name) from None
    _decode_body(req, signed, caller, route)
    op = route.operation
    if op is None:
        raise protocol.unknown_operation(route.model, route.requested)
    params = protocol.parse_request(op, req)
    ctx = CallContext(
        account=caller.account,
        region=signed.credential.region,
        principal=caller.principal,
        door="aws",
        request_id=request_id,
        source_ip=req.remote_addr,
        user_agent=user_agent,
        access_key_id=caller.key_id,
    )
    return operations.call(ctx, service, op.name, params)


def _unsigned_service(req: WireRequest) -> str | None:
    """The service an unsigned request is addressed to, from its own marks: the
    X-Amz-Target prefix, the rpc-v2-cbor path, or a query Version of a simulated
    service."""
    target = req.headers.get("x-amz-target") or ""
    if target:
        found = catalog.services_for_target(target.rpartition(".")[0])
        return found[0] if found else None
    path = re.match(r"^/service/([^/]+)/operation/", req.path)
    if path:
        found = catalog.services_for_target(path.group(1))
        return found[0] if found else None
    version = req.param("Version")
    for name in sorted({op.service for op in operations.registered()}):
        model = shapes.service_model(name)
        if version and model.api_version == version and model.protocol in ("query", "ec2"):
            return name
    return None


def handle_unsigned(req: WireRequest, request_id: str) -> WireResponse:
    """Answer an AWS call that carries no signature at all: MissingAuthenticationToken,
    in the format of the service it names when it names one."""
    service = _unsigned_service(req)
    route = routing.route(req, shapes.service_model(service).signing_name) if service else None
    if route is None:
        return plain_error(errors.missing_token("", "query"), request_id)
    error = errors.missing_token(route.service, route.protocol.name)
    return route.protocol.serialize_error(route.model, error, request_id, route.operation)


def _scopeless(req: WireRequest, request_id: str) -> WireResponse:
    problem = sigv4.SignatureProblem(
        "malformed",
        "Authorization header requires 'Credential' parameter. Authorization="
        + (req.headers.get("authorization") or ""),
    )
    if req.headers.get("x-amz-content-sha256"):
        # Only S3 clients send x-amz-content-sha256.
        return plain_error(errors.signature_error(problem, "s3", "rest-xml"), request_id, s3=True)
    service = _unsigned_service(req)
    route = routing.route(req, shapes.service_model(service).signing_name) if service else None
    if route is None:
        error = core_errors.IncompleteSignature(problem.message)
        return plain_error(error, request_id)
    error = errors.signature_error(problem, route.service, route.protocol.name)
    return route.protocol.serialize_error(route.model, error, request_id, route.operation)


def plain_error(error: AwsError, request_id: str, *, s3: bool = False) -> WireResponse:
    """An error for a request whose service is unknown (the generic query XML form),
    or S3's form when `s3`."""
    meta = {"protocol": "rest-xml" if s3 else "query", "apiVersion": ""}
    if s3:
        meta["serviceId"] = "S3"
    model = ServiceModel({"metadata": meta, "shapes": {}, "operations": {}})
    protocol = RestXmlProtocol() if s3 else QueryProtocol()
    return protocol.serialize_error(model, error, request_id)
