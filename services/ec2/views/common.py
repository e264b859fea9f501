"""What EC2's pages share: modals that work with and without htmx."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from services.core.views.base import Crumb, breadcrumbs, render_console
from services.core.views.tables import resource_url
from services.ec2 import resources


def back_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


def selected_ids(request: HttpRequest) -> list[str]:
    data = request.POST if request.method == "POST" else request.GET
    return [i for i in data.getlist("ids") if i]


def modal(request: HttpRequest, template: str, context: dict, *, title: str) -> HttpResponse:
    """A modal: alone for htmx (into #modal-root), else on a page of its own."""
    context = {**context, "modal_template": template, "title": title}
    if request.htmx and request.method == "GET":
        return render(request, template, context)
    rt = context.get("rt")
    crumbs = [Crumb(rt.label_plural, context["list_url"]), title] if rt else [title]
    context.setdefault("breadcrumbs", breadcrumbs(request, *crumbs))
    return render_console(request, "ec2/modal_page.html", context)


def done(request: HttpRequest, target: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


def nothing_selected(request: HttpRequest, label: str, target: str) -> HttpResponse:
    messages.error(request, f"Select {label} first.")
    return done(request, target)


def list_url(region: str, slug: str) -> str:
    rt = {
        "instances": resources.INSTANCES,
        "amis": resources.IMAGES,
        "key-pairs": resources.KEY_PAIRS,
        "volumes": resources.VOLUMES,
        "snapshots": resources.SNAPSHOTS,
    }[slug]
    return resource_url("resource-list", region, rt)


def detail_url(region: str, slug: str, resource_id: str) -> str:
    return list_url(region, slug) + f"{resource_id}/"
