"""SQS console pages (filled in below)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from services.core.views import resources


def queue_list(request: HttpRequest, region: str, service: str, slug: str) -> HttpResponse:
    return resources.resource_list(request, region, service, slug)


def create_queue(request: HttpRequest, region: str, service: str, slug: str) -> HttpResponse:
    return resources.resource_create(request, region, service, slug)


def queue_detail(
    request: HttpRequest, region: str, service: str, slug: str, resource_id: str
) -> HttpResponse:
    return resources.resource_detail(request, region, service, slug, resource_id)
