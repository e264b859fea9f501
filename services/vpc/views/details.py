"""Details pages the VPC console shows with more than the generic details and tags:
route tables (routes, subnet associations), security groups (inbound and outbound
rules), network ACLs (inbound and outbound rules, subnet associations) and internet
gateways (attach to a VPC)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from services.core import registry
from services.core.views.access import detail_denied, render_denied
from services.core.views.base import (
    Crumb,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.core.views.resources import detail_context
from services.core.views.tables import resource_url
from services.vpc.models import NetworkAcl, RouteTable, SecurityGroup
from services.vpc.models.routing import route_states


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _page(
    request: HttpRequest,
    region: str,
    slug: str,
    resource_id: str,
    tabs: tuple[tuple[str, str], ...],
    build,
) -> HttpResponse:
    rt = registry.resource_type("vpc", slug)
    refused = detail_denied(request, region, rt, resource_id)
    if refused:
        list_crumb = Crumb(rt.label_plural, resource_url("resource-list", region, rt))
        return render_denied(request, refused, title=resource_id, crumbs=(list_crumb,))
    obj = (
        rt.model.objects.visible_to(console_ctx(request, region))
        .filter(resource_id=resource_id)
        .first()
    )
    if obj is None:
        return render_not_found(
            request,
            f"{rt.label} not found",
            f"The {rt.label.lower()} {resource_id} doesn't exist in {region}. It may have "
            "been deleted, or it is in another region or account.",
        )
    all_tabs = (("details", "Details"), *tabs, ("tags", "Tags"))
    context = detail_context(request, region, rt, obj, all_tabs)
    context["links"] = []
    context.update(build(obj, region))
    if request.htmx and request.htmx.target == "detail-panel":
        return render(request, "vpc/detail_panel.html", context)
    return render_console(request, "vpc/detail.html", context)


def _url(name: str, region: str, resource_id: str) -> str:
    return reverse(f"vpc:{name}", kwargs={"region": region, "resource_id": resource_id})


def _subnet_url(region: str, resource_id: str) -> str:
    return reverse(
        "console:resource-detail",
        kwargs={"region": region, "service": "vpc", "slug": "subnets", "resource_id": resource_id},
    )


@console_view
def route_table(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    def build(table: RouteTable, region: str) -> dict:
        routes = list(table.routes.all())
        states = route_states(table, routes)
        explicit = [
            {"id": a.subnet.resource_id, "name": a.subnet.name, "cidr": a.subnet.cidr_block,
             "url": _subnet_url(region, a.subnet.resource_id)}
            for a in table.associations.filter(subnet__isnull=False).select_related("subnet")
        ]  # fmt: skip
        implicit = []
        if table.is_main:
            implicit = [
                {"id": s.resource_id, "name": s.name, "cidr": s.cidr_block,
                 "url": _subnet_url(region, s.resource_id)}
                for s in table.vpc.subnets.filter(route_table_association__isnull=True)
            ]  # fmt: skip
        return {
            "routes": [{"route": r, "state": states[r.pk]} for r in routes],
            "explicit": explicit,
            "implicit": implicit,
            "links": [
                Link("Edit routes", _url("edit-routes", region, table.resource_id)),
                Link(
                    "Edit subnet associations",
                    _url("edit-subnet-associations", region, table.resource_id),
                ),
            ],
        }

    tabs = (("routes", "Routes"), ("associations", "Subnet associations"))
    return _page(request, region, "route-tables", resource_id, tabs, build)


@console_view
def security_group(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    def build(group: SecurityGroup, region: str) -> dict:
        rules = group.rules.select_related("referenced_group").order_by("id")
        return {
            "inbound": [r for r in rules if not r.is_egress],
            "outbound": [r for r in rules if r.is_egress],
            "links": [
                Link("Edit inbound rules", _url("edit-inbound-rules", region, group.resource_id)),
                Link("Edit outbound rules", _url("edit-outbound-rules", region, group.resource_id)),
            ],
        }

    tabs = (("inbound", "Inbound rules"), ("outbound", "Outbound rules"))
    return _page(request, region, "security-groups", resource_id, tabs, build)


@console_view
def network_acl(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    def build(acl: NetworkAcl, region: str) -> dict:
        entries = list(acl.entries.all())
        return {
            "inbound_entries": [e for e in entries if not e.egress],
            "outbound_entries": [e for e in entries if e.egress],
            "acl_subnets": [
                {
                    "id": s.resource_id,
                    "name": s.name,
                    "cidr": s.cidr_block,
                    "url": _subnet_url(region, s.resource_id),
                }
                for s in acl.subnets.order_by("id")
            ],  # fmt: skip
        }

    tabs = (
        ("inbound-entries", "Inbound rules"),
        ("outbound-entries", "Outbound rules"),
        ("acl-subnets", "Subnet associations"),
    )
    return _page(request, region, "network-acls", resource_id, tabs, build)


@console_view
def internet_gateway(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    def build(igw, region: str) -> dict:
        if igw.vpc_id:
            return {}
        return {
            "links": [
                Link("Attach to VPC", _url("attach-internet-gateway", region, igw.resource_id))
            ]
        }

    return _page(request, region, "internet-gateways", resource_id, (), build)
