"""Template context of every console page: who is signed in, the region and the region
selector, the services menu, and the left navigation of the current service."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse

from services.core import registry
from services.core.middleware import REGION_ROUTE
from services.core.regions import REGIONS


def format_account_id(account_id: str) -> str:
    """1234-5678-9012, as the console's account menu shows it."""
    return "-".join(account_id[i : i + 4] for i in range(0, len(account_id), 4))


def region_links(request: HttpRequest, current: str) -> list[dict]:
    """The region selector's entries: the same page in each region (its region segment
    swapped), or for pages without one, the region switch that comes back here."""
    match = getattr(request, "resolver_match", None)
    on_region_page = bool(match and match.route.startswith(REGION_ROUTE))
    rest = request.path.split("/", 2)[2] if on_region_page else ""
    links = []
    for region in REGIONS.values():
        if on_region_page:
            url = f"/{region.code}/{rest}"
        else:
            url = reverse("console:region-switch", kwargs={"code": region.code})
            url += "?next=" + quote(request.get_full_path(), safe="/")
        links.append({"region": region, "url": url, "current": region.code == current})
    return links


def console(request: HttpRequest) -> dict:
    account = getattr(request, "account", None)
    if account is None:
        return {"console_account": None}
    from services.core.views.base import current_region, service_home_url, service_nav

    region = current_region(request)
    service = getattr(request, "console_service", None)
    categories: dict[str, list[dict]] = {}
    for svc in registry.services():
        categories.setdefault(svc.category, []).append(
            {"service": svc, "url": service_home_url(svc, region)}
        )
    return {
        "console_account": account,
        "console_account_id": format_account_id(account.id),
        "console_principal": getattr(request, "principal", None),
        "console_region": REGIONS[region],
        "console_region_links": region_links(request, region),
        "console_service_categories": sorted(categories.items()),
        "console_service": service,
        "console_nav": service_nav(service, region, request.path) if service else [],
        "console_home_url": reverse("console:home"),
    }
