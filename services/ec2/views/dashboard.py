"""The EC2 dashboard: resource counts and the "Launch instance" button."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from services.core import regions, registry
from services.core.views.base import console_ctx, console_view, render_console
from services.core.views.tables import resource_url
from services.ec2.models import Image, Instance, KeyPair, Snapshot, Volume
from services.ec2.views.common import list_url
from services.vpc.models import Address, SecurityGroup, Vpc


def _vpc_url(region: str, slug: str) -> str:
    rt = registry.resource_type("vpc", slug)
    return resource_url("resource-list", region, rt) if rt else ""


@console_view
def home(request: HttpRequest, region: str) -> HttpResponse:
    ctx = console_ctx(request, region)
    instances = Instance.objects.visible_to(ctx).exclude(state="gone")
    counts = [
        ("Instances (running)", instances.filter(state="running").count(),
         list_url(region, "instances") + "?filter=running"),
        ("Instances (all states)", instances.count(), list_url(region, "instances")),
        ("Key pairs", KeyPair.objects.visible_to(ctx).count(), list_url(region, "key-pairs")),
        ("Volumes", Volume.objects.visible_to(ctx).count(), list_url(region, "volumes")),
        ("Snapshots", Snapshot.objects.visible_to(ctx).count(), list_url(region, "snapshots")),
        ("AMIs", Image.objects.visible_to(ctx).count(), list_url(region, "amis")),
        ("Security groups", SecurityGroup.objects.visible_to(ctx).count(),
         _vpc_url(region, "security-groups")),
        ("Elastic IPs", Address.objects.visible_to(ctx).count(), _vpc_url(region, "elastic-ips")),
        ("Placement groups", 0, ""),
        ("Load balancers", 0, ""),
    ]  # fmt: skip
    default_vpc = Vpc.objects.visible_to(ctx).filter(is_default=True).first()
    context = {
        "counts": counts,
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
