"""The VPC console's edit pages: routes and subnet associations of a route table, and
the inbound or outbound rules of a security group. Each save works out what changed and
runs the operations AWS's console runs for it (CreateRoute, ReplaceRoute, DeleteRoute;
AssociateRouteTable, ReplaceRouteTableAssociation, DisassociateRouteTable;
AuthorizeSecurityGroup*, RevokeSecurityGroup*). Nothing after a failed call runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from services.core import registry
from services.core.views.access import detail_denied, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
)
from services.vpc import rule_types
from services.vpc.models import (
    InternetGateway,
    NatGateway,
    NetworkInterface,
    RouteTable,
    RouteTableAssociation,
    SecurityGroup,
)


def _detail_url(region: str, slug: str, resource_id: str, tab: str = "") -> str:
    url = reverse(
        "console:resource-detail",
        kwargs={"region": region, "service": "vpc", "slug": slug, "resource_id": resource_id},
    )
    return f"{url}?tab={tab}" if tab else url


def _list_url(region: str, slug: str) -> str:
    return reverse(
        "console:resource-list", kwargs={"region": region, "service": "vpc", "slug": slug}
    )


def _refused(request: HttpRequest, region: str, model: type, resource_id: str):
    """The denied page of an edit page whose resource the principal may not describe
    (an edit page shows the resource's routes or rules), else None."""
    rt = next(t for t in registry.resource_types("vpc") if t.model is model)
    refused = detail_denied(request, region, rt, resource_id)
    if refused is None:
        return None
    crumb = Crumb(rt.label_plural, _list_url(region, rt.slug))
    return render_denied(request, refused, title=resource_id, crumbs=(crumb,))


def _get(request: HttpRequest, region: str, model: type, resource_id: str):
    obj = (
        model.objects.visible_to(console_ctx(request, region))
        .filter(resource_id=resource_id)
        .first()
    )
    if obj is None:
        raise Http404(resource_id)
    return obj


def _run(request: HttpRequest, region: str, calls: list[tuple[str, dict]]) -> bool:
    """Run the calls in order; stop at the first AWS error (shown as a flashbar)."""
    for action, params in calls:
        if call(request, region, "ec2", action, params) is None:
            return False
    return True


# --- route tables ---------------------------------------------------------------------------


def _targets(table: RouteTable) -> list[tuple[str, str]]:
    """What a route of this table may point at, as (id, label)."""
    options = []
    for igw in InternetGateway.objects.filter(vpc_id=table.vpc_id):
        options.append((igw.resource_id, f"Internet gateway {igw.resource_id}"))
    for nat in NatGateway.objects.filter(vpc_id=table.vpc_id, state__in=["pending", "available"]):
        options.append((nat.resource_id, f"NAT gateway {nat.resource_id}"))
    for eni in NetworkInterface.objects.filter(vpc_id=table.vpc_id, requester_managed=False):
        options.append((eni.resource_id, f"Network interface {eni.resource_id}"))
    return options


def _target_param(target: str) -> dict:
    if target.startswith("igw-"):
        return {"GatewayId": target}
    if target.startswith("nat-"):
        return {"NatGatewayId": target}
    return {"NetworkInterfaceId": target}


@console_view
@require_http_methods(["GET", "POST"])
def edit_routes(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    if (refused := _refused(request, region, RouteTable, resource_id)) is not None:
        return refused
    table = _get(request, region, RouteTable, resource_id)
    routes = list(table.routes.all())
    current = {r.destination_cidr_block: r.target for r in routes if not r.is_local}
    if request.method == "POST":
        wanted: dict[str, str] = {}
        for dest, target in zip(
            request.POST.getlist("destination"), request.POST.getlist("target"), strict=False
        ):
            if dest.strip():
                wanted[dest.strip()] = target
        calls = [
            ("DeleteRoute", {"RouteTableId": resource_id, "DestinationCidrBlock": dest})
            for dest in current
            if dest not in wanted
        ]
        for dest, target in wanted.items():
            base = {"RouteTableId": resource_id, "DestinationCidrBlock": dest}
            if dest not in current:
                calls.append(("CreateRoute", base | _target_param(target)))
            elif current[dest] != target:
                calls.append(("ReplaceRoute", base | _target_param(target)))
        if _run(request, region, calls):
            messages.success(request, f"Updated routes for {resource_id} successfully.")
            return HttpResponseRedirect(_detail_url(region, "route-tables", resource_id, "routes"))
        rows = [{"destination": d, "target": t} for d, t in wanted.items()]
    else:
        rows = [{"destination": d, "target": t} for d, t in current.items()]
    context = {
        "table": table,
        "local_routes": [r for r in routes if r.is_local],
        "rows": rows,
        "targets": _targets(table),
        "cancel_url": _detail_url(region, "route-tables", resource_id, "routes"),
        "breadcrumbs": breadcrumbs(
            request,
            ("Route tables", _list_url(region, "route-tables")),
            (resource_id, _detail_url(region, "route-tables", resource_id)),
            "Edit routes",
        ),
    }
    return render_console(request, "vpc/edit_routes.html", context)


@console_view
@require_http_methods(["GET", "POST"])
def edit_subnet_associations(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    if (refused := _refused(request, region, RouteTable, resource_id)) is not None:
        return refused
    table = _get(request, region, RouteTable, resource_id)
    subnets = list(table.vpc.subnets.order_by("cidr_block"))
    associations = {
        a.subnet_id: a
        for a in RouteTableAssociation.objects.filter(vpc_id=table.vpc_id, subnet__isnull=False)
    }
    mine = {sid for sid, a in associations.items() if a.route_table_id == table.pk}
    if request.method == "POST":
        chosen = set(request.POST.getlist("subnet"))
        calls = []
        for subnet in subnets:
            assoc = associations.get(subnet.pk)
            if subnet.resource_id in chosen and subnet.pk not in mine:
                if assoc is not None:
                    calls.append(
                        (
                            "ReplaceRouteTableAssociation",
                            {"AssociationId": assoc.association_id, "RouteTableId": resource_id},
                        )
                    )
                else:
                    calls.append(
                        (
                            "AssociateRouteTable",
                            {"RouteTableId": resource_id, "SubnetId": subnet.resource_id},
                        )
                    )
            elif subnet.resource_id not in chosen and subnet.pk in mine:
                calls.append(("DisassociateRouteTable", {"AssociationId": assoc.association_id}))
        if _run(request, region, calls):
            messages.success(
                request, f"You have successfully updated subnet associations for {resource_id}."
            )
            return HttpResponseRedirect(
                _detail_url(region, "route-tables", resource_id, "associations")
            )
    rows = []
    for subnet in subnets:
        assoc = associations.get(subnet.pk)
        current = assoc.route_table.resource_id if assoc else "Main"
        rows.append({"subnet": subnet, "checked": subnet.pk in mine, "current": current})
    context = {
        "table": table,
        "rows": rows,
        "cancel_url": _detail_url(region, "route-tables", resource_id, "associations"),
        "breadcrumbs": breadcrumbs(
            request,
            ("Route tables", _list_url(region, "route-tables")),
            (resource_id, _detail_url(region, "route-tables", resource_id)),
            "Edit subnet associations",
        ),
    }
    return render_console(request, "vpc/edit_subnet_associations.html", context)


# --- security group rules -----------------------------------------------------------------


def _rule_row(rule) -> dict:
    return {
        "id": rule.resource_id,
        "type": rule_types.key_of(rule.ip_protocol, rule.from_port, rule.to_port),
        "ports": (
            ""
            if rule.ip_protocol == "-1"
            else str(rule.from_port)
            if rule.from_port == rule.to_port
            else f"{rule.from_port}-{rule.to_port}"
        ),
        "peer": rule.peer_label,
        "description": rule.description,
    }


def _permission(row: dict) -> dict:
    """The IpPermissions entry of one edited row; raises ValueError with the problem."""
    kind = rule_types.BY_KEY.get(row["type"])
    if kind is None:
        raise ValueError(f"Unknown rule type {row['type']!r}.")
    if kind.from_port is None:
        low, high = rule_types.parse_ports(row["ports"])
    else:
        low, high = kind.from_port, kind.to_port
    perm: dict = {"IpProtocol": kind.protocol}
    if kind.protocol != "-1":
        perm.update(FromPort=low, ToPort=high)
    peer = row["peer"].strip()
    if not peer:
        raise ValueError("Every rule needs a source or destination.")
    item = {"Description": row["description"]} if row["description"] else {}
    if peer.startswith("sg-"):
        perm["UserIdGroupPairs"] = [{"GroupId": peer, **item}]
    else:
        perm["IpRanges"] = [{"CidrIp": peer, **item}]
    return perm


def _same(perm: dict, rule) -> bool:
    ranges = perm.get("IpRanges") or [{}]
    pairs = perm.get("UserIdGroupPairs") or [{}]
    return (
        perm["IpProtocol"] == rule.ip_protocol
        and perm.get("FromPort", -1) == rule.from_port
        and perm.get("ToPort", -1) == rule.to_port
        and ranges[0].get("CidrIp") == rule.cidr_ipv4
        and pairs[0].get("GroupId")
        == (rule.referenced_group.resource_id if rule.referenced_group_id else None)
    )


def _edit_rules(request: HttpRequest, region: str, resource_id: str, egress: bool) -> HttpResponse:
    if (refused := _refused(request, region, SecurityGroup, resource_id)) is not None:
        return refused
    group = _get(request, region, SecurityGroup, resource_id)
    rules = list(group.rules.filter(is_egress=egress).select_related("referenced_group"))
    direction = "outbound" if egress else "inbound"
    suffix = "Egress" if egress else "Ingress"
    if request.method == "POST":
        post = request.POST
        rows = [
            {"id": i, "type": t, "ports": p, "peer": s, "description": d}
            for i, t, p, s, d in zip(
                post.getlist("rule_id"),
                post.getlist("type"),
                post.getlist("ports"),
                post.getlist("peer"),
                post.getlist("description"),
                strict=False,
            )
        ]
        try:
            wanted = [_permission(r) for r in rows if r["peer"].strip() or r["ports"].strip()]
        except ValueError as exc:
            messages.error(request, f"InvalidParameterValue: {exc}")
            wanted = None
        if wanted is not None:
            keep = [r for r in rules if any(_same(p, r) for p in wanted)]
            new = [p for p in wanted if not any(_same(p, r) for r in rules)]
            gone = [r.resource_id for r in rules if r not in keep]
            calls = []
            if new:
                calls.append(
                    (
                        f"AuthorizeSecurityGroup{suffix}",
                        {"GroupId": resource_id, "IpPermissions": new},
                    )
                )
            if gone:
                calls.append(
                    (
                        f"RevokeSecurityGroup{suffix}",
                        {"GroupId": resource_id, "SecurityGroupRuleIds": gone},
                    )
                )
            if _run(request, region, calls):
                messages.success(
                    request,
                    f"{direction.capitalize()} security group rules successfully modified on "
                    f"security group ({resource_id}).",
                )
                return HttpResponseRedirect(
                    _detail_url(region, "security-groups", resource_id, direction)
                )
    else:
        rows = [_rule_row(r) for r in rules]
    context = {
        "group": group,
        "rows": rows,
        "direction": direction,
        "peer_label": "Destination" if egress else "Source",
        "rule_types": rule_types.RULE_TYPES,
        "cancel_url": _detail_url(region, "security-groups", resource_id, direction),
        "breadcrumbs": breadcrumbs(
            request,
            ("Security groups", _list_url(region, "security-groups")),
            (resource_id, _detail_url(region, "security-groups", resource_id)),
            f"Edit {direction} rules",
        ),
    }
    return render_console(request, "vpc/edit_rules.html", context)


@console_view
@require_http_methods(["GET", "POST"])
def edit_inbound_rules(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    return _edit_rules(request, region, resource_id, egress=False)


@console_view
@require_http_methods(["GET", "POST"])
def edit_outbound_rules(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    return _edit_rules(request, region, resource_id, egress=True)
