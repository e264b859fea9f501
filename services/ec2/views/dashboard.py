"""The EC2 dashboard: resource counts and the "Launch instance" button."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from services.core import regions, registry
from services.core.views.access import counted, list_denied
from services.core.views.base import console_ctx, console_view, render_console
from services.core.views.tables import resource_url
from services.ec2 import resources
from services.ec2.models import Image, Instance, KeyPair, Snapshot, Volume
from services.ec2.views.common import list_url
from services.vpc.network import Address, SecurityGroup, Vpc


def _vpc_url(region: str, slug: str) -> str:
    rt = registry.resource_type("vpc", slug)
    return resource_url("resource-list", region, rt) if rt else ""


@console_view
def home(request: HttpRequest, region: str) -> HttpResponse:
    ctx = console_ctx(request, region)
    instances = Instance.objects.visible_to(ctx).exclude(state="gone")
    tiles = [
        ("Instances (running)", resources.INSTANCES, instances.filter(state="running"),
         list_url(region, "instances") + "?filter=running"),
        ("Instances (all states)", resources.INSTANCES, instances, list_url(region, "instances")),
        ("Key pairs", resources.KEY_PAIRS, KeyPair.objects.visible_to(ctx),
         list_url(region, "key-pairs")),
        ("Volumes", resources.VOLUMES, Volume.objects.visible_to(ctx), list_url(region, "volumes")),
        ("Snapshots", resources.SNAPSHOTS, Snapshot.objects.visible_to(ctx),
         list_url(region, "snapshots")),
        ("AMIs", resources.IMAGES, Image.objects.visible_to(ctx), list_url(region, "amis")),
        ("Security groups", registry.resource_type("vpc", "security-groups"),
         SecurityGroup.objects.visible_to(ctx), _vpc_url(region, "security-groups")),
        ("Elastic IPs", registry.resource_type("vpc", "elastic-ips"),
         Address.objects.visible_to(ctx), _vpc_url(region, "elastic-ips")),
    ]  # fmt: skip
    counts, denials = [], {}
    for label, rt, queryset, url in tiles:
        number, refused = counted(request, region, rt, queryset)
        if refused is not None:
            denials.setdefault(refused.action, refused)
        counts.append((label, "API Error" if refused else number, url))
    counts += [("Placement groups", 0, ""), ("Load balancers", 0, "")]
    vpcs = registry.resource_type("vpc", "vpcs")
    default_vpc = None
    if not list_denied(request, region, vpcs):
        default_vpc = Vpc.objects.visible_to(ctx).filter(is_default=True).first()
    context = {
        "counts": counts,
        "denials": list(denials.values()),
        "launch_url": reverse("ec2:launch", kwargs={"region": region}),
        "region": regions.get_region(region),
        "default_vpc": default_vpc,
        "zones": regions.get_region(region).zones,
    }
    return render_console(request, "ec2/home.html", context)


@console_view
def vpc_page(request: HttpRequest, region: str, slug: str) -> HttpResponse:
    """Security groups and Elastic IPs are VPC resources the EC2 console lists too."""
    url = _vpc_url(region, slug)
    if not url:
        raise Http404(slug)
    return HttpResponseRedirect(url)
