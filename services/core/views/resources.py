"""The generic console pages of every registered resource type: list, create, details
and actions. They read rows through `visible_to` and change them only through
operations (`base.call`)."""

from __future__ import annotations

import inspect
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from services.core import registry
from services.core.context import CallContext
from services.core.regions import REGIONS
from services.core.registry import Action, ResourceType
from services.core.views.access import detail_denied, list_denied, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
    safe_next,
)
from services.core.views.tables import build_table, is_transitional, key_values, resource_url

DETAIL_TABS = (("details", "Details"), ("tags", "Tags"))


def _resource_type(service: str, slug: str) -> ResourceType:
    rt = registry.resource_type(service, slug)
    if rt is None:
        raise Http404(f"No resource type {service}.{slug}")
    return rt


def _list_crumb(rt: ResourceType, region: str) -> Crumb:
    return Crumb(rt.label_plural, resource_url("resource-list", region, rt))


@console_view
def service_home(request: HttpRequest, region: str, service: str) -> HttpResponse:
    """`/<region>/<service>/`: the service's own home page, else its first table."""
    svc = registry.service(service)
    if svc is None:
        raise Http404(service)
    if svc.home_url_name:
        try:
            return HttpResponseRedirect(reverse(svc.home_url_name, kwargs={"region": region}))
        except NoReverseMatch:
            pass  # its home page is not built yet: fall back to its first table
    types = registry.resource_types(service)
    if types:
        return HttpResponseRedirect(resource_url("resource-list", region, types[0]))
    return render_console(
        request, "console/service_empty.html", {"service": svc, "breadcrumbs": [Crumb(svc.name)]}
    )


@console_view
def resource_list(request: HttpRequest, region: str, service: str, slug: str) -> HttpResponse:
    rt = _resource_type(service, slug)
    refused = list_denied(request, region, rt)
    queryset = rt.model.objects.visible_to(console_ctx(request, region))
    table = build_table(request, rt, queryset.none() if refused else queryset, region=region)
    table.denied = refused
    context = {"table": table, "breadcrumbs": breadcrumbs(request, rt.label_plural)}
    if request.htmx and request.htmx.target == "rt-results":
        return render(request, "console/table_results.html", context)
    return render_console(request, "console/list.html", context)


def _form_kwargs(form_class: type, request: HttpRequest, region: str) -> dict[str, Any]:
    """What a create form may ask for in its constructor: `zones` (the region's AZ
    names), `region` or `ctx`."""
    offered = {
        "zones": REGIONS[region].zone_names,
        "region": region,
        "ctx": console_ctx(request, region),
    }
    params = inspect.signature(form_class.__init__).parameters
    return {k: v for k, v in offered.items() if k in params}


def _created_id(rt: ResourceType, ctx: CallContext, result: dict) -> str | None:
    """The id of the resource a create call made: the first one it touched that is of
    this type, else the first value of the result with the type's id prefix."""
    visible = rt.model.objects.visible_to(ctx)
    for touched in ctx.resources:
        name = touched.get("ResourceName", "")
        if name and visible.filter(resource_id=name).exists():
            return name
    prefix = getattr(rt.model, "id_prefix", "") + "-"

    def walk(value: Any) -> str | None:
        if isinstance(value, str):
            return value if len(prefix) > 1 and value.startswith(prefix) else None
        children = value.values() if isinstance(value, dict) else value
        if not isinstance(value, dict | list):
            return None
        return next((found for found in map(walk, children) if found), None)

    return walk(result)


