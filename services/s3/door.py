"""The S3 door: S3 requests from the AWS CLI, boto3, browsers and curl, answered through
the operation layer.

S3 needs more than the generic AWS handler (services/core/gateway/handler.py):
- bodies stream: an upload goes from the socket to a spool file (decoding aws-chunked
  framing, checking chunk signatures and trailing checksums on the way) and a download
  from the object's file to the socket (sendfile), so no object is ever held in memory;
- SigV2 (`aws s3 presign` with a custom endpoint) besides SigV4, presigned URLs of
  both, and anonymous requests (public buckets, CORS preflights);
- the path is signed as sent, unnormalised; virtual-hosted requests
  (`<bucket>.s3.localhost:8000`) name the bucket in the Host header;
- several operations share a method and path (PutObject, UploadPart, CopyObject) and
  are told apart by query and headers;
- 206, 304 and 412 answers, headers on errors (x-amz-delete-marker), empty HEAD bodies;
- the static website endpoint (services/s3/website.py);
- tenant content never runs on the console's origin: every answer on the console's
  host (path-style requests, presigned URLs, errors) is sandboxed, and HTML-like object
  bodies are downloads there (services/core/tenant_content.py). Virtual-hosted and
  website host names are origins of their own, served as AWS serves them.

It registers itself with the gateway middleware (`register_door`) when the app loads.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, unquote

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone

from services.core import hooks, ids, operations, shapes, tenant_content
from services.core.context import CallContext
from services.core.errors import INTERNAL_FAILURE, AwsError
from services.core.gateway import errors as gateway_errors
from services.core.gateway import s3_sigv2, s3_stream, sigv4, wire
from services.core.gateway.chunked import ChunkError, is_streaming
from services.core.gateway.protocols import rest
from services.core.gateway.protocols.rest import RestXmlProtocol
from services.core.gateway.sigv4 import SignatureProblem
from services.s3 import access, cors, storage, website
from services.s3.errors import error
from services.s3.models import Bucket
from services.s3.objects import MAX_PUT

log = logging.getLogger(__name__)

PROTOCOL = RestXmlProtocol()
STREAMED = {"PutObject", "UploadPart"}
MAX_XML_BODY = 20 * 1024 * 1024
_VIRTUAL = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3(?:\.|-(?!website))", re.I)
_RENAMED = {
    "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
    "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
    "GetBucketNotification": "GetBucketNotificationConfiguration",
    "PutBucketNotification": "PutBucketNotificationConfiguration",
    "ListDirectoryBuckets": "ListBuckets",
}
_OBJECT_PUTS = {"PutObject", "UploadPart", "CopyObject", "UploadPartCopy"}
_OBJECT_READS = {"GetObject", "HeadObject"}  # bodies (and types) the tenant chose
MAX_HEADER_SECTION = 8192  # S3's limit on a request's headers, names and values together


def _model():
    return shapes.service_model("s3")


# --- which requests are S3's -----------------------------------------------------------


def _host(request: HttpRequest) -> str:
    return (request.META.get("HTTP_HOST") or "").split(":")[0].lower()


def virtual_bucket(host: str) -> str:
    found = _VIRTUAL.match(host)
    return found.group("bucket") if found else ""


def _sigv4_service(request: HttpRequest) -> str:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    found = re.search(r"Credential=([^,\s]+)", auth)
    if found:
        credential = found.group(1)
    else:
        credential = dict(parse_qsl(request.META.get("QUERY_STRING", ""))).get(
            "X-Amz-Credential", ""
        )
    parts = credential.split("/")
    return parts[3] if len(parts) >= 4 else ""


def _is_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and "HTTP_ORIGIN" in request.META
        and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
    )


def _signed_for_s3(request: HttpRequest) -> bool | None:
    """True for an S3 signature (header or presigned), False for another service's,
    None for an unsigned request."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    query = request.META.get("QUERY_STRING", "")
    if auth.startswith("AWS "):
        return True
    if "AWSAccessKeyId=" in query and "Signature=" in query and "X-Amz-Credential=" not in query:
        return True
    if auth.startswith(sigv4.ALGORITHM) or "X-Amz-Credential=" in query:
        return _sigv4_service(request) == "s3"
    return None


