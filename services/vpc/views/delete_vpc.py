"""The console's Delete VPC, which (as AWS's console does, unlike the DeleteVpc API)
deletes what the VPC holds first: its internet gateway, subnets, route tables, network
ACLs and security groups, one operation at a time. A VPC with network interfaces
(instances, NAT gateways) is refused: those go first, by the user's hand."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from services.core.views.base import breadcrumbs, call, console_ctx, console_view, render_console
from services.vpc.models import NetworkInterface, SecurityGroupRule, Vpc

CONFIRM_WORD = "delete"


@dataclass
class Teardown:
    """What deleting one VPC takes, and whether it can be done here."""

    vpc: Vpc
    calls: list[tuple[str, dict]] = field(default_factory=list)
    contents: list[tuple[str, int]] = field(default_factory=list)  # (what, how many)
    blockers: int = 0

    @classmethod
    def of(cls, vpc: Vpc) -> Teardown:
        plan = cls(vpc)
        plan.blockers = NetworkInterface.objects.filter(vpc=vpc).count()
        igw = vpc.internet_gateway_or_none()
        subnets = list(vpc.subnets.order_by("id"))
        tables = list(vpc.route_tables.exclude(associations__main=True).order_by("id"))
        acls = list(vpc.network_acls.filter(is_default=False).order_by("id"))
        groups = list(vpc.security_groups.exclude(group_name="default").order_by("id"))
        if igw is not None:
            gateway = {"InternetGatewayId": igw.resource_id}
            plan.calls += [
                ("DetachInternetGateway", gateway | {"VpcId": vpc.resource_id}),
                ("DeleteInternetGateway", gateway),
            ]
        plan.calls += [("DeleteSubnet", {"SubnetId": s.resource_id}) for s in subnets]
        plan.calls += [("DeleteRouteTable", {"RouteTableId": t.resource_id}) for t in tables]
        plan.calls += [("DeleteNetworkAcl", {"NetworkAclId": a.resource_id}) for a in acls]
        # Rules naming another group of the VPC would keep that group in use.
        crossing = (
            SecurityGroupRule.objects.filter(group__vpc=vpc, referenced_group__vpc=vpc)
            .exclude(referenced_group_id=F("group_id"))
            .select_related("group")
        )
        for rule in crossing:
            action = "RevokeSecurityGroupEgress" if rule.is_egress else "RevokeSecurityGroupIngress"
            params = {"GroupId": rule.group.resource_id, "SecurityGroupRuleIds": [rule.resource_id]}
            plan.calls.append((action, params))
        plan.calls += [("DeleteSecurityGroup", {"GroupId": g.resource_id}) for g in groups]
        plan.calls.append(("DeleteVpc", {"VpcId": vpc.resource_id}))
        plan.contents = [
            ("Internet gateway", 1 if igw else 0),
            ("Subnets", len(subnets)),
            ("Route tables", len(tables)),
            ("Network ACLs", len(acls)),
            ("Security groups", len(groups)),
        ]
        return plan


def _list_url(region: str) -> str:
    return reverse(
        "console:resource-list", kwargs={"region": region, "service": "vpc", "slug": "vpcs"}
    )


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


@console_view
@require_http_methods(["GET", "POST"])
def delete_vpc(request: HttpRequest, region: str) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    ids = [i for i in data.getlist("ids") if i]
    vpcs = list(
        Vpc.objects.visible_to(console_ctx(request, region))
        .filter(resource_id__in=ids)
        .order_by("id")
    )
    if not vpcs:
        messages.error(request, "Select at least one VPC first.")
        return _redirect(request, _list_url(region))
    plans = [Teardown.of(v) for v in vpcs]
    typed = data.get("confirmation", "").strip()
    if request.method == "GET" or typed != CONFIRM_WORD:
        context = {
            "plans": plans,
            "action_url": request.path,
            "back": _list_url(region),
            "typed_error": request.method == "POST",
            "blocked": any(p.blockers for p in plans),
            "breadcrumbs": breadcrumbs(request, ("Your VPCs", _list_url(region)), "Delete VPC"),
        }
        if request.htmx:
            return render(request, "vpc/delete_vpc.html", context)
        return render_console(request, "vpc/delete_vpc_page.html", context)
    for plan in plans:
        if plan.blockers:
            messages.error(
                request,
                f"DependencyViolation: {plan.vpc.resource_id} has {plan.blockers} network "
                "interface(s). Terminate its instances and delete its NAT gateways and "
                "network interfaces first.",
            )
            continue
        if all(
            call(request, region, "ec2", action, params) is not None
            for action, params in plan.calls
        ):
            messages.success(request, f"Successfully deleted {plan.vpc.resource_id}.")
    return _redirect(request, _list_url(region))
