"""Static website hosting (S3-07): the configuration operations, and serving a bucket as
a website for real.

Website endpoint: AWS serves `http://<bucket>.s3-website-<region>.amazonaws.com/` (or
`s3-website.<region>` in the newer regions). Stratolab answers the same shape of host
name under any domain that resolves to it: `http://<bucket>.s3-website-us-east-1.localhost:8000/`
works in browsers, which send every *.localhost name to this machine; a classroom
server needs a wildcard DNS name (`*.lab.example.edu`). Requests are anonymous, as on
AWS: the bucket's objects must be public (a bucket policy allowing s3:GetObject to "*",
with Block Public Access turned off) or the visitor gets 403.

A website's pages run their own scripts, so they are served only from the website's own
host name, never from the console's origin (services/core/tenant_content.py). The old
path form `/website/<bucket>/` on the console's host serves nothing any more: it
redirects to the host name (302, so a browser does not remember it when the bucket
goes away), or answers 404.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from services.core import ids, operations, tenant_content
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.s3 import access
from services.s3.common import bucket_for
from services.s3.errors import invalid_argument, malformed_xml, not_configured
from services.s3.models import Bucket

PATH_PREFIX = "/website/"  # the old path form on the console's host: redirects only
_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*)\.s3-website[.-](?P<region>[a-z0-9-]+?)\.",
                   re.IGNORECASE)  # fmt: skip
# Regions whose website endpoint is `s3-website-<region>`; the others use
# `s3-website.<region>` (AWS's table of website endpoints).
_DASH_REGIONS = frozenset(
    {"us-east-1", "us-west-1", "us-west-2", "ap-southeast-1", "ap-southeast-2",
     "ap-northeast-1", "eu-west-1", "sa-east-1", "us-gov-west-1"}
)  # fmt: skip


# --- configuration -------------------------------------------------------------------------


@operation("s3", "PutBucketWebsite")
def put_bucket_website(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
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


@operation("s3", "GetBucketWebsite")
def get_bucket_website(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    if not bucket.website:
        raise not_configured(
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
            bucket.name,
        )
    return dict(bucket.website)


@operation("s3", "DeleteBucketWebsite")
def delete_bucket_website(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    bucket.website = None
    bucket.save(update_fields=["website"])
    return {}


def endpoint_label(region: str) -> str:
    """`s3-website-us-east-1` or `s3-website.eu-central-1`, as AWS names the region's."""
    return f"s3-website-{region}" if region in _DASH_REGIONS else f"s3-website.{region}"


def endpoint(bucket: Bucket, request: HttpRequest) -> str:
    """The bucket's website URL as the console shows it: its own host name, under the
    domain and port the browser reached the console on."""
    return tenant_content.tenant_url(request, f"{bucket.name}.{endpoint_label(bucket.region)}")


def is_website_host(host: str) -> bool:
    """Whether `host` (no port) is a website endpoint's name: a tenant host name."""
    return _HOST.match(host) is not None


# --- serving -------------------------------------------------------------------------------


def website_target(request: HttpRequest) -> tuple[str, str] | None:
    """(bucket, key path) for a request to a website endpoint's host name, else None."""
    found = _HOST.match(tenant_content.request_host(request))
    if not found:
        return None
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or request.path
    return found.group("bucket").lower(), raw.split("?", 1)[0]


def is_old_path(request: HttpRequest) -> bool:
    """A GET or HEAD of the old path form `/website/<bucket>/...` (the door checks the rest)."""
    return request.path.startswith(PATH_PREFIX) and request.method in ("GET", "HEAD")


def moved(request: HttpRequest) -> HttpResponse:
    """The old path form: a redirect to the website's own host name, or S3's 404."""
    request_id = getattr(request, "request_id", "") or ids.request_id()
    rest = request.path[len(PATH_PREFIX) :]
    name, _, key = rest.partition("/")
    bucket = Bucket.objects.filter(resource_id=name).first() if name else None
    if bucket is None:
        return _page(404, "NoSuchBucket", "The specified bucket does not exist", request_id,
                     BucketName=name)  # fmt: skip
    if not bucket.website:
        return _page(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a "
                     "website configuration", request_id, BucketName=name)  # fmt: skip
    location = endpoint(bucket, request) + quote(key, safe="/")
    query = request.META.get("QUERY_STRING", "")
    return _redirect(f"{location}?{query}" if query else location, 302)


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


def _apply_rule(rule: dict, key: str, request: HttpRequest) -> HttpResponse:
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
    location = f"{protocol}://{host}{path}" if host else path
    return _redirect(location, int(redirect.get("HttpRedirectCode") or 301))


def serve(request: HttpRequest, target: tuple[str, str]) -> HttpResponse:
    name, path = target
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
    key = unquote(path.lstrip("/"))
    all_to = config.get("RedirectAllRequestsTo")
    if all_to:
        protocol = all_to.get("Protocol") or request.scheme
        return _redirect(f"{protocol}://{all_to['HostName']}{path or '/'}")
    rule = _rule_for(config, key, None)
    if rule is not None:
        return _apply_rule(rule, key, request)
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
            return _redirect(f"/{quote(key)}/", 302)
        if status in (304, 412, 416):
            return _bare(exc)
        rule = _rule_for(config, key, status)
        if rule is not None:
            return _apply_rule(rule, key, request)
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
