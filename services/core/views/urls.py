"""Console routes, built from the registry when the URLconf is first imported (the apps
are ready by then, so every service and resource type is registered).

The URL scheme, which every service's pages follow:

- ``/signin`` (GET, POST): root user sign-in. ``/signout`` (POST). ``/``: to the console
  home when signed in, else to the sign-in page.
- ``/home/``: the console home (recently visited services, all services).
  ``/search/?q=``: the global search. ``/region/<code>/?next=``: the region selector of
  pages without a region in their path.
- ``/<region>/<service>/...``: every service page. The region segment must be a known
  region (``services.core.regions``), else a console-styled 404; visiting such a page
  makes it the session's current region (``SESSION_REGION``). The region selector
  swaps this segment to show the same page in another region.

  - ``services/<code>/urls.py``, when a registered service has one, is included at
    ``<region>/<code>/`` with its ``app_name`` (= code) as namespace; its views get the
    ``region`` kwarg (``reverse("ec2:launch", kwargs={"region": ...})``).
  - Then the generic pages of each registered ResourceType (namespace ``console``; the
    URL kwargs are ``region``, ``service``, ``slug``):

    - ``<region>/<service>/<slug>/``                    ``console:resource-list``
    - ``<region>/<service>/<slug>/create/``             ``console:resource-create``
    - ``<region>/<service>/<slug>/actions/<operation>/`` ``console:resource-action``
      (GET: the confirm modal; POST: run the action on the selected ``ids``)
    - ``<region>/<service>/<slug>/<resource_id>/``      ``console:resource-detail``

    A type's own list, details, create or action pages are declared on it
    (``ResourceType.pages``, dotted view paths) and take these routes' places, with
    the same names and kwargs. A service's ``urls.py`` is tried first, so it must not
    route these URLs itself (``tests/console/test_navigation.py`` checks every type).
  - ``<region>/<service>/``: ``console:service-home``, redirecting to the service's
    ``home_url_name`` if it resolves, else to its first resource table.

Every console page needs a session: without one it redirects to ``/signin?next=...``.
Any other HTML 404 is rendered inside the console frame (``ConsoleSessionMiddleware``).
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
from collections.abc import Callable

from django.urls import URLPattern, URLResolver, include, path, register_converter

from services.core import registry
from services.core.middleware import REGION_ROUTE
from services.core.views import resources, shell


class RegionConverter:
    """Any region-looking segment: the view answers an unknown one with a console 404
    rather than letting the route fall through to a bare one."""

    regex = "[a-z]{2}(?:-[a-z]+)+-[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionConverter, "region")  # the name REGION_ROUTE uses


def _has_urls(code: str) -> bool:
    try:
        return importlib.util.find_spec(f"services.{code}.urls") is not None
    except ModuleNotFoundError:
        return False


def service_patterns() -> list[URLResolver]:
    """Each registered service's own pages, at `<region>/<code>/`."""
    return [
        path(f"{REGION_ROUTE}{svc.code}/", include(f"services.{svc.code}.urls"))
        for svc in registry.services()
        if _has_urls(svc.code)
    ]


def _own(view: Callable) -> Callable:
    """A type's own page, given only the URL kwargs it takes (`instances.detail(request,
    region, resource_id)` has no use for `service` and `slug`; the console still reads
    them from the URL match)."""
    params = inspect.signature(view).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return view

    @functools.wraps(view)
    def call(request, **kwargs):
        return view(request, **{k: v for k, v in kwargs.items() if k in params})

    return call


def _page(rt: registry.ResourceType, page: str, generic: Callable) -> Callable:
    view = rt.pages.view(page)
    return _own(view) if view else generic


def generic_patterns() -> list[URLPattern]:
    """The list, create, action and details pages of every registered resource type,
    and each service's home redirect."""
    patterns = []
    for rt in registry.resource_types():
        base = f"{REGION_ROUTE}{rt.service}/{rt.slug}/"
        kwargs = {"service": rt.service, "slug": rt.slug}
        # A type's own pages (`ResourceType.pages`) take the generic pages' places.
        own = rt.pages
        for operation in own.actions:
            patterns.append(
                path(
                    base + f"actions/{operation}/",
                    _own(own.view("action", operation)),
                    {**kwargs, "operation": operation},
                )
            )
        patterns += [
            path(base, _page(rt, "list", resources.resource_list), kwargs, name="resource-list"),
            path(
                base + "create/",
                _page(rt, "create", resources.resource_create),
                kwargs,
                name="resource-create",
            ),
            path(
                base + "actions/<str:operation>/",
                resources.resource_action,
                kwargs,
                name="resource-action",
            ),
            path(
                base + "<str:resource_id>/",
                _page(rt, "detail", resources.resource_detail),
                kwargs,
                name="resource-detail",
            ),  # fmt: skip
        ]
    for svc in registry.services():
        patterns.append(
            path(
                f"{REGION_ROUTE}{svc.code}/",
                resources.service_home,
                {"service": svc.code},
                name="service-home",
            )
        )
    return patterns


shell_patterns = [
    path("", shell.root, name="root"),
    path("signin", shell.signin, name="signin"),
    path("signout", shell.signout, name="signout"),
    path("home/", shell.home, name="home"),
    path("search/", shell.search, name="search"),
    path("region/<str:code>/", shell.switch_region, name="region-switch"),
]

urlpatterns = [
    *service_patterns(),
    path("", include((shell_patterns + generic_patterns(), "console"))),
]
