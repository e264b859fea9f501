"""Instance pages beyond the generic ones: the details page with its tabs (details,
status checks, security, networking, storage, tags) and the Actions menu's modals
(instance settings, manage tags, create image). The modals sit on the generic action
URLs (`instances/actions/<Operation>/`), so the registry's menu opens them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from services.core import registry
from services.core.views.access import detail_denied, list_denied, render_denied
from services.core.views.base import (
    Crumb,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.core.views.resources import detail_context
from services.ec2 import resources
from services.ec2.forms import CreateImageForm, InstanceSettingsForm
from services.ec2.instance_status import status_summary
from services.ec2.models import Instance
from services.ec2.views.common import (
    back_url,
    detail_url,
    done,
    list_url,
    modal,
    nothing_selected,
    selected_ids,
)

TABS = (
    ("details", "Details"),
    ("status", "Status and alarms"),
    ("security", "Security"),
    ("networking", "Networking"),
    ("storage", "Storage"),
    ("tags", "Tags"),
)


def _instance(request: HttpRequest, region: str, resource_id: str) -> Instance | None:
    return (
        Instance.objects.visible_to(console_ctx(request, region))
        .exclude(state="gone")
        .select_related("primary_network_interface")
        .filter(resource_id=resource_id)
        .first()
    )


def _security(instance: Instance) -> list[dict]:
    out = []
    for group in instance.security_groups:
        rules = list(group.rules.all().order_by("is_egress", "pk"))
        out.append(
            {
                "group": group,
                "inbound": [r for r in rules if not r.is_egress],
                "outbound": [r for r in rules if r.is_egress],
            }
        )
    return out


def _volumes(instance: Instance, region: str) -> list[dict]:
    rows = []
    for a in instance.volume_attachments.select_related("volume").order_by("device"):
        rows.append(
            {
                "attachment": a,
                "volume": a.volume,
                "url": detail_url(region, "volumes", a.volume.resource_id),
                "root": a.device == instance.root_device_name,
            }
        )
    return sorted(rows, key=lambda r: not r["root"])


@console_view
def detail(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    rt = resources.INSTANCES
    refused = detail_denied(request, region, rt, resource_id)
    if refused:
        crumb = Crumb(rt.label_plural, list_url(region, "instances"))
        return render_denied(request, refused, title=resource_id, crumbs=(crumb,))
    instance = _instance(request, region, resource_id)
    if instance is None:
        return render_not_found(
            request,
            "Instance not found",
            f"The instance {resource_id} doesn't exist in {region}. It may have been "
            "terminated more than an hour ago, or it is in another region or account.",
        )
    inst_status, system_status, label = status_summary(instance)
    context = detail_context(request, region, rt, instance, TABS)
    tab = context["tab"]
    # The Security tab's rules and the Storage tab's volumes come from
    # DescribeSecurityGroups and DescribeVolumes, as on AWS's page.
    related = {"security": registry.resource_type("vpc", "security-groups"),
               "storage": resources.VOLUMES}.get(tab)  # fmt: skip
    tab_denied = list_denied(request, region, related) if related else None
    context.update(
        {
            "transitional": context["transitional"] or inst_status == "initializing",
            "status": {"instance": inst_status, "system": system_status, "label": label},
            "security": _security(instance) if tab == "security" and not tab_denied else [],
            "volumes": _volumes(instance, region) if tab == "storage" and not tab_denied else [],
            "tab_denied": tab_denied,
            "eni": instance.eni,
        }
    )
    if request.htmx and request.htmx.target == "detail-panel":
        return render(request, "ec2/instance_panel.html", context)
    return render_console(request, "ec2/instance_detail.html", context)


def _selected(request: HttpRequest, region: str) -> list[Instance]:
    ids = selected_ids(request)
    return list(
        Instance.objects.visible_to(console_ctx(request, region))
        .exclude(state="gone")
        .filter(resource_id__in=ids)
        .order_by("resource_id")
    )


@console_view
@require_http_methods(["GET", "POST"])
def settings_modal(request: HttpRequest, region: str) -> HttpResponse:
    """Actions > Instance settings: type (when stopped, EC2-07), termination and stop
    protection, shutdown behavior. One ModifyInstanceAttribute per change."""
    back = back_url(request, list_url(region, "instances"))
    rows = _selected(request, region)
    if not rows:
        return nothing_selected(request, "an instance", back)
    instance = rows[0]
    form = InstanceSettingsForm(
        request.POST if request.method == "POST" else None, instance=instance
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        ok = all(
            call(request, region, "ec2", "ModifyInstanceAttribute", change) is not None
            for change in changes
        )
        if ok:
            messages.success(
                request,
                f"Successfully changed the settings of {instance.resource_id}."
                if changes
                else "Nothing was changed.",
            )
        return done(request, back)
    context = {
        "rt": resources.INSTANCES,
        "obj": instance,
        "form": form,
        "action_url": request.path,
        "back": back,
        "list_url": list_url(region, "instances"),
    }
    return modal(request, "ec2/modal_settings.html", context, title="Instance settings")


@console_view
@require_http_methods(["GET", "POST"])
def tags_modal(request: HttpRequest, region: str) -> HttpResponse:
    """Actions > Manage tags: the tags of the selected instances, edited as key/value
    rows; removed keys go with DeleteTags, the rest with CreateTags."""
    back = back_url(request, list_url(region, "instances"))
    rows = _selected(request, region)
    if not rows:
        return nothing_selected(request, "an instance", back)
    ids = [r.resource_id for r in rows]
    if request.method == "POST":
        keys = request.POST.getlist("tag_key")
        values = request.POST.getlist("tag_value")
        wanted = {k.strip(): v for k, v in zip(keys, values, strict=False) if k.strip()}
        current = set().union(*(r.tags.keys() for r in rows))
        ok = True
        removed = sorted(current - set(wanted))
        if removed:
            ok = (
                call(
                    request,
                    region,
                    "ec2",
                    "DeleteTags",
                    {"Resources": ids, "Tags": [{"Key": k} for k in removed]},
                )
                is not None
            )
        if ok and wanted:
            ok = (
                call(
                    request,
                    region,
                    "ec2",
                    "CreateTags",
                    {"Resources": ids, "Tags": [{"Key": k, "Value": v} for k, v in wanted.items()]},
                )
                is not None
            )
        if ok:
            messages.success(request, f"Successfully saved the tags of {', '.join(ids)}.")
        return done(request, back)
    tags = sorted(rows[0].tags.items()) if len(rows) == 1 else []
    context = {
        "rt": resources.INSTANCES,
        "rows": rows,
        "tags": tags,
        "blank_rows": range(max(1, 3 - len(tags))),
        "action_url": request.path,
        "back": back,
        "list_url": list_url(region, "instances"),
    }
    return modal(request, "ec2/modal_tags.html", context, title="Manage tags")


@console_view
@require_http_methods(["GET", "POST"])
def create_image_modal(request: HttpRequest, region: str) -> HttpResponse:
    """Actions > Image and templates > Create image (EC2-15); also AMIs > Create image."""
    ctx = console_ctx(request, region)
    back = back_url(request, list_url(region, "amis"))
    rows = _selected(request, region)
    data = request.POST if request.method == "POST" else None
    initial = {"InstanceId": rows[0].resource_id} if rows else None
    form = CreateImageForm(data, ctx=ctx, initial=initial)
    if request.method == "POST" and form.is_valid():
        result = call(request, region, "ec2", "CreateImage", form.params())
        if result is not None:
            messages.success(request, f"Successfully created image {result['ImageId']}.")
            return done(request, detail_url(region, "amis", result["ImageId"]))
    context = {
        "rt": resources.IMAGES,
        "form": form,
        "action_url": request.path,
        "back": back,
        "list_url": list_url(region, "amis"),
    }
    return modal(request, "ec2/modal_create_image.html", context, title="Create image")
