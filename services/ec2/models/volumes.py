"""EC2 resources held in PostgreSQL."""

from __future__ import annotations

from django.db import models

from services.core import describe
from services.core.lifecycle import Lifecycle, LifecycleResource
from services.core.lookups import NotFound


class Volume(NotFound, LifecycleResource):
    """An EBS volume: zonal (EBS-01), creating -> available, deleting -> gone."""

    not_found_error = ("InvalidVolume.NotFound", "The volume '{id}' does not exist.")

    id_prefix = "vol"
    arn_format = "arn:aws:ec2:{region}:{account}:volume/{id}"
    cloudformation_type = "AWS::EC2::Volume"
    lifecycle = Lifecycle("ec2.volume", {"creating": "available", "deleting": "deleted"})

    availability_zone = models.CharField(max_length=32)
    size = models.PositiveIntegerField()  # GiB
    volume_type = models.CharField(max_length=16, default="gp3")
    iops = models.PositiveIntegerField(null=True, blank=True)
    throughput = models.PositiveIntegerField(null=True, blank=True)
    encrypted = models.BooleanField(default=False)
    snapshot_id = models.CharField(max_length=32, blank=True, default="")
    multi_attach_enabled = models.BooleanField(default=False)

    class Meta:
        indexes = [describe.tags_index("ec2_volume_tags_gin")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gte=1, size__lte=65536), name="volume_size_range"
            ),
        ]

    @property
    def size_label(self) -> str:
        return f"{self.size} GiB"

    @property
    def attached_label(self) -> str:
        """'i-0123... (web): /dev/xvda (attached)', as the console's column shows."""
        return ", ".join(
            f"{a.instance.resource_id}"
            + (f" ({a.instance.name})" if a.instance.name else "")
            + f": {a.device} ({a.state})"
            for a in self.attachments.select_related("instance").order_by("pk")
        )

    @property
    def encryption_label(self) -> str:
        return "Encrypted" if self.encrypted else "Not encrypted"

    def on_enter(self, state: str) -> None:
        if state == "deleted":
            self.delete()

    def _attachments(self) -> list:
        if "attachments" in getattr(self, "_prefetched_objects_cache", {}):
            # DescribeVolumes prefetched a page's attachments in one query.
            return sorted(self.attachments.all(), key=lambda a: a.pk)
        return list(self.attachments.select_related("instance").order_by("pk"))

    def describe(self) -> dict:
        """The EC2 `Volume` shape."""
        row = {field: getattr(self, field) for field in VOLUME_FIELDS}
        attachments = [
            (a.created_at, a.device, a.instance.resource_id, a.state, a.delete_on_termination)
            for a in self._attachments()
        ]
        return describe_row(row, attachments)


# The columns describe_row reads (services.ec2.volumes selects them with values()).
VOLUME_FIELDS = (
    "pk", "resource_id", "size", "availability_zone", "state", "created_at", "volume_type",
    "encrypted", "snapshot_id", "multi_attach_enabled", "iops", "throughput", "tags",
)  # fmt: skip


def describe_row(r: dict, attachments: list[tuple]) -> dict:
    """The EC2 `Volume` shape of a volume row and its attachments, in id order, as
    (attach time, device, instance id, state, delete on termination)."""
    volume_id = r["resource_id"]
    data = {
        "VolumeId": volume_id,
        "Size": r["size"],
        "AvailabilityZone": r["availability_zone"],
        "State": r["state"],
        "CreateTime": r["created_at"],
        "VolumeType": r["volume_type"],
        "Encrypted": r["encrypted"],
        "SnapshotId": r["snapshot_id"],
        "MultiAttachEnabled": r["multi_attach_enabled"],
        "Attachments": [
            {
                "AttachTime": when,
                "Device": device,
                "InstanceId": instance_id,
                "State": state,
                "VolumeId": volume_id,
                "DeleteOnTermination": delete,
            }
            for when, device, instance_id, state, delete in attachments
        ],
    }
    if r["iops"] is not None:
        data["Iops"] = r["iops"]
    if r["throughput"] is not None:
        data["Throughput"] = r["throughput"]
    if r["tags"]:
        data["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(r["tags"].items())]
    return data


class VolumeAttachment(LifecycleResource):
    """A volume attached to an instance at a device name: attaching -> attached,
    detaching -> detached (and the row goes). Only io1/io2 Multi-Attach volumes have
    more than one (EBS-02)."""

    id_prefix = "vola"
    arn_format = ""  # not an AWS resource of its own: no id, no tags
    lifecycle = Lifecycle("ec2.attachment", {"attaching": "attached", "detaching": "detached"})
    transitional_states = frozenset({"attaching", "detaching"})

    volume = models.ForeignKey(Volume, on_delete=models.CASCADE, related_name="attachments")
    instance = models.ForeignKey(
        "ec2.Instance", on_delete=models.CASCADE, related_name="volume_attachments"
    )
    device = models.CharField(max_length=32)
    delete_on_termination = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance", "device"], name="attachment_device_unique"),
            models.UniqueConstraint(fields=["volume", "instance"], name="attachment_once_per_pair"),
        ]

    def on_enter(self, state: str) -> None:
        if state != "detached":
            return
        volume_id = self.volume_id
        self.delete()
        # The volume is free again when its last attachment has gone.
        if not VolumeAttachment.objects.filter(volume_id=volume_id).exists():
            Volume.objects.filter(pk=volume_id, state="in-use").update(state="available")

    def describe(self) -> dict:
        """The EC2 `VolumeAttachment` shape."""
        return {
            "AttachTime": self.created_at,
            "Device": self.device,
            "InstanceId": self.instance.resource_id,
            "State": self.state,
            "VolumeId": self.volume.resource_id,
            "DeleteOnTermination": self.delete_on_termination,
        }
