"""AMIs an account made (CreateImage, CopyImage); the public quick-start images are
static data in services.ec2.ami_catalog."""

from __future__ import annotations

from django.db import models

from services.core.errors import AwsError
from services.core.lifecycle import Lifecycle, LifecycleResource
from services.ec2 import errors


class Image(LifecycleResource):
    """A private AMI: pending -> available. Its volumes are snapshots in
    `block_device_mappings` (the EC2 `BlockDeviceMapping` shape, as registered)."""

    id_prefix = "ami"
    arn_format = "arn:aws:ec2:{region}::image/{id}"
    cloudformation_type = "AWS::EC2::Image"
    lifecycle = Lifecycle("ec2.image", {"pending": "available"})
    transitional_states = frozenset({"pending"})

    image_name = models.CharField(max_length=128)
    description = models.CharField(max_length=255, blank=True, default="")
    architecture = models.CharField(max_length=16, default="x86_64")
    platform = models.CharField(max_length=16, blank=True, default="")  # windows or empty
    platform_details = models.CharField(max_length=64, default="Linux/UNIX")
    usage_operation = models.CharField(max_length=32, default="RunInstances")
    root_device_name = models.CharField(max_length=32, default="/dev/xvda")
    virtualization_type = models.CharField(max_length=16, default="hvm")
    ena_support = models.BooleanField(default=True)
    boot_mode = models.CharField(max_length=16, blank=True, default="")
    imds_support = models.CharField(max_length=8, blank=True, default="")
    block_device_mappings = models.JSONField(default=list)
    source_instance_id = models.CharField(max_length=32, blank=True, default="")
    source_image_id = models.CharField(max_length=32, blank=True, default="")
    source_image_region = models.CharField(max_length=32, blank=True, default="")
    public = models.BooleanField(default=False)
    # Accounts granted launch permission (ModifyImageAttribute LaunchPermission).
    launch_user_ids = models.JSONField(default=list, blank=True)
    deregistration_protection = models.BooleanField(default=False)
    last_launched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "image_name"], name="image_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.image_name

    @classmethod
    def not_found(cls, image_id: str) -> AwsError:
        return errors.InvalidAMIIDNotFound(f"The image id '[{image_id}]' does not exist")

    @property
    def snapshot_ids(self) -> list[str]:
        return [
            m["Ebs"]["SnapshotId"]
            for m in self.block_device_mappings
            if m.get("Ebs", {}).get("SnapshotId")
        ]

    @property
    def image_location(self) -> str:
        return f"{self.account_id}/{self.image_name}"

    @property
    def root_device_type(self) -> str:
        return "ebs"

    @property
    def block_devices_label(self) -> str:
        """As the console lists them: /dev/xvda=snap-...:8:true:gp3"""
        parts = []
        for m in self.block_device_mappings:
            ebs = m.get("Ebs") or {}
            parts.append(
                f"{m['DeviceName']}={ebs.get('SnapshotId', '')}:{ebs.get('VolumeSize', '')}:"
                f"{str(ebs.get('DeleteOnTermination', False)).lower()}:{ebs.get('VolumeType', '')}"
            )
        return ", ".join(parts)

    @property
    def visibility_label(self) -> str:
        return "Public" if self.public else "Private"

    def launch_permissions(self) -> list[dict]:
        perms = [{"Group": "all"}] if self.public else []
        return perms + [{"UserId": uid} for uid in self.launch_user_ids]

    def describe(self) -> dict:
        """The EC2 `Image` shape."""
        data = {
            "ImageId": self.resource_id,
            "ImageLocation": self.image_location,
            "State": self.state,
            "OwnerId": self.account_id,
            "CreationDate": self.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "Public": self.public,
            "Architecture": self.architecture,
            "ImageType": "machine",
            "Name": self.image_name,
            "Description": self.description,
            "RootDeviceName": self.root_device_name,
            "RootDeviceType": "ebs",
            "VirtualizationType": self.virtualization_type,
            "Hypervisor": "xen",
            "EnaSupport": self.ena_support,
            "SriovNetSupport": "simple",
            "PlatformDetails": self.platform_details,
            "UsageOperation": self.usage_operation,
            "BlockDeviceMappings": self.block_device_mappings,
            "DeregistrationProtection": "enabled" if self.deregistration_protection else "disabled",
            "FreeTierEligible": False,
            "Tags": self.tag_list(),
        }
        if self.platform:
            data["Platform"] = self.platform
        if self.boot_mode:
            data["BootMode"] = self.boot_mode
        if self.imds_support:
            data["ImdsSupport"] = self.imds_support
        if self.source_instance_id:
            data["SourceInstanceId"] = self.source_instance_id
        if self.source_image_id:
            data["SourceImageId"] = self.source_image_id
            data["SourceImageRegion"] = self.source_image_region
        if self.last_launched_at:
            data["LastLaunchedTime"] = self.last_launched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        return data
