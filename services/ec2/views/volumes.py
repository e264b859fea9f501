"""Volumes > Actions > Attach volume: instances of the volume's own AZ only (EBS-01)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from services.core.views.base import call, console_ctx, console_view
from services.ec2 import resources
from services.ec2.forms import AttachVolumeForm
from services.ec2.models import Volume
from services.ec2.views.common import (
    back_url,
    done,
    list_url,
    modal,
    nothing_selected,
    selected_ids,
)


@console_view
@require_http_methods(["GET", "POST"])
def attach_modal(request: HttpRequest, region: str) -> HttpResponse:
    ctx = console_ctx(request, region)
    back = back_url(request, list_url(region, "volumes"))
    volume = Volume.objects.visible_to(ctx).filter(resource_id__in=selected_ids(request)).first()
    if volume is None:
        return nothing_selected(request, "a volume", back)
    form = AttachVolumeForm(
        request.POST if request.method == "POST" else None,
        ctx=ctx,
        zone=volume.availability_zone,
    )
    if request.method == "POST" and form.is_valid():
        params = {"VolumeId": volume.resource_id, **form.cleaned_data}
        if call(request, region, "ec2", "AttachVolume", params) is not None:
            messages.success(
                request,
                f"Successfully attached volume {volume.resource_id} to "
                f"{form.cleaned_data['InstanceId']}.",
            )
            return done(request, back)
    context = {
        "rt": resources.VOLUMES,
        "volume": volume,
        "form": form,
        "action_url": request.path,
        "back": back,
        "list_url": list_url(region, "volumes"),
    }
    return modal(request, "ec2/modal_attach.html", context, title="Attach volume")
