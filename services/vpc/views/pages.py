"""The VPC console's own pages: the dashboard, the Create VPC page with its live
preview, and attaching an internet gateway to a VPC. Reads go through `visible_to`;
every change is an operation call."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from services.core import operations, regions, registry
from services.core.errors import AwsError
from services.core.views.access import counted, detail_denied, readable, render_denied
from services.core.views.base import breadcrumbs, call, console_ctx, console_view, render_console
from services.vpc import wizard
from services.vpc.models import InternetGateway, NatGateway, Vpc


def _list_url(region: str, slug: str) -> str:
    return reverse(
        "console:resource-list", kwargs={"region": region, "service": "vpc", "slug": slug}
    )


def _detail_url(region: str, slug: str, resource_id: str) -> str:
    return reverse(
        "console:resource-detail",
        kwargs={"region": region, "service": "vpc", "slug": slug, "resource_id": resource_id},
    )


@console_view
def home(request: HttpRequest, region: str) -> HttpResponse:
    """The VPC dashboard: how many of each resource the account has in this region."""
    ctx = console_ctx(request, region)
    cards, denials = [], {}
    for rt in registry.resource_types("vpc"):
        qs = rt.model.objects.visible_to(ctx)
        if rt.model is NatGateway:
            qs = qs.exclude(state="deleted")
        count, refused = counted(request, region, rt, qs)
        if refused is not None:
            denials.setdefault(refused.action, refused)
        cards.append(
            {
                "label": rt.label_plural,
                "count": "API Error" if refused else count,
                "url": _list_url(region, rt.slug),
            }
        )
    vpcs_denied = "ec2:DescribeVpcs" in denials
    per_region = dict(
        Vpc.objects.filter(account_id=ctx.account.id)
        .values_list("region")
        .annotate(n=Count("id"))
        .values_list("region", "n")
    )
    context = {
        "cards": cards,
        "denials": list(denials.values()),
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "vpcs": "API Error" if vpcs_denied else per_region.get(r.code, 0),
            }
            for r in regions.REGIONS.values()
        ],
        "create_url": reverse(
            "console:resource-create", kwargs={"region": region, "service": "vpc", "slug": "vpcs"}
        ),
        "breadcrumbs": breadcrumbs(request, "VPC dashboard"),
    }
    return render_console(request, "vpc/home.html", context)


def _form(request: HttpRequest, region: str) -> wizard.CreateVpcForm:
    data = request.POST if request.method == "POST" else None
    return wizard.CreateVpcForm(data, region=region)


def _preview(form: wizard.CreateVpcForm, region: str) -> wizard.Plan | None:
    if not form.is_valid():
        return None
    return wizard.plan(form.cleaned_data, region)


@console_view
@require_http_methods(["GET", "POST"])
def create_vpc(request: HttpRequest, region: str) -> HttpResponse:
    """Create VPC: "VPC only", or "VPC and more" with subnets, route tables and gateways,
    created by running the plan's operations in order, as the AWS console does."""
    form = _form(request, region)
    plan = _preview(form, region)
    if request.method == "POST" and plan is not None and not plan.problems:
        return _run(request, region, plan)
    if request.method == "POST" and plan is not None:
        for problem in plan.problems:
            messages.error(request, problem)
    context = {
        "form": form,
        "plan": plan if request.method == "POST" else wizard.plan(_initial(form), region),
        "preview_url": reverse("vpc:create-vpc-preview", kwargs={"region": region}),
        "list_url": _list_url(region, "vpcs"),
        "breadcrumbs": breadcrumbs(request, ("Your VPCs", _list_url(region, "vpcs")), "Create VPC"),
    }
    return render_console(request, "vpc/create_vpc.html", context)


def _initial(form: wizard.CreateVpcForm) -> dict:
    return {name: field.initial for name, field in form.fields.items()}


@console_view
@require_http_methods(["POST"])
def create_vpc_preview(request: HttpRequest, region: str) -> HttpResponse:
    """The preview panel (htmx): what the current settings will create."""
    form = _form(request, region)
    plan = _preview(form, region)
    return render(
        request, "vpc/create_vpc_preview.html", {"form": form, "plan": plan, "swap_counts": True}
    )


def _run(request: HttpRequest, region: str, plan: wizard.Plan) -> HttpResponse:
    ctx = console_ctx(request, region)
    made: dict[str, str] = {}
    results = []
    failed = False
    for step in plan.steps:
        if failed:
            results.append({"label": step.label, "state": "stopped", "detail": "Not started"})
            continue
        try:
            response = operations.call(ctx, "ec2", step.action, step.params(made))
        except AwsError as error:
            failed = True
            results.append(
                {"label": step.label, "state": "error", "detail": f"{error.code}: {error.message}"}
            )
            continue
        made_id = step.pick(response) if step.pick else ""
        if step.keep:
            made[step.keep] = made_id
        results.append({"label": step.label, "state": "success", "detail": made_id})
    vpc_id = made.get("vpc", "")
    if vpc_id and not failed:
        messages.success(request, f"You successfully created {vpc_id}.")
    context = {
        "results": results,
        "failed": failed,
        "vpc_id": vpc_id,
        "vpc_url": _detail_url(region, "vpcs", vpc_id) if vpc_id else "",
        "breadcrumbs": breadcrumbs(
            request, ("Your VPCs", _list_url(region, "vpcs")), "Create VPC workflow"
        ),
    }
    return render_console(request, "vpc/create_vpc_result.html", context)


@console_view
@require_http_methods(["GET", "POST"])
def attach_internet_gateway(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    """Attach to VPC: the gateway's page with a choice of VPCs that have no gateway."""
    ctx = console_ctx(request, region)
    rt = registry.resource_type("vpc", "internet-gateways")
    refused = detail_denied(request, region, rt, resource_id)
    if refused:
        crumb = (rt.label_plural, _list_url(region, rt.slug))
        return render_denied(request, refused, title=resource_id, crumbs=(crumb,))
    igw = InternetGateway.objects.visible_to(ctx).filter(resource_id=resource_id).first()
    if igw is None:
        raise Http404(resource_id)
    detail_url = _detail_url(region, "internet-gateways", resource_id)
    if request.method == "POST":
        vpc_id = request.POST.get("VpcId", "")
        params = {"InternetGatewayId": resource_id, "VpcId": vpc_id}
        if call(request, region, "ec2", "AttachInternetGateway", params) is not None:
            messages.success(
                request, f"Internet gateway {resource_id} successfully attached to {vpc_id}."
            )
            return HttpResponseRedirect(detail_url)
    free = readable(ctx, Vpc).exclude(internet_gateways__isnull=False).order_by("id")
    context = {
        "igw": igw,
        "vpcs": free,
        "detail_url": detail_url,
        "breadcrumbs": breadcrumbs(
            request,
            ("Internet gateways", _list_url(region, "internet-gateways")),
            (resource_id, detail_url),
            "Attach to VPC",
        ),
    }
    return render_console(request, "vpc/attach_igw.html", context)
