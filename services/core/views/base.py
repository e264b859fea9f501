"""What every console view shares: the call context of the signed-in user, calling an
operation with errors shown as a flashbar, the session/region guard, and the left
navigation of a service.

A service's own views look like this::

    from services.core.views.base import call, console_view, render_console

    @console_view
    def dashboard(request, region):
        result = call(request, region, "ec2", "DescribeVolumes", {})
        return render_console(request, "ec2/dashboard.html", {"volumes": ...})

`console_view` is also enforced by `ConsoleSessionMiddleware` for every route under
`/<region>/`, so a page that forgets it is still guarded; the decorator names the
service when the URL namespace does not.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from services.core import ids, operations, registry
from services.core.context import CallContext, source_ip
from services.core.errors import AwsError
from services.core.middleware import SESSION_REGION
from services.core.regions import DEFAULT_REGION, is_region

log = logging.getLogger(__name__)

SESSION_RECENT = "stratolab_recent_services"
RECENT_MAX = 8

ViewFunc = Callable[..., HttpResponse]


# --- calling operations --------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    return source_ip(request.META)


def console_ctx(request: HttpRequest, region: str) -> CallContext:
    """The call context of the signed-in console user acting in `region` (door
    "console", the request's id, the browser's address and user agent)."""
    return CallContext(
        account=request.account,
        region=region,
        principal=request.principal,
        door="console",
        request_id=getattr(request, "request_id", "") or ids.request_id(),
        source_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
        # A switched-to role's temporary key: the evaluator finds the role session by it.
        access_key_id=getattr(request, "console_access_key_id", ""),
    )


def call(
    request: HttpRequest,
    region: str,
    service: str,
    action: str,
    params: dict | None = None,
    *,
    ctx: CallContext | None = None,
) -> dict | None:
    """Run one operation as the signed-in user. On an AWS error, add a red flashbar
    "Code: message" and return None; nothing was changed. Pass `ctx` to read what the
    call touched afterwards (`ctx.resources`)."""
    ctx = ctx or console_ctx(request, region)
    try:
        return operations.call(ctx, service, action, params or {})
    except AwsError as error:
        messages.error(request, f"{error.code}: {error.message}")
        return None


# --- the guard every console page passes ---------------------------------------------


def signin_redirect(request: HttpRequest) -> HttpResponse:
    """Back to the sign-in page, coming back here afterwards. htmx requests (a polling
    table) get a full-page redirect instead of the sign-in page swapped into a table."""
    target = reverse("console:signin") + "?next=" + quote(request.get_full_path(), safe="/")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


def enter_console(
    request: HttpRequest, region: str | None = None, service: str | None = None
) -> HttpResponse | None:
    """Check that someone is signed in and `region` exists; remember the region and the
    visited service. Returns the response to send instead of the page, or None."""
    if getattr(request, "account", None) is None:
        return signin_redirect(request)
    if getattr(request, "console_entered", False):
        return None
    _drop_nul(request)
    if region is not None:
        if not is_region(region):
            return render_not_found(
                request,
                "This region doesn't exist",
                f"The region “{region}” doesn't exist or isn't available in Stratolab. "
                "Choose a region from the region selector in the top bar.",
            )
        if request.session.get(SESSION_REGION) != region:
            request.session[SESSION_REGION] = region
        request.console_region = region
    svc = registry.service(service) if service else None
    if svc is not None:
        request.console_service = svc
        remember_service(request, svc.code)
    request.console_entered = True
    return None


def _drop_nul(request: HttpRequest) -> None:
    """Take NUL bytes out of the query (`?q=%00`): no text column can hold one, and a
    search or filter for it is a search without it."""
    query = request.GET
    if not any("\x00" in k or any("\x00" in v for v in query.getlist(k)) for k in query):
        return
    cleaned = QueryDict(mutable=True)
    for key in query:
        cleaned.setlist(
            key.replace("\x00", ""), [v.replace("\x00", "") for v in query.getlist(key)]
        )
    request.GET = cleaned


def console_view(view: ViewFunc | None = None, *, service: str | None = None):
    """Decorate a console view: it needs a session, its `region` kwarg must be a known
    region (else a console-styled 404), and its service is recorded as recently
    visited. The service is `service`, else the `service` kwarg, else the URL
    namespace (a service's urls.py has `app_name = <code>`)."""

    def decorate(func: ViewFunc) -> ViewFunc:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            code = service or kwargs.get("service") or url_service(request)
            refused = enter_console(request, kwargs.get("region"), code)
            if refused is not None:
                return refused
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


class ConsoleViewMixin:
    """`console_view` for class-based views; set `service` or rely on the namespace."""

    service: str | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        code = self.service or kwargs.get("service") or url_service(request)
        refused = enter_console(request, kwargs.get("region"), code)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)


