"""EBS snapshots: point-in-time copies of a volume, regional (EBS-05)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from services.core.errors import AwsError
from services.core.lifecycle import Lifecycle, LifecycleResource
from services.ec2 import errors


class Snapshot(LifecycleResource):
    """A snapshot of a volume: pending -> completed. Encrypted volumes give encrypted
    snapshots (EBS-06)."""

    id_prefix = "snap"
    arn_format = "arn:aws:ec2:{region}::snapshot/{id}"
    cloudformation_type = "AWS::EC2::Snapshot"
    lifecycle = Lifecycle("ec2.snapshot", {"pending": "completed"})
    transitional_states = frozenset({"pending"})

    volume_id = models.CharField(max_length=32)  # the volume may be gone; the id stays
    volume_size = models.PositiveIntegerField()  # GiB
    description = models.CharField(max_length=255, blank=True, default="")
    encrypted = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Where a copy (CopySnapshot) came from.
    source_region = models.CharField(max_length=32, blank=True, default="")
    source_snapshot_id = models.CharField(max_length=32, blank=True, default="")

    @classmethod
    def not_found(cls, snapshot_id: str) -> AwsError:
        return errors.InvalidSnapshotNotFound(f"The snapshot '{snapshot_id}' does not exist.")

    @property
    def progress(self) -> str:
        """How far the copy is, as AWS reports it ("42%")."""
        if self.state == "completed":
            return "100%"
        if self.due_at is None or self.due_at <= self.state_changed_at:
            return "0%"
        total = (self.due_at - self.state_changed_at).total_seconds()
        done = (timezone.now() - self.state_changed_at).total_seconds()
        return f"{max(0, min(99, int(100 * done / total)))}%"

    @property
    def storage_tier(self) -> str:
        return "Standard"

    @property
    def size_label(self) -> str:
        return f"{self.volume_size} GiB"

    @property
    def encryption_label(self) -> str:
        return "Encrypted" if self.encrypted else "Not encrypted"

    def on_enter(self, state: str) -> None:
        if state == "completed":
            type(self).objects.filter(pk=self.pk).update(completed_at=timezone.now())

    def describe(self) -> dict:
        """The EC2 `Snapshot` shape."""
        data = {
            "SnapshotId": self.resource_id,
            "VolumeId": self.volume_id,
            "State": self.state,
            "StartTime": self.created_at,
            "Progress": self.progress,
            "OwnerId": self.account_id,
            "Description": self.description,
            "VolumeSize": self.volume_size,
            "Encrypted": self.encrypted,
            "StorageTier": "standard",
            "Tags": self.tag_list(),
        }
        if self.completed_at:
            data["CompletionTime"] = self.completed_at
        if self.encrypted:
            data["KmsKeyId"] = f"arn:aws:kms:{self.region}:{self.account_id}:alias/aws/ebs"
        return data
