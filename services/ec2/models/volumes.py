"""EC2 resources held in PostgreSQL."""

from __future__ import annotations

from django.db import models

from services.core.errors import AwsError
from services.core.lifecycle import Lifecycle, LifecycleResource


class Volume(LifecycleResource):
    """An EBS volume: zonal (EBS-01), creating -> available, deleting -> gone."""

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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gte=1, size__lte=65536), name="volume_size_range"
            ),
        ]

    @classmethod
    def not_found(cls, volume_id: str) -> AwsError:
        return AwsError("InvalidVolume.NotFound", f"The volume '{volume_id}' does not exist.")

    @property
    def size_label(self) -> str:
        return f"{self.size} GiB"

    @property
    def encryption_label(self) -> str:
        return "Encrypted" if self.encrypted else "Not encrypted"

    def on_enter(self, state: str) -> None:
        if state == "deleted":
            self.delete()

    def describe(self) -> dict:
        """The EC2 `Volume` shape."""
        data = {
            "VolumeId": self.resource_id,
            "Size": self.size,
            "AvailabilityZone": self.availability_zone,
            "State": self.state,
            "CreateTime": self.created_at,
            "VolumeType": self.volume_type,
            "Encrypted": self.encrypted,
            "SnapshotId": self.snapshot_id,
            "MultiAttachEnabled": self.multi_attach_enabled,
            "Attachments": [],
        }
        if self.iops is not None:
            data["Iops"] = self.iops
        if self.throughput is not None:
            data["Throughput"] = self.throughput
        if self.tags:
            data["Tags"] = self.tag_list()
        return data
