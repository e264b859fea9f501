"""EBS volume operations: CreateVolume, DeleteVolume, DescribeVolumes."""

from __future__ import annotations

from services.core import describe, filters, lookups, regions
from services.core.context import CallContext
from services.core.errors import missing_parameter
from services.core.operations import operation
from services.ec2 import enums, errors
from services.ec2.models import Volume, VolumeAttachment
from services.ec2.models.volumes import VOLUME_FIELDS, describe_row

# EBS-04: size limits per volume type, in GiB; one per value of the model's VolumeType
# (enums.VOLUME_TYPES; tests/ec2/test_enums.py holds them equal).
SIZE_LIMITS = {
    "gp2": (1, 16384),
    "gp3": (1, 16384),
    "io1": (4, 16384),
    "io2": (4, 16384),
    "st1": (125, 16384),
    "sc1": (125, 16384),
    "standard": (1, 1024),
}
IOPS_TYPES = {"io1", "io2", "gp3"}

FILTERS = filters.Spec(
    "DescribeVolumes",
    {
        "volume-id": "resource_id",
        "status": "state",
        "availability-zone": "availability_zone",
        "volume-type": "volume_type",
        "size": "size",
        "encrypted": "encrypted",
        "snapshot-id": "snapshot_id",
        # Hot: the AWS CLI tutorial's way of finding an instance's volumes.
        "attachment.instance-id": describe.through(
            VolumeAttachment, "volume_id", "instance__resource_id"
        ),
    },
    aliases={"attachment.status": ("Attachments", "State")},
    rows=lambda qs: qs.values(*VOLUME_FIELDS),
    items=lambda rows: items(rows),
)


def get_volume(ctx: CallContext, volume_id: str, *, for_update: bool = False) -> Volume:
    return lookups.get(ctx, Volume, volume_id, for_update=for_update)


def check_size(volume_type: str, size: int) -> None:
    low, high = SIZE_LIMITS[volume_type]
    if size < low:
        raise errors.InvalidParameterValue(
            f"Volume of size {size}GiB is too small; minimum is {low}GiB ({volume_type})."
        )
    if size > high:
        raise errors.InvalidParameterValue(
            f"Volume of {size}GiB is too large for volume type {volume_type}; maximum is {high}GiB"
        )


def default_iops(volume_type: str, size: int, iops: int | None) -> int | None:
    if volume_type in ("io1", "io2"):
        if iops is None:
            raise missing_parameter("iops")
        return iops
    if iops is not None and volume_type not in IOPS_TYPES:
        raise errors.InvalidParameterCombination(
            f"The parameter iops is not supported for {volume_type} volumes."
        )
    if volume_type == "gp3":
        return iops or 3000
    if volume_type == "gp2":
        return max(100, min(16000, 3 * size))
    return None


@operation("ec2", "CreateVolume")
def create_volume(ctx: CallContext, params: dict) -> dict:
    zone_name = params.get("AvailabilityZone")
    if not zone_name:
        raise missing_parameter("AvailabilityZone")
    zone = regions.zone(zone_name)
    if zone is None or zone.region != ctx.region:
        raise errors.InvalidZoneNotFound(f"The zone '{zone_name}' does not exist.")
    volume_type = params.get("VolumeType", "gp2")
    if volume_type not in enums.VOLUME_TYPES:
        raise errors.InvalidParameterValue(
            f"Value ({volume_type}) for parameter volumeType is invalid. "
            f"Valid values are: {', '.join(SIZE_LIMITS)}"
        )
    size = params.get("Size")
    snapshot = None
    if params.get("SnapshotId"):
        from services.ec2.snapshots import get_snapshot

        # EBS-05: a snapshot makes a volume in any AZ of its region.
        snapshot = get_snapshot(ctx, params["SnapshotId"])
        if snapshot.state != "completed":
            raise errors.IncorrectState(f"Snapshot is in invalid state - {snapshot.state}")
        if size is None:
            size = snapshot.volume_size
        elif size < snapshot.volume_size:
            raise errors.InvalidParameterValue(
                f"Volume of size {size}GiB is smaller than snapshot "
                f"'{snapshot.resource_id}', expect size >= {snapshot.volume_size}GiB"
            )
    if size is None:
        raise missing_parameter("size")
    check_size(volume_type, size)
    throughput = params.get("Throughput")
    if throughput is not None and volume_type != "gp3":
        raise errors.InvalidParameterCombination(
            f"The parameter throughput is not supported for {volume_type} volumes."
        )
    volume = Volume(
        account=ctx.account,
        region=ctx.region,
        availability_zone=zone_name,
        size=size,
        volume_type=volume_type,
        iops=default_iops(volume_type, size, params.get("Iops")),
        throughput=(throughput or 125) if volume_type == "gp3" else None,
        # EBS-06: a volume from an encrypted snapshot is encrypted.
        encrypted=bool(params.get("Encrypted")) or bool(snapshot and snapshot.encrypted),
        snapshot_id=snapshot.resource_id if snapshot else "",
        multi_attach_enabled=bool(params.get("MultiAttachEnabled")),
        tags=describe.tags_from_specifications(params, "volume"),
    )
    volume.begin("creating")
    ctx.touch(volume)
    return volume.describe()


@operation("ec2", "DeleteVolume")
def delete_volume(ctx: CallContext, params: dict) -> dict:
    volume = get_volume(ctx, params["VolumeId"], for_update=True)
    if volume.state == "in-use":
        raise errors.VolumeInUse(f"Volume {volume.resource_id} is currently attached.")
    if volume.state != "deleting":
        volume.begin("deleting")
    ctx.touch(volume)
    return {}


@operation("ec2", "DescribeVolumes")
def describe_volumes(ctx: CallContext, params: dict) -> dict:
    qs, named = describe.named_ids(
        Volume.objects.visible_to(ctx), Volume, params.get("VolumeIds"), params
    )
    qs = describe.apply_filters(qs, params.get("Filters"), FILTERS)
    rows, token = describe.paginate(
        qs.values(*VOLUME_FIELDS), params.get("MaxResults"), params.get("NextToken")
    )
    describe.require_ids(rows, named, Volume)
    result: dict = {"Volumes": items(rows)}
    if token:
        result["NextToken"] = token
    return result


def items(rows: list[dict]) -> list[dict]:
    """The EC2 `Volume` shapes of plain volume rows, with their attachments read in one
    query for all of them: no model object per row (the page read an Instance per
    attachment before)."""
    attached: dict[int, list[tuple]] = {}
    if rows:
        found = VolumeAttachment.objects.filter(volume_id__in=[r["pk"] for r in rows])
        for volume_id, *fields in found.order_by("pk").values_list(
            "volume_id", "created_at", "device", "instance__resource_id", "state",
            "delete_on_termination",
        ):  # fmt: skip
            attached.setdefault(volume_id, []).append(tuple(fields))
    return [describe_row(r, attached.get(r["pk"], [])) for r in rows]
