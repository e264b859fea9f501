"""Static website hosting (S3-07): the configuration operations, and serving a bucket as
a website for real.

Website endpoint: AWS serves `http://<bucket>.s3-website-<region>.amazonaws.com/`.
Stratolab answers the same shape of host name under any domain that resolves to it
(`http://<bucket>.s3-website-us-east-1.localhost:8000/` works in browsers, which send
every *.localhost name to this machine), and, with no DNS at all, the path form
`http://<host>/website/<bucket>/`. Requests are anonymous, as on AWS: the bucket's
objects must be public (a bucket policy allowing s3:GetObject to "*", with Block
Public Access turned off) or the visitor gets 403.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from services.core import ids, operations
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.s3 import access
from services.s3.common import bucket_for
from services.s3.errors import invalid_argument, malformed_xml, not_configured
from services.s3.models import Bucket

PATH_PREFIX = "/website/"
_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*)\.s3-website[.-](?P<region>[a-z0-9-]+?)\.",
                   re.IGNORECASE)  # fmt: skip


# --- configuration -------------------------------------------------------------------------


@operation("s3", "PutBucketWebsite", needs_permission=False)
def put_bucket_website(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], "s3:PutBucketWebsite")
    config = dict(params.get("WebsiteConfiguration") or {})
    redirect_all = config.get("RedirectAllRequestsTo")
    if redirect_all:
        if len(config) > 1:
            raise invalid_argument(
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
                "RedirectAllRequestsTo",
            )
        if not redirect_all.get("HostName"):
            raise malformed_xml()
    else:
        suffix = (config.get("IndexDocument") or {}).get("Suffix")
        if not suffix:
            raise invalid_argument(
                "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is "
                "empty",
                "IndexDocument",
            )
        if "/" in suffix:
            raise invalid_argument(
                "The IndexDocument Suffix is not well formed", "IndexDocument", suffix
            )
    for rule in config.get("RoutingRules") or []:
        if not rule.get("Redirect"):
            raise malformed_xml()
    bucket.website = config
    bucket.save(update_fields=["website"])
    return {}


@operation("s3", "GetBucketWebsite", needs_permission=False)
def get_bucket_website(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], "s3:GetBucketWebsite")
    if not bucket.website:
        raise not_configured(
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
            bucket.name,
        )
    return dict(bucket.website)


@operation("s3", "DeleteBucketWebsite", needs_permission=False)
def delete_bucket_website(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"], "s3:DeleteBucketWebsite")
    bucket.website = None
    bucket.save(update_fields=["website"])
    return {}


def endpoint(bucket: Bucket, base_url: str) -> str:
    """The website URL the console shows: the path form, which needs no DNS."""
    return f"{base_url.rstrip('/')}{PATH_PREFIX}{bucket.name}/"


# --- serving -------------------------------------------------------------------------------


def website_target(request: HttpRequest) -> tuple[str, str, str] | None:
    """(bucket, key path, prefix of the site's URLs) for a website request, else None."""
    host = request.get_host() if _valid_host(request) else request.META.get("HTTP_HOST", "")
    found = _HOST.match(host or "")
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or request.path
    path = raw.split("?", 1)[0]
    if found:
        return found.group("bucket").lower(), path, ""
    if path.startswith(PATH_PREFIX):
        rest = path[len(PATH_PREFIX) :]
        name, slash, key = rest.partition("/")
        if not name:
            return None
        return name, ("/" + key) if slash else "", f"{PATH_PREFIX}{name}"
    return None


def _valid_host(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except Exception:
        return False
    return True


def _page(status: int, code: str, message: str, request_id: str, **extra: str) -> HttpResponse:
    items = "".join(
        f"<li>{html.escape(k)}: {html.escape(v)}</li>"
        for k, v in {"Code": code, "Message": message, **extra, "RequestId": request_id}.items()
    )
    title = {403: "403 Forbidden", 404: "404 Not Found"}.get(status, f"{status} Error")
    body = (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{items}\n"
        "</ul>\n<hr/>\n</body>\n</html>\n"
    )
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    response.console_rendered = True  # not a console page: keep this 404 as it is
    return response


def _anonymous_ctx(bucket: Bucket, request: HttpRequest, request_id: str) -> CallContext:
    return CallContext(
        account=bucket.account,
        region=bucket.region,
        principal=access.anonymous(),
        door="aws",
        request_id=request_id,
        source_ip=request.META.get("REMOTE_ADDR", "") or "",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
    )


def _redirect(location: str, code: int = 301) -> HttpResponse:
    response = HttpResponseRedirect(location)
    response.status_code = code
    return response


def _rule_for(config: dict, key: str, error_code: int | None) -> dict | None:
    for rule in config.get("RoutingRules") or []:
        condition = rule.get("Condition") or {}
        prefix = condition.get("KeyPrefixEquals")
        code = condition.get("HttpErrorCodeReturnedEquals")
        if prefix is not None and not key.startswith(prefix):
            continue
        if code is not None and str(code) != str(error_code):
            continue
        if code is None and error_code is not None and prefix is None:
            continue
        if (code is not None) != (error_code is not None):
            continue
        return rule
    return None


def _apply_rule(rule: dict, key: str, request: HttpRequest, base: str) -> HttpResponse:
    redirect = rule["Redirect"]
    condition = rule.get("Condition") or {}
    if redirect.get("ReplaceKeyWith") is not None:
        new_key = redirect["ReplaceKeyWith"]
    elif redirect.get("ReplaceKeyPrefixWith") is not None:
        prefix = condition.get("KeyPrefixEquals") or ""
        new_key = redirect["ReplaceKeyPrefixWith"] + key[len(prefix) :]
    else:
        new_key = key
    host = redirect.get("HostName")
    protocol = redirect.get("Protocol") or request.scheme
    path = "/" + quote(new_key)
    location = f"{protocol}://{host}{path}" if host else f"{base}{path}"
    return _redirect(location, int(redirect.get("HttpRedirectCode") or 301))


def serve(request: HttpRequest, target: tuple[str, str, str]) -> HttpResponse:
    name, path, base = target
    request_id = getattr(request, "request_id", "") or ids.request_id()
    if request.method not in ("GET", "HEAD"):
        return _page(405, "MethodNotAllowed", "The specified method is not allowed against "
                     "this resource.", request_id, Method=request.method)  # fmt: skip
    bucket = Bucket.objects.filter(resource_id=name).select_related("account").first()
    if bucket is None:
        return _page(404, "NoSuchBucket", "The specified bucket does not exist", request_id,
                     BucketName=name)  # fmt: skip
    config = bucket.website
    if not config:
        return _page(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a "
                     "website configuration", request_id, BucketName=name)  # fmt: skip
    if base and not path:
        return _redirect(f"{base}/", 302)  # /website/<bucket> -> /website/<bucket>/
    key = unquote(path.lstrip("/"))
    all_to = config.get("RedirectAllRequestsTo")
    if all_to:
        protocol = all_to.get("Protocol") or request.scheme
        return _redirect(f"{protocol}://{all_to['HostName']}{path or '/'}")
    rule = _rule_for(config, key, None)
    if rule is not None:
        return _apply_rule(rule, key, request, base)
    suffix = config["IndexDocument"]["Suffix"]
    ctx = _anonymous_ctx(bucket, request, request_id)
    wanted = key + suffix if (not key or key.endswith("/")) else key
    try:
        return _object_response(ctx, bucket, wanted, request)
    except AwsError as exc:
        status = 404 if exc.status == 404 else 403 if exc.status == 403 else exc.status
        if (
            status == 404
            and not wanted.endswith(suffix)
            and _exists(ctx, bucket, f"{key}/{suffix}")
        ):
            # A "folder" without its slash: S3 redirects to the index of the folder.
            return _redirect(f"{base}/{quote(key)}/", 302)
        if status in (304, 412, 416):
            return _bare(exc)
        rule = _rule_for(config, key, status)
        if rule is not None:
            return _apply_rule(rule, key, request, base)
        return _error_document(ctx, bucket, request, status, exc, key, request_id)


def _bare(exc: AwsError) -> HttpResponse:
    response = HttpResponse(status=exc.status)
    for name, value in (getattr(exc, "headers", None) or {}).items():
        response[name] = value
    return response


def _exists(ctx: CallContext, bucket: Bucket, key: str) -> bool:
    try:
        operations.call(ctx, "s3", "HeadObject", {"Bucket": bucket.name, "Key": key})
    except AwsError:
        return False
    return True


def _object_response(
    ctx: CallContext, bucket: Bucket, key: str, request: HttpRequest, status: int | None = None
) -> HttpResponse:
    params: dict = {"Bucket": bucket.name, "Key": key}
    if status is None:
        for header, param in (
            ("HTTP_RANGE", "Range"),
            ("HTTP_IF_MATCH", "IfMatch"),
            ("HTTP_IF_NONE_MATCH", "IfNoneMatch"),
            ("HTTP_IF_MODIFIED_SINCE", "IfModifiedSince"),
            ("HTTP_IF_UNMODIFIED_SINCE", "IfUnmodifiedSince"),
        ):
            if request.META.get(header):
                params[param] = request.META[header]
    action = "HeadObject" if request.method == "HEAD" else "GetObject"
    result = operations.call(ctx, "s3", action, params)
    if result.get("WebsiteRedirectLocation"):
        if result.get("Body"):
            result["Body"].close()
        return _redirect(result["WebsiteRedirectLocation"])
    body = result.get("Body")
    if body is None:
        response = HttpResponse(status=status or 200)
    else:
        response = StreamingHttpResponse(body, status=status or result.get("StatusCode", 200))
    response["Content-Type"] = result.get("ContentType") or "binary/octet-stream"
    response["Content-Length"] = str(result.get("ContentLength", 0))
    response["ETag"] = result["ETag"]
    response["Last-Modified"] = result["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT")
    if result.get("ContentRange"):
        response["Content-Range"] = result["ContentRange"]
    response.console_rendered = True
    return response


def _error_document(
    ctx: CallContext,
    bucket: Bucket,
    request: HttpRequest,
    status: int,
    exc: AwsError,
    key: str,
    request_id: str,
) -> HttpResponse:
    error_key = (bucket.website.get("ErrorDocument") or {}).get("Key")
    if error_key:
        try:
            return _object_response(ctx, bucket, error_key, request, status)
        except AwsError:
            pass
    extra = {"Key": key} if status == 404 else {}
    return _page(status, exc.code, exc.message, request_id, **extra)