def _old_website_path(request: HttpRequest) -> bool:
    """`/website/<bucket>/` unsigned on the console's host (on a bucket's host name it is
    a key, and signed path-style it names a bucket called "website")."""
    return (
        website.is_old_path(request)
        and _signed_for_s3(request) is None
        and not virtual_bucket(_host(request))
    )


def claims(request: HttpRequest) -> bool:
    """Whether this door answers `request`. Every request to a virtual-hosted or
    website host name is S3's, so those hosts never serve a console page."""
    if website.website_target(request) is not None:
        return True
    signed = _signed_for_s3(request)
    if signed is not None:
        return signed
    if virtual_bucket(_host(request)):
        return True
    return _is_preflight(request) or _old_website_path(request)


# --- answering ---------------------------------------------------------------------------


class _Target:
    """Where a request goes: bucket and key (decoded), the operation, the path as the
    REST matcher sees it (path-style even for virtual-hosted requests)."""

    def __init__(self, req: wire.WireRequest, host_bucket: str) -> None:
        self.host_bucket = host_bucket
        path = req.path if not host_bucket else f"/{host_bucket}{req.path}"
        self.path = path
        name, _, key = path.lstrip("/").partition("/")
        self.bucket = unquote(name)
        self.key = unquote(key)


def _operation_name(req: wire.WireRequest, target: _Target) -> str | None:
    routed = wire.WireRequest(req.method, target.path, req.query_string, req.headers)
    found = rest.match(_model(), routed)
    name = found[0].operation if found else None
    name = _RENAMED.get(name, name)
    query = {k for k, _ in req.query}
    if target.key:
        if req.method == "PUT" and name in _OBJECT_PUTS:
            copy = req.headers.get("x-amz-copy-source") is not None
            part = "partNumber" in query and "uploadId" in query
            name = {
                (False, False): "PutObject",
                (True, False): "CopyObject",
                (False, True): "UploadPart",
                (True, True): "UploadPartCopy",
            }[(copy, part)]
        elif req.method == "GET" and name in ("GetObject", "ListParts"):
            name = "ListParts" if "uploadId" in query else "GetObject"
        elif req.method == "DELETE" and name in ("DeleteObject", "AbortMultipartUpload"):
            name = "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    elif target.bucket and req.method == "GET" and name == "ListObjectsV2":
        if dict(req.query).get("list-type") != "2":
            name = "ListObjects"
    return name


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "") or ids.request_id()


def handle(request: HttpRequest) -> HttpResponse:
    site = website.website_target(request)
    if site is not None:
        return website.serve(request, site)  # its own host name: an origin of its own
    op_name, response = _answer(request)
    # One door for the console's host and the bucket host names: on the console's
    # origin nothing S3 answers may run as a document there.
    tenant_content.protect(request, response, tenant_document=op_name in _OBJECT_READS)
    return response


def _answer(request: HttpRequest) -> tuple[str | None, HttpResponse]:
    """The operation (when it succeeded) and the answer."""
    request_id = _request_id(request)
    if _old_website_path(request):
        return None, website.moved(request)
    meta = request.META
    req = wire.WireRequest(
        method=meta.get("REQUEST_METHOD", "GET").upper(),
        path=wire._raw_path(meta),
        query_string=meta.get("QUERY_STRING", "") or "",
        headers=wire._headers(meta),
        remote_addr=meta.get("REMOTE_ADDR", "") or "",
    )
    target = _Target(req, virtual_bucket(_host(request)))
    if _is_preflight(request):
        return None, _preflight(request, target, request_id)
    spooled: storage.Spool | None = None
    op_name = None
    try:
        _check_header_section(request.META)
        op_name = _operation_name(req, target)
        ctx = _authenticate(request, req, target, request_id)
        if op_name is None:
            raise error("MethodNotAllowed", "The specified method is not allowed against this "
                        "resource.", 405, Method=req.method, ResourceType="OBJECT")  # fmt: skip
        op = _model().operation_model(op_name)
        if op_name in STREAMED:
            spooled = _spool(request, req, ctx)
        else:
            req.body = _small_body(request, req, ctx)
        params = _without_unreadable_dates(op, PROTOCOL.parse_request(op, req))
        if target.bucket:
            params["Bucket"] = target.bucket
        if target.key and "Key" in (op.input_shape.members if op.input_shape else {}):
            params["Key"] = target.key
        if spooled is not None:
            params["Body"] = spooled
        result = operations.call(ctx, "s3", op_name, params)
        response = _render(op, result, request_id, req.method)
    except AwsError as exc:
        op_name, response = None, _render_error(exc, request_id, req.method)
    except Exception:
        log.exception("the S3 door failed on %s %s", req.method, req.path)
        op_name = None
        response = _render_error(AwsError(*INTERNAL_FAILURE, 500), request_id, req.method)
    finally:
        if spooled is not None:
            spooled.discard()  # a no-op once the operation moved it into place
    _add_cors(request, target, response)
    return op_name, response