def url_service(request: HttpRequest) -> str | None:
    """The service a URL belongs to: its namespace (`ec2:home`) or `service` kwarg."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.kwargs.get("service"):
        return match.kwargs["service"]
    for namespace in match.namespaces:
        if registry.service(namespace):
            return namespace
    return None


def safe_next(request: HttpRequest, url: str, default: str) -> str:
    """`url` if it stays on this site (a `next` parameter), else `default`."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def current_region(request: HttpRequest) -> str:
    """The region of this page, else the one last visited, else the default."""
    return (
        getattr(request, "console_region", None)
        or request.session.get(SESSION_REGION)
        or DEFAULT_REGION
    )


def remember_service(request: HttpRequest, code: str) -> None:
    recent = [c for c in request.session.get(SESSION_RECENT, []) if c != code]
    recent.insert(0, code)
    if request.session.get(SESSION_RECENT) != recent[:RECENT_MAX]:
        request.session[SESSION_RECENT] = recent[:RECENT_MAX]


def recent_services(request: HttpRequest) -> list[registry.Service]:
    found = (registry.service(c) for c in request.session.get(SESSION_RECENT, []))
    return [s for s in found if s is not None]


# --- rendering --------------------------------------------------------------------------


@dataclass
class Crumb:
    label: str
    url: str = ""


def service_home_url(service: registry.Service | str, region: str) -> str:
    code = service if isinstance(service, str) else service.code
    return reverse("console:service-home", kwargs={"region": region, "service": code})


def breadcrumbs(request: HttpRequest, *crumbs: Crumb | tuple[str, str] | str) -> list[Crumb]:
    """The trail of a page: the service (linking to its home), then `crumbs`; the last
    one is the current page and needs no URL."""
    trail: list[Crumb] = []
    svc = getattr(request, "console_service", None)
    if svc is not None:
        trail.append(Crumb(svc.name, service_home_url(svc, current_region(request))))
    for crumb in crumbs:
        if isinstance(crumb, str):
            crumb = Crumb(crumb)
        elif isinstance(crumb, tuple):
            crumb = Crumb(*crumb)
        trail.append(crumb)
    return trail


def render_console(
    request: HttpRequest,
    template: str,
    context: dict | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a page inside the console frame; `context["breadcrumbs"]` defaults to the
    service alone."""
    context = dict(context or {})
    context.setdefault("breadcrumbs", breadcrumbs(request))
    response = render(request, template, context, status=status)
    response.console_rendered = True
    return response


def render_not_found(request: HttpRequest, title: str, message: str) -> HttpResponse:
    """A 404 inside the console frame, as a page the user can go on from."""
    return render_console(
        request,
        "console/not_found.html",
        {"title": title, "message": message, "breadcrumbs": []},
        status=404,
    )


# --- left navigation -------------------------------------------------------------------


@dataclass
class NavItem:
    label: str
    url: str
    active: bool = False
    order: int = 0  # the declaration's `nav_order`


@dataclass
class NavSection:
    title: str  # "" for the links above all groups
    items: list[NavItem] = field(default_factory=list)


def _reverse_region(url_name: str, region: str) -> str | None:
    try:
        return reverse(url_name, kwargs={"region": region})
    except NoReverseMatch:
        log.warning("left navigation: no URL named %s", url_name)
        return None


def service_nav(service: registry.Service, region: str, path: str = "") -> list[NavSection]:
    """The left navigation of `service`: its declared links and its resource types,
    grouped by `nav_section`, each group in `nav_order`. The item whose URL is the
    longest prefix of `path` is active."""
    sections: dict[str, NavSection] = {"": NavSection("")}
    for title in service.nav_sections:
        sections[title] = NavSection(title)
    for link in service.nav_links:
        url = _reverse_region(link.url_name, region)
        if url:
            sections.setdefault(link.section, NavSection(link.section)).items.append(
                NavItem(link.label, url, order=link.nav_order)
            )
    for rt in registry.resource_types(service.code):
        url = reverse(
            "console:resource-list",
            kwargs={"region": region, "service": rt.service, "slug": rt.slug},
        )
        sections.setdefault(rt.nav_section, NavSection(rt.nav_section)).items.append(
            NavItem(rt.label_plural, url, order=rt.nav_order)
        )
    for section in sections.values():  # stable: ties keep declaration order
        section.items.sort(key=lambda item: item.order)
    items = [i for s in sections.values() for i in s.items if path.startswith(i.url)]
    if items:
        max(items, key=lambda i: len(i.url)).active = True
    return [s for s in sections.values() if s.items]
