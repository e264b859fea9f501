"""Template context for every console page: who is signed in, the region, the services."""

from __future__ import annotations

from django.http import HttpRequest

from services.core import registry
from services.core.regions import DEFAULT_REGION, REGIONS


def console(request: HttpRequest) -> dict:
    region = getattr(request, "console_region", None) or request.session.get(
        "stratolab_region", DEFAULT_REGION
    )
    return {
        "console_account": getattr(request, "account", None),
        "console_principal": getattr(request, "principal", None),
        "console_region": REGIONS.get(region),
        "console_regions": list(REGIONS.values()),
        "console_services": registry.services(),
    }