def _without_unreadable_dates(op, params: dict) -> dict:
    """Drop date headers that are not dates (If-Modified-Since: garbage, an epoch past the
    year 9999): HTTP says to ignore such a condition (RFC 9110, 13.1.3) and S3 does; the
    parser left them as text, which the model's validator cannot judge."""
    members = op.input_shape.members if op.input_shape else {}
    for name, shape in members.items():
        if shape.type_name == "timestamp" and isinstance(params.get(name), str):
            del params[name]
    return params


def _check_header_section(meta: dict) -> None:
    size = sum(len(k) - 5 + len(v) for k, v in meta.items() if k.startswith("HTTP_"))
    size += sum(len(k) + len(meta[k]) for k in ("CONTENT_TYPE", "CONTENT_LENGTH") if meta.get(k))
    if size > MAX_HEADER_SECTION:
        raise error("RequestHeaderSectionTooLarge",
                    "Your request header section exceeds the maximum allowed size.", 400,
                    MaxSizeAllowed=MAX_HEADER_SECTION)  # fmt: skip


# --- authentication ------------------------------------------------------------------------


def _signature_error(problem: SignatureProblem, *, query: bool = False) -> AwsError:
    if problem.kind == "access_denied":
        return error("AccessDenied", problem.message, 403)
    if problem.kind == "malformed" and query:
        return error("AuthorizationQueryParametersError", problem.message, 400)
    return gateway_errors.signature_error(problem, "s3", "rest-xml")


def _credentials(key_id: str, token: str, region: str) -> hooks.KeyOwner:
    """Who owns the key, as the gateway asks it: through the hook IAM fills (temporary
    ASIA credentials too), never IAM's modules (tests/core/test_layers.py)."""
    try:
        return hooks.access_key_owner(key_id, session_token=token, service="s3", region=region)
    except AwsError as exc:
        if "xpired" in exc.code:
            raise gateway_errors.expired_token("s3", "rest-xml") from None
        raise gateway_errors.unknown_key("s3", "rest-xml") from None


def _authenticate(
    request: HttpRequest, req: wire.WireRequest, target: _Target, request_id: str
) -> CallContext:
    """The caller: a verified SigV4 or SigV2 signature, or nobody (anonymous)."""
    now = timezone.now()
    common = {
        "door": "aws",
        "request_id": request_id,
        "source_ip": req.remote_addr,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:512],
    }
    req.signed = None  # type: ignore[attr-defined]
    try:
        if sigv4.is_signed(req):
            signed = sigv4.parse(req)
            sigv4.check_time(signed, now)
            found = _credentials(signed.credential.access_key_id, signed.security_token,
                                 signed.credential.region)  # fmt: skip
            sigv4.verify(req, signed, found.secret_access_key, s3=True, check_payload=False)
            req.signed = signed  # type: ignore[attr-defined]
            req.secret = found.secret_access_key  # type: ignore[attr-defined]
            return CallContext(account=found.account, region=signed.credential.region,
                               principal=found.principal,
                               access_key_id=signed.credential.access_key_id,
                               **common)  # fmt: skip
        if s3_sigv2.uses_sigv2(req):
            signed2 = s3_sigv2.parse(req)
            found = _credentials(signed2.access_key_id, signed2.security_token, "us-east-1")
            s3_sigv2.check_time(req, signed2, now)
            s3_sigv2.verify(req, signed2, found.secret_access_key,
                            virtual_bucket=target.host_bucket)  # fmt: skip
            return CallContext(account=found.account, region=_bucket_region(target),
                               principal=found.principal, access_key_id=signed2.access_key_id,
                               **common)  # fmt: skip
    except SignatureProblem as problem:
        query = "X-Amz-Credential=" in req.query_string or "Signature=" in req.query_string
        raise _signature_error(problem, query=query) from None
    owner = Bucket.objects.filter(resource_id=target.bucket).select_related("account").first()
    if owner is None:
        if target.bucket:
            raise error("NoSuchBucket", "The specified bucket does not exist", 404,
                        BucketName=target.bucket)  # fmt: skip
        raise error("AccessDenied", "Access Denied", 403)
    return CallContext(account=owner.account, region=owner.region,
                       principal=access.anonymous(), **common)  # fmt: skip


