"""CreateImage: an AMI from an instance's volumes (EC2-15), with a snapshot of each."""

from __future__ import annotations

from django.utils import timezone

from services.core import describe, ids
from services.core.context import CallContext
from services.core.operations import operation
from services.ec2 import errors
from services.ec2.images import check_name
from services.ec2.instances import get_instance
from services.ec2.models import Image
from services.ec2.snapshots import take_snapshot


@operation("ec2", "CreateImage")
def create_image(ctx: CallContext, params: dict) -> dict:
    instance = get_instance(ctx, params["InstanceId"], for_update=True)
    if instance.state not in ("running", "stopped"):
        raise errors.IncorrectInstanceState(
            f"Instance '{instance.resource_id}' is not in a valid state for this operation: "
            f"{instance.state}"
        )
    name = params["Name"]
    check_name(ctx, name)
    image_id = ids.resource_id("ami")
    snapshot_tags = describe.tags_from_specifications(params, "snapshot")
    overrides = {m.get("DeviceName"): m for m in params.get("BlockDeviceMappings") or []}
    mappings = []
    attachments = instance.volume_attachments.select_related("volume").order_by("device")
    for attachment in sorted(attachments, key=lambda a: a.device != instance.root_device_name):
        override = overrides.get(attachment.device, {})
        if "NoDevice" in override and attachment.device != instance.root_device_name:
            continue
        volume = attachment.volume
        snapshot = take_snapshot(
            ctx,
            volume,
            f"Created by CreateImage({instance.resource_id}) for {image_id}",
            snapshot_tags,
        )
        ebs = {
            "DeleteOnTermination": attachment.device == instance.root_device_name
            or attachment.delete_on_termination,
            "SnapshotId": snapshot.resource_id,
            "VolumeSize": volume.size,
            "VolumeType": volume.volume_type,
            "Encrypted": volume.encrypted,
        }
        if volume.volume_type in ("io1", "io2", "gp3") and volume.iops:
            ebs["Iops"] = volume.iops
        if volume.throughput:
            ebs["Throughput"] = volume.throughput
        ebs.update({k: v for k, v in (override.get("Ebs") or {}).items() if k != "SnapshotId"})
        mappings.append({"DeviceName": attachment.device, "Ebs": ebs})
    image = Image(
        resource_id=image_id,
        account=ctx.account,
        region=ctx.region,
        image_name=name,
        description=params.get("Description", ""),
        architecture=instance.architecture,
        platform=instance.platform,
        platform_details=instance.platform_details,
        usage_operation=instance.usage_operation,
        root_device_name=instance.root_device_name,
        boot_mode=instance.boot_mode,
        block_device_mappings=mappings,
        source_instance_id=instance.resource_id,
        tags=describe.tags_from_specifications(params, "image"),
    )
    image.begin("pending")
    if instance.state == "running" and not params.get("NoReboot"):
        # Without NoReboot, AWS reboots the instance for a consistent file system.
        instance.boot_count += 1
        instance.last_boot_at = timezone.now()
        instance.save(update_fields=["boot_count", "last_boot_at"])
    ctx.touch(image)
    return {"ImageId": image.resource_id}