@console_view
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest, region: str, service: str, slug: str) -> HttpResponse:
    """The long create form of `rt.create_form`. The form may set `sections` (a list of
    (title, [field names])) and `description`; its constructor may take `zones`,
    `region` or `ctx`. A valid POST calls `rt.create_operation` with
    `rt.create_params(cleaned_data)`, then shows the new resource."""
    rt = _resource_type(service, slug)
    if not rt.create_operation or rt.create_form is None:
        raise Http404(f"{rt.label_plural} are not created here")
    kwargs = _form_kwargs(rt.create_form, request, region)
    form = rt.create_form(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        params = rt.create_params(form.cleaned_data) if rt.create_params else form.cleaned_data
        ctx = console_ctx(request, region)
        # VPC types run EC2's operations: `api_service` names the operations' service.
        op_service = rt.api_service
        result = call(request, region, op_service, rt.create_operation, params, ctx=ctx)
        if result is not None:
            new_id = _created_id(rt, ctx, result)
            if new_id:
                messages.success(request, f"Successfully created {rt.label.lower()} {new_id}.")
                return HttpResponseRedirect(
                    resource_url("resource-detail", region, rt, resource_id=new_id)
                )
            messages.success(request, f"Successfully created {rt.label.lower()}.")
            return HttpResponseRedirect(resource_url("resource-list", region, rt))
    sections = getattr(form, "sections", None) or [(f"{rt.label} settings", list(form.fields))]
    context = {
        "rt": rt,
        "form": form,
        "sections": [(title, [form[name] for name in names]) for title, names in sections],
        "list_url": resource_url("resource-list", region, rt),
        "breadcrumbs": breadcrumbs(request, _list_crumb(rt, region), f"Create {rt.label.lower()}"),
    }
    return render_console(request, "console/form.html", context)


@console_view
def resource_detail(
    request: HttpRequest, region: str, service: str, slug: str, resource_id: str
) -> HttpResponse:
    rt = _resource_type(service, slug)
    refused = detail_denied(request, region, rt, resource_id)
    if refused:
        return render_denied(request, refused, title=resource_id, crumbs=(_list_crumb(rt, region),))
    obj = (
        rt.model.objects.visible_to(console_ctx(request, region))
        .filter(resource_id=resource_id)
        .first()
    )
    if obj is None:
        if request.htmx:
            # A polled page whose resource just went away (deleting -> gone): its list.
            return _redirect(request, resource_url("resource-list", region, rt))
        return render_not_found(
            request,
            f"{rt.label} not found",
            f"The {rt.label.lower()} {resource_id} doesn't exist in {region}. It may have "
            "been deleted, or it is in another region or account.",
        )
    context = detail_context(request, region, rt, obj, DETAIL_TABS)
    if request.htmx and request.htmx.target == "detail-panel":
        return render(request, "console/detail_panel.html", context)
    return render_console(request, "console/detail.html", context)


def detail_columns(obj: Any, fields: tuple) -> list[list]:
    """`fields` (registry Columns) of `obj` as label/value pairs in three panel columns."""
    pairs = key_values(obj, fields)
    per_column = max(1, -(-len(pairs) // 3))
    return [pairs[i : i + per_column] for i in range(0, len(pairs), per_column)]


def action_links(region: str, rt: ResourceType, obj: Any) -> list[dict]:
    """The type's actions for one resource: where each posts, and whether it applies."""
    return [
        {
            "action": a,
            "url": resource_url("resource-action", region, rt, operation=a.operation),
            "enabled": a.enabled(obj),
        }
        for a in rt.actions
    ]


def detail_context(
    request: HttpRequest,
    region: str,
    rt: ResourceType,
    obj: Any,
    tabs: tuple[tuple[str, str], ...],
    *,
    title: str = "",
) -> dict:
    """What every details page shows: the chosen tab, key-value columns, actions and
    breadcrumbs. A service's own details page adds its tabs' data to it."""
    tab = request.GET.get("tab", "details")
    return {
        "rt": rt,
        "obj": obj,
        "tab": tab if tab in dict(tabs) else "details",
        "tabs": tabs,
        "columns": detail_columns(obj, rt.detail_fields or rt.columns),
        "transitional": is_transitional(obj),
        "actions": action_links(region, rt, obj),
        "breadcrumbs": breadcrumbs(request, _list_crumb(rt, region), title or obj.resource_id),
    }


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect of the whole page, also for htmx requests (not a swap of the target)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _find(rt: ResourceType, operation: str) -> Action:
    for action in rt.actions:
        if action.operation == operation:
            return action
    raise Http404(f"{rt.label_plural} have no action {operation}")


@console_view
@require_http_methods(["GET", "POST"])
def resource_action(
    request: HttpRequest, region: str, service: str, slug: str, operation: str
) -> HttpResponse:
    """GET: the confirm modal of an action on the selected rows (`ids`); an action
    without `confirm` is posted straight from the menu by htmx. POST: run it, once per
    row (or once for all rows when the action is a batch); a typed confirmation must
    match, else the modal comes back with an error and nothing runs."""
    rt = _resource_type(service, slug)
    action = _find(rt, operation)
    data = request.POST if request.method == "POST" else request.GET
    ids = [i for i in data.getlist("ids") if i]
    list_url = resource_url("resource-list", region, rt)
    back = safe_next(request, data.get("next", ""), list_url)
    rows = list(
        rt.model.objects.visible_to(console_ctx(request, region))
        .filter(resource_id__in=ids)
        .order_by("resource_id")
    )
    if not rows:
        messages.error(request, f"Select at least one {rt.label.lower()} first.")
        return _redirect(request, back)

    # The modal names the selected rows; a principal who may not list them sees
    # only the ids they sent.
    names_hidden = list_denied(request, region, rt, record=False) is not None
    typed = data.get("confirmation", "").strip()
    mistyped = bool(action.typed_confirmation) and typed != action.typed_confirmation
    if request.method == "GET" or mistyped:
        context = {
            "rt": rt,
            "action": action,
            "rows": rows,
            "action_url": request.path,
            "back": back,
            "typed_error": request.method == "POST",
            "names_hidden": names_hidden,
            "breadcrumbs": breadcrumbs(request, _list_crumb(rt, region), action.label),
        }
        if request.htmx:
            return render(request, "console/confirm.html", context)
        return render_console(request, "console/confirm_page.html", context)

    batches = [rows] if action.batch else [[row] for row in rows]
    done = []
    for batch in batches:
        op_service = rt.api_service
        if call(request, region, op_service, action.operation, action.params(batch)) is not None:
            done.extend(r.resource_id for r in batch)
    if done:
        messages.success(request, f"{action.label}: request succeeded for {', '.join(done)}.")
    # After a delete the details page it came from is gone: show the list.
    return _redirect(request, list_url if action.destructive else back)
