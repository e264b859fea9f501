"""EBS snapshots: CreateSnapshot, DescribeSnapshots, DeleteSnapshot, CopySnapshot."""

from __future__ import annotations

import re

from django.db.models import Q

from services.core import describe, filters, lookups
from services.core.context import CallContext
from services.core.operations import operation
from services.core.regions import is_region
from services.ec2 import errors
from services.ec2.models import Image, Snapshot, Volume
from services.ec2.volumes import get_volume

FILTERS = filters.Spec(
    "DescribeSnapshots",
    {
        "snapshot-id": "resource_id",
        "volume-id": "volume_id",
        "status": "state",
        "description": "description",
        "volume-size": "volume_size",
        "encrypted": "encrypted",
        "owner-id": "account_id",
        "storage-tier": lambda values: _tier(values),
    },
)

_ID = re.compile(r"^snap-[0-9a-f]{8}([0-9a-f]{9})?$")


def _tier(values: list[str]) -> Q:
    return Q() if "standard" in values else Q(pk__in=[])


def check_id(snapshot_id: str) -> None:
    if not _ID.match(snapshot_id or ""):
        raise errors.InvalidSnapshotIDMalformed(
            f'Invalid id: "{snapshot_id}" (expecting "snap-...")'
        )


def get_snapshot(ctx: CallContext, snapshot_id: str, *, for_update: bool = False) -> Snapshot:
    return lookups.get(ctx, Snapshot, snapshot_id, for_update=for_update, check=check_id)


def take_snapshot(
    ctx: CallContext, volume: Volume, description: str, tags: dict | None = None
) -> Snapshot:
    """A new pending snapshot of `volume` (CreateSnapshot, CreateImage)."""
    snapshot = Snapshot(
        account=ctx.account,
        region=ctx.region,
        volume_id=volume.resource_id,
        volume_size=volume.size,
        description=description,
        encrypted=volume.encrypted,  # EBS-06
        tags=tags or {},
    )
    snapshot.begin("pending")
    ctx.touch(snapshot)
    return snapshot


@operation("ec2", "CreateSnapshot")
def create_snapshot(ctx: CallContext, params: dict) -> dict:
    volume = get_volume(ctx, params["VolumeId"])
    if volume.state not in ("available", "in-use"):
        raise errors.IncorrectState(
            f"The volume '{volume.resource_id}' is not in a valid state for this operation: "
            f"{volume.state}"
        )
    tags = describe.tags_from_specifications(params, "snapshot")
    snapshot = take_snapshot(ctx, volume, params.get("Description", ""), tags)
    return snapshot.describe()


def _owner_q(owners: list[str], account_id: str) -> Q:
    q = Q(pk__in=[])
    for owner in owners:
        if owner in ("self", account_id):
            q |= Q(account_id=account_id)
        elif owner in ("amazon", "aws-marketplace"):
            continue  # Stratolab has no public snapshots
        elif not re.fullmatch(r"\d{12}", owner):
            raise errors.InvalidUserIDMalformed(f'Invalid user id: "{owner}"')
    return q


@operation("ec2", "DescribeSnapshots")
def describe_snapshots(ctx: CallContext, params: dict) -> dict:
    qs = Snapshot.objects.visible_to(ctx)
    qs = lookups.only_ids(qs, Snapshot, params.get("SnapshotIds"), check=check_id)
    if params.get("OwnerIds"):
        qs = qs.filter(_owner_q(params["OwnerIds"], ctx.account.id))
    qs = describe.apply_filters(qs, params.get("Filters"), FILTERS)
    rows, token = describe.paginate(qs, params.get("MaxResults"), params.get("NextToken"))
    result: dict = {"Snapshots": [s.describe() for s in rows]}
    if token:
        result["NextToken"] = token
    return result


@operation("ec2", "DeleteSnapshot")
def delete_snapshot(ctx: CallContext, params: dict) -> dict:
    snapshot = get_snapshot(ctx, params["SnapshotId"], for_update=True)
    user = (
        Image.objects.visible_to(ctx)
        .filter(block_device_mappings__contains=[{"Ebs": {"SnapshotId": snapshot.resource_id}}])
        .first()
    )
    if user is not None:
        raise errors.InvalidSnapshotInUse(
            f"The snapshot {snapshot.resource_id} is currently in use by {user.resource_id}"
        )
    ctx.touch(snapshot)
    snapshot.delete()
    return {}


@operation("ec2", "CopySnapshot")
def copy_snapshot(ctx: CallContext, params: dict) -> dict:
    """EBS-05: snapshots are regional; copying one reaches another region."""
    source_region = params["SourceRegion"]
    if not is_region(source_region):
        raise errors.InvalidRegion(f"The region '{source_region}' does not exist.")
    source = get_snapshot(ctx.in_region(source_region), params["SourceSnapshotId"])
    if source.state != "completed":
        raise errors.IncorrectState(f"Snapshot is in invalid state - {source.state}")
    copy = Snapshot(
        account=ctx.account,
        region=ctx.region,
        volume_id="vol-ffffffff",  # a copy names no source volume, as on AWS
        volume_size=source.volume_size,
        description=params.get("Description")
        or f"[Copied {source.resource_id} from {source_region}] {source.description}".strip(),
        encrypted=source.encrypted or bool(params.get("Encrypted")),  # EBS-06
        source_region=source_region,
        source_snapshot_id=source.resource_id,
        tags=describe.tags_from_specifications(params, "snapshot"),
    )
    copy.begin("pending")
    ctx.touch(copy)
    return {"SnapshotId": copy.resource_id, "Tags": copy.tag_list()}