def _bucket_region(target: _Target) -> str:
    # SigV2 names no region: the bucket's own, else the default.
    found = Bucket.objects.filter(resource_id=target.bucket).values_list("region", flat=True)
    return found.first() or "us-east-1"


# --- bodies ---------------------------------------------------------------------------------


def _declared_length(req: wire.WireRequest) -> int | None:
    if "chunked" in (req.headers.get("transfer-encoding") or "").lower():
        return None
    try:
        return int(req.headers.get("content-length") or 0)
    except ValueError:
        return 0


def _blocks(request: HttpRequest, req: wire.WireRequest):
    """The decoded body in blocks, and the aws-chunked decoder (for its trailers)."""
    stream = request.META["wsgi.input"]
    raw = s3_stream.socket_blocks(stream, _declared_length(req))
    mode = req.headers.get("x-amz-content-sha256") or ""
    if is_streaming(mode):
        signed = getattr(req, "signed", None)
        key = sigv4.signing_key(req.secret, signed.credential) if signed else None  # type: ignore[attr-defined]
        decoder = s3_stream.AwsChunkedDecoder(raw, mode, signed=signed, key=key)
        return iter(decoder), decoder
    return raw, None


def _after_body(req: wire.WireRequest, decoder, sha256: str | None, size: int) -> None:
    """Checks that need the whole body: the signed payload hash, the decoded length,
    and the trailing headers joining the request's headers."""
    declared = req.headers.get("x-amz-content-sha256") or ""
    if getattr(req, "signed", None) is not None and sigv4._HEX64.match(declared):
        if sha256 != declared:
            raise gateway_errors.signature_error(
                SignatureProblem("content_sha256", computed=sha256 or "", declared=declared),
                "s3",
                "rest-xml",
            )
    if decoder is not None:
        expected = req.headers.get("x-amz-decoded-content-length")
        if expected is not None and expected.isdigit() and int(expected) != size:
            raise error("IncompleteBody", "You did not provide the number of bytes specified "
                        "by the Content-Length HTTP header", 400)  # fmt: skip
        for name, value in decoder.trailers.items():
            req.headers[name] = value
        encodings = [
            e.strip()
            for e in (req.headers.get("content-encoding") or "").split(",")
            if e.strip() and e.strip().lower() != "aws-chunked"
        ]
        if encodings:
            req.headers["content-encoding"] = ",".join(encodings)
        else:
            req.headers.pop("content-encoding", None)


def _checksum_names(req: wire.WireRequest) -> set[str]:
    names = {
        name.removeprefix("x-amz-checksum-").upper()
        for name in req.headers
        if name.startswith("x-amz-checksum-") and name != "x-amz-checksum-mode"
    }
    for trailer in (req.headers.get("x-amz-trailer") or "").split(","):
        trailer = trailer.strip().lower()
        if trailer.startswith("x-amz-checksum-"):
            names.add(trailer.removeprefix("x-amz-checksum-").upper())
    algorithm = req.headers.get("x-amz-sdk-checksum-algorithm")
    if algorithm:
        names.add(algorithm.upper())
    return names & set(storage.CHECKSUM_ALGORITHMS)


def _spool(request: HttpRequest, req: wire.WireRequest, ctx: CallContext) -> storage.Spool:
    length = _declared_length(req)
    decoded = req.headers.get("x-amz-decoded-content-length")
    size = int(decoded) if decoded and decoded.isdigit() else length
    if size is not None and size > MAX_PUT:
        raise error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                    400, ProposedSize=size, MaxSizeAllowed=MAX_PUT)  # fmt: skip
    blocks, decoder = _blocks(request, req)
    extra = _checksum_names(req)
    if getattr(req, "signed", None) is not None:
        extra.add("SHA256")
    try:
        body = storage.spool(blocks, extra)
    except ChunkError as exc:
        if exc.signature:
            raise _signature_error(SignatureProblem("mismatch")) from None
        raise error("IncompleteBody", str(exc), 400) from None
    try:
        _after_body(req, decoder, body.digests.sha256_hex, body.size)
    except BaseException:
        body.discard()
        raise
    return body


