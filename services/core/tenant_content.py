"""Tenant content is never an active document on the console's origin.

The console, the REST API (/api/v1/) and the instructor pages (/instructor/) share one
origin: the scheme, host and port the browser used to reach them. A script running on
that origin acts as whoever opens the page: it reads the page's cookies and tokens, calls
/api/v1/ with the visitor's session and reads what an instructor can see. Bytes a
student chose (an S3 object, a website page; later a load balancer's or API Gateway's
answers, a CloudFront distribution) must therefore never run there. AWS keeps them
apart the same way: S3, CloudFront and API Gateway answer on domains of their own,
never on console.aws.amazon.com.

The rule, for every service that serves tenant content:

1. Where the content may be active (a website, a virtual-hosted object, a load
   balancer), serve it from a host name of its own, `<bucket>.s3-website-<region>.localhost`
   for instance (browsers send every `*.localhost` name to this machine). Register the
   host names with `register_tenant_hosts`, and make the service's door claim every
   request to them (services/core/gateway/middleware.py), so those hosts never answer
   a console page. The console's cookies are host-only (no SESSION_COOKIE_DOMAIN or
   CSRF_COOKIE_DOMAIN: never set one covering tenant host names), so they are not
   sent to tenant hosts, and a tenant host is another origin, so its scripts cannot
   read the console's pages.
2. Anything the service answers on the console's origin (path-style S3 requests,
   presigned URLs, its own error documents) goes through `protect(request, response)`.
   On a tenant host it changes nothing; on the console's origin it adds
   `Content-Security-Policy: sandbox` (the document gets an opaque origin: no
   scripts, no forms, no plugins, no access to the console's cookies or storage) and
   `X-Content-Type-Options: nosniff` (a browser never guesses a script-capable type
   from the bytes). With `tenant_document=True` (the body is bytes the tenant wrote,
   with a type the tenant chose) a type a browser would render as a document that can
   hold script (HTML, XHTML, SVG, XML) is also served as a download
   (`Content-Disposition: attachment`), unless the object or the request named a
   disposition of its own: then the sandbox alone keeps it inert. Requests signed in the
   Authorization header (SDKs, the CLI) are never browser navigations and read
   Content-Disposition as object metadata, so theirs stays what the object says.
3. The console's own views that hand out tenant bytes (S3's Download button) call
   `sandbox(response)` and serve them as attachments. Console pages link to tenant
   content by its host name, built with `tenant_url`.

Why tenant host names need no sandbox (S3 virtual-hosted `<bucket>.s3.localhost` and
websites run their scripts, as on AWS): each is an origin of its own, and a different
site from the console's host (`localhost` or `127.0.0.1`), so the console's host-only,
SameSite=Lax cookies are neither readable nor sent with its requests, its fetches of
console pages are cross-origin (unreadable without CORS), and Django's CSRF check
refuses its forms by their Origin. Browsers also refuse a `Domain=localhost` cookie from
a `*.localhost` page, so a tenant page cannot overwrite the console's cookies (tested in
tests/s3/test_browser_origin.py). Under a real domain (`lab.example.edu` with tenant
names under it) a tenant page could set a cookie for the parent domain; `__Host-`
cookie names, or tenant names under a domain of their own, close that too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseBase

SANDBOX = "sandbox"  # no allow-* token: no scripts, forms, popups, same-origin access

# Types a browser renders as a document that can run script (XML documents can hold
# XHTML <script> elements); anything else is shown inert (text, images, media) or
# downloaded.
_ACTIVE_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
     "text/xsl", "application/xslt+xml", "multipart/x-mixed-replace"}
)  # fmt: skip

_MEDIA_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")

_tenant_hosts: list[Callable[[str], bool]] = []


def register_tenant_hosts(matcher: Callable[[str], bool]) -> None:
    """Name host names that serve tenant content and never the console: `matcher`
    takes a host name (lower case, no port) and says whether it is one of them."""
    _tenant_hosts.append(matcher)


def request_host(request: HttpRequest) -> str:
    """The host name the browser used (lower case, no port). The Host header as sent:
    tenant host names need not be in ALLOWED_HOSTS, and a browser's origin is exactly
    what it put there."""
    host = (request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME") or "").lower()
    if host.startswith("["):  # [::1]:8000
        return host.partition("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def is_tenant_host(host: str) -> bool:
    """Whether `host` (lower case, no port) is a registered tenant host name."""
    return any(matcher(host) for matcher in _tenant_hosts)


def is_console_origin(request: HttpRequest) -> bool:
    """Whether `request` came to the console's origin: any host not registered as a
    tenant host name (the console answers on every host in ALLOWED_HOSTS, so an
    unknown host is treated as the console's, which fails safe)."""
    return not is_tenant_host(request_host(request))


def tenant_url(request: HttpRequest, labels: str, path: str = "/") -> str:
    """The URL of the tenant host name `<labels>.<domain>` for a console page to show:
    the scheme, domain and port the browser reached the console on, with `localhost`
    for an IP address (`*.127.0.0.1` names do not resolve; `*.localhost` names do)."""
    console = urlsplit(f"//{request.get_host()}")
    name = console.hostname or "localhost"
    try:
        ipaddress.ip_address(name)
    except ValueError:
        domain = name
    else:
        domain = "localhost"
    netloc = f"{labels}.{domain}"
    if console.port and console.port != {"http": 80, "https": 443}.get(request.scheme):
        netloc += f":{console.port}"
    return f"{request.scheme}://{netloc}{path}"


def is_active_type(content_type: str | None) -> bool:
    """Whether a browser would render `content_type` as a document that can run script.
    No type, or one that is not a well-formed `type/subtype`, counts: browsers guess."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if not _MEDIA_TYPE.match(media):
        return True
    return media in _ACTIVE_TYPES or media.endswith("+xml")


def sandbox(response: HttpResponseBase) -> HttpResponseBase:
    """Make `response` inert wherever it is opened: an opaque origin without scripts,
    and no type sniffing."""
    response["Content-Security-Policy"] = SANDBOX
    response["X-Content-Type-Options"] = "nosniff"
    return response


def protect(
    request: HttpRequest, response: HttpResponseBase, *, tenant_document: bool = False
) -> HttpResponseBase:
    """Apply the rule above to a response a tenant-content service sends for `request`.
    `tenant_document`: the body is the tenant's own bytes with the tenant's type."""
    if not is_console_origin(request):
        return response
    sandbox(response)
    if (
        tenant_document
        and not response.has_header("Content-Disposition")
        and "HTTP_AUTHORIZATION" not in request.META
        and is_active_type(response.get("Content-Type"))
    ):
        response["Content-Disposition"] = "attachment"
    return response
