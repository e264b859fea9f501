"""AttachVolume and DetachVolume: a volume attaches only to an instance in its own AZ
(EBS-01) and to one instance at a time unless io1/io2 Multi-Attach (EBS-02)."""

from __future__ import annotations

import re

from services.core import locks
from services.core.context import CallContext
from services.core.operations import operation
from services.ec2 import errors
from services.ec2.instances import get_instance
from services.ec2.models import VolumeAttachment
from services.ec2.volumes import get_volume

_DEVICE = re.compile(r"^(/dev/)?(sd[a-z]{1,2}\d{0,2}|xvd[a-z]{1,2}\d{0,2})$")
MULTI_ATTACH_LIMIT = 16


@operation("ec2", "AttachVolume")
def attach_volume(ctx: CallContext, params: dict) -> dict:
    # The instance before the volume (services.core.locks).
    instance = get_instance(ctx, params["InstanceId"], for_update=True)
    volume = get_volume(ctx, params["VolumeId"], for_update=True)
    device = params["Device"]
    if not _DEVICE.match(device):
        raise errors.InvalidParameterValue(
            f"Value ({device}) for parameter device is invalid. "
            f"{device} is not a valid EBS device name."
        )
    if instance.state not in ("running", "stopped"):
        raise errors.IncorrectState(
            f"Instance '{instance.resource_id}' is not 'running' or 'stopped'."
        )
    if volume.availability_zone != instance.availability_zone:
        raise errors.InvalidVolumeZoneMismatch(
            f"The volume '{volume.resource_id}' is not in the same availability zone as "
            f"instance '{instance.resource_id}'"
        )
    attached = list(volume.attachments.select_related("instance"))
    if volume.state == "in-use" and not volume.multi_attach_enabled:
        raise errors.VolumeInUse(f"{volume.resource_id} is already attached to an instance")
    if volume.state not in ("available", "in-use"):
        raise errors.IncorrectState(f"The volume '{volume.resource_id}' is not 'available'.")
    if any(a.instance_id == instance.pk for a in attached):
        raise errors.VolumeInUse(
            f"{volume.resource_id} is already attached to {instance.resource_id}"
        )
    if len(attached) >= MULTI_ATTACH_LIMIT:
        raise errors.AttachmentLimitExceeded(
            f"A Multi-Attach volume can be attached to at most {MULTI_ATTACH_LIMIT} instances."
        )
    if instance.volume_attachments.filter(device=device).exists():
        raise errors.InvalidParameterValue(
            f"Invalid value '{device}' for unixDevice. Attachment point {device} is already in use"
        )
    attachment = VolumeAttachment(
        account=ctx.account,
        region=ctx.region,
        volume=volume,
        instance=instance,
        device=device,
        delete_on_termination=False,  # EBS-03: only the launch's root volume goes by default
    )
    attachment.begin("attaching")
    volume.state = "in-use"
    volume.save(update_fields=["state"])
    ctx.touch(volume)
    return attachment.describe()


@operation("ec2", "DetachVolume")
def detach_volume(ctx: CallContext, params: dict) -> dict:
    volume = get_volume(ctx, params["VolumeId"], for_update=True)
    attachments = locks.rows(volume.attachments.select_related("instance"))
    if params.get("InstanceId"):
        instance = get_instance(ctx, params["InstanceId"])
        attachments = attachments.filter(instance=instance)
    if params.get("Device"):
        attachments = attachments.filter(device=params["Device"])
    found = list(attachments)
    if not found:
        raise errors.IncorrectState(f"Volume '{volume.resource_id}' is in the 'available' state.")
    if len(found) > 1:
        raise errors.InvalidParameterCombination(
            "The volume is attached to several instances: specify the instance to detach from."
        )
    (attachment,) = found
    instance = attachment.instance
    if (
        attachment.device == instance.root_device_name
        and instance.state not in ("stopped",)
        and not params.get("Force")
    ):
        raise errors.OperationNotPermitted(
            f"Unable to detach root volume '{volume.resource_id}' from instance "
            f"'{instance.resource_id}'"
        )
    if attachment.state != "detaching":
        attachment.begin("detaching")
    ctx.touch(volume)
    return attachment.describe()
