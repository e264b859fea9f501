"""The Launch instance page: one long form and a summary, then RunInstances (after
creating the security group the page was asked to make, as the AWS console does)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from services.core.views.access import list_denied, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    client_ip,
    console_ctx,
    console_view,
    render_console,
)
from services.ec2 import ami_catalog
from services.ec2.forms import EXTRA_TAGS, EXTRA_VOLUMES, LaunchForm
from services.ec2.models import Instance
from services.ec2.resources import INSTANCES
from services.ec2.views.common import list_url

_LOGOS = {
    "Amazon Linux": "aws",
    "macOS": "Mac",
    "Ubuntu": "Ub",
    "Windows": "Win",
    "Red Hat": "RH",
    "SUSE Linux": "SU",
    "Debian": "De",
}


def _tiles(region: str) -> list[dict]:
    tiles = []
    for os_name in ami_catalog.QUICK_START:
        first = ami_catalog.images_for(os_name)[0]
        tiles.append(
            {
                "os": os_name,
                "image_id": first.image_id(region),
                "slug": os_name.lower().replace(" ", "-"),
                "logo": _LOGOS[os_name],
            }
        )
    return tiles


def _create_group(request: HttpRequest, region: str, form: LaunchForm) -> str | None:
    """The security group the page creates, with its inbound rules; None on an error
    (shown as a flashbar)."""
    data = form.cleaned_data
    created = call(
        request,
        region,
        "ec2",
        "CreateSecurityGroup",
        {
            "GroupName": data["group_name"],
            "Description": data.get("group_description") or data["group_name"],
            "VpcId": data["VpcId"],
        },
    )
    if created is None:
        return None
    group_id = created["GroupId"]
    permissions = form.ingress_permissions()
    if permissions:
        done = call(
            request,
            region,
            "ec2",
            "AuthorizeSecurityGroupIngress",
            {"GroupId": group_id, "IpPermissions": permissions},
        )
        if done is None:
            return None
    return group_id


@console_view
@require_http_methods(["GET", "POST"])
def launch(request: HttpRequest, region: str) -> HttpResponse:
    ctx = console_ctx(request, region)
    form = LaunchForm(
        request.POST or None,
        ctx=ctx,
        client_ip=client_ip(request),
        initial={"ImageId": request.GET.get("ami", "")} if request.GET.get("ami") else None,
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["firewall"] == "create":
            group_id = _create_group(request, region, form)
            groups = [group_id] if group_id else None
        else:
            groups = list(form.cleaned_data["SecurityGroupIds"])
        if groups is not None:
            result = call(request, region, "ec2", "RunInstances", form.run_params(groups))
            if result is not None:
                ids = [i["InstanceId"] for i in result["Instances"]]
                target = reverse("ec2:launch-success", kwargs={"region": region})
                return HttpResponseRedirect(f"{target}?ids={','.join(ids)}")
    context = {
        "form": form,
        "tiles": _tiles(region),
        "tag_rows": [
            (form[f"tag_key_{n}"], form[f"tag_value_{n}"]) for n in range(1, EXTRA_TAGS + 1)
        ],
        "volume_rows": [
            (form[f"volume_{n}_device"], form[f"volume_{n}_size"], form[f"volume_{n}_type"])
            for n in range(1, EXTRA_VOLUMES + 1)
        ],
        "key_pair_url": list_url(region, "key-pairs")
        + "create/?next="
        + reverse("ec2:launch", kwargs={"region": region}),
        "instance_types_url": reverse("ec2:instance-types", kwargs={"region": region}),
        "cancel_url": list_url(region, "instances"),
        "breadcrumbs": breadcrumbs(
            request, Crumb("Instances", list_url(region, "instances")), "Launch an instance"
        ),
    }
    return render_console(request, "ec2/launch.html", context)


@console_view
def launch_success(request: HttpRequest, region: str) -> HttpResponse:
    wanted = [i for i in request.GET.get("ids", "").split(",") if i]
    refused = list_denied(request, region, INSTANCES)
    if refused:
        crumb = Crumb("Instances", list_url(region, "instances"))
        return render_denied(request, refused, title="Launch an instance", crumbs=(crumb,))
    instances = list(
        Instance.objects.visible_to(console_ctx(request, region))
        .filter(resource_id__in=wanted)
        .order_by("ami_launch_index")
    )
    if not instances:
        messages.error(request, "There is no launch to show.")
        return HttpResponseRedirect(list_url(region, "instances"))
    context = {
        "instances": [(i, list_url(region, "instances") + f"{i.resource_id}/") for i in instances],
        "instances_url": list_url(region, "instances"),
        "launch_url": reverse("ec2:launch", kwargs={"region": region}),
        "breadcrumbs": breadcrumbs(
            request,
            Crumb("Instances", list_url(region, "instances")),
            Crumb("Launch an instance", reverse("ec2:launch", kwargs={"region": region})),
            "Success",
        ),
    }
    return render_console(request, "ec2/launch_success.html", context)


@console_view
def create_redirect(request: HttpRequest, region: str) -> HttpResponse:
    """The instance table's create button leads to the Launch instance page."""
    return HttpResponseRedirect(reverse("ec2:launch", kwargs={"region": region}))