def _small_body(request: HttpRequest, req: wire.WireRequest, ctx: CallContext) -> bytes:
    length = _declared_length(req)
    if length == 0:
        return b""
    if length is not None and length > MAX_XML_BODY:
        raise error("MaxMessageLengthExceeded", "Your request was too big.", 400)
    blocks, decoder = _blocks(request, req)
    parts, size = [], 0
    try:
        for block in blocks:
            size += len(block)
            if size > MAX_XML_BODY:
                raise error("MaxMessageLengthExceeded", "Your request was too big.", 400)
            parts.append(block)
    except ChunkError as exc:
        if exc.signature:
            raise _signature_error(SignatureProblem("mismatch")) from None
        raise error("IncompleteBody", str(exc), 400) from None
    body = b"".join(parts)
    import hashlib

    _after_body(req, decoder, hashlib.sha256(body).hexdigest(), len(body))
    return body


# --- writing the answer ----------------------------------------------------------------------


def _render(op, result: dict, request_id: str, method: str) -> HttpResponse:
    result = dict(result)
    body = result.pop("Body", None)
    status = result.pop("StatusCode", None)
    if op.name == "GetBucketLocation":
        answer = _location_body(result.get("LocationConstraint"), request_id)
    else:
        answer = PROTOCOL.serialize_result(op, result, request_id)
    if status:
        answer.status = status
    if body is not None and method != "HEAD":
        response = FileResponse(body, status=answer.status)
        response.block_size = storage.BLOCK
        response["Content-Length"] = str(body.length)
    else:
        if body is not None:
            body.close()
        response = HttpResponse(b"" if method == "HEAD" else answer.body, status=answer.status)
        if method != "HEAD" or "ContentLength" not in result:
            response["Content-Length"] = str(len(answer.body))
    # The serializer moves an object's Content-Type member to the response's type.
    if answer.content_type:
        response["Content-Type"] = answer.content_type
    elif "Content-Type" not in answer.headers:
        del response["Content-Type"]
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _location_body(constraint: str | None, request_id: str) -> wire.WireResponse:
    text = constraint or ""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint '
        f'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{text}</LocationConstraint>'
    )
    return wire.WireResponse(200, xml.encode(), {"x-amz-request-id": request_id},
                             "application/xml")  # fmt: skip


def _render_error(exc: AwsError, request_id: str, method: str) -> HttpResponse:
    if exc.status == 304:
        response = HttpResponse(status=304)
        del response["Content-Type"]
    else:
        answer = PROTOCOL.serialize_error(_model(), exc, request_id)
        body = b"" if method == "HEAD" else answer.body
        response = HttpResponse(body, status=exc.status, content_type=answer.content_type)
        response["Content-Length"] = str(len(body))
    response["x-amz-request-id"] = request_id
    for name, value in (getattr(exc, "headers", None) or {}).items():
        response[name] = value
    return response


# --- CORS --------------------------------------------------------------------------------------


def _preflight(request: HttpRequest, target: _Target, request_id: str) -> HttpResponse:
    bucket = Bucket.objects.filter(resource_id=target.bucket).first()
    origin = request.META["HTTP_ORIGIN"]
    method = request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    headers = [
        h.strip()
        for h in request.META.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")
        if h.strip()
    ]
    try:
        found = cors.preflight(bucket, origin, method, headers)
    except AwsError as exc:
        return _render_error(exc, request_id, "OPTIONS")
    response = HttpResponse(status=200)
    del response["Content-Type"]
    for name, value in found.items():
        response[name] = value
    response["x-amz-request-id"] = request_id
    return response


def _add_cors(request: HttpRequest, target: _Target, response: HttpResponse) -> None:
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or not target.bucket:
        return
    bucket = Bucket.objects.filter(resource_id=target.bucket).only("cors").first()
    if bucket is None or not bucket.cors:
        return
    rule = cors.matching_rule(bucket, origin, request.method, [])
    if rule is not None:
        for name, value in cors.response_headers(rule, origin, preflight=False,
                                                 headers=[]).items():  # fmt: skip
            response[name] = value


def install() -> None:
    from services.core.gateway.middleware import register_door

    register_door(claims, handle)
    tenant_content.register_tenant_hosts(website.is_website_host)
    tenant_content.register_tenant_hosts(lambda host: bool(virtual_bucket(host)))
