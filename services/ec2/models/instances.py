"""EC2 instances: the lifecycle (EC2-01, EC2-02), and the `Instance` shape."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from django.db import models
from django.utils import timezone

from services.core import regions
from services.core.lifecycle import Lifecycle, LifecycleResource
from services.core.lookups import NotFound

if TYPE_CHECKING:
    from services.vpc.network import NetworkInterface

# EC2-01: the state codes AWS reports.
STATE_CODES = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}
# Where a row goes when its hour as "terminated" is over (EC2-05): deleted, not shown.
GONE = "gone"


def state_of(name: str) -> dict:
    """The EC2 `InstanceState` shape."""
    return {"Code": STATE_CODES[name], "Name": name}


def user_initiated_reason(now: dt.datetime | None = None) -> str:
    """The StateTransitionReason AWS writes for a stop or terminate by a user."""
    now = now or timezone.now()
    return f"User initiated ({now.strftime('%Y-%m-%d %H:%M:%S')} GMT)"


class GroupRow(NamedTuple):
    """A security group of an instance, as describe() reads it (services.ec2.instances
    loads them for a whole page at once)."""

    pk: int
    resource_id: str
    group_name: str


class AttachmentRow(NamedTuple):
    device: str
    created_at: dt.datetime
    delete_on_termination: bool
    state: str
    volume_resource_id: str


class Instance(NotFound, LifecycleResource):
    """A virtual server. Its network lives in `primary_network_interface` (the VPC
    service's interface, deleted with the instance: EC2-13); its EBS volumes are
    attached through VolumeAttachment rows."""

    not_found_error = ("InvalidInstanceID.NotFound", "The instance ID '{id}' does not exist")
    not_found_many = "The instance IDs '{ids}' do not exist"

    id_prefix = "i"
    arn_format = "arn:aws:ec2:{region}:{account}:instance/{id}"
    cloudformation_type = "AWS::EC2::Instance"
    lifecycle = Lifecycle(
        "ec2.instance",
        {
            "pending": "running",
            "stopping": "stopped",
            "shutting-down": "terminated",
            "terminated": GONE,
        },
    )
    transitional_states: ClassVar[frozenset[str]] = frozenset(
        {"pending", "stopping", "shutting-down"}
    )

    reservation_id = models.CharField(max_length=32, db_index=True)
    client_token = models.CharField(max_length=64, blank=True, default="", db_index=True)
    ami_launch_index = models.PositiveIntegerField(default=0)
    image_id = models.CharField(max_length=32)
    instance_type = models.CharField(max_length=32)
    key_name = models.CharField(max_length=255, blank=True, default="")
    availability_zone = models.CharField(max_length=32)
    # The placement group it was launched into (Placement.GroupName), by name: a
    # terminated instance still names its group after the group is deleted, as in EC2.
    placement_group_name = models.CharField(max_length=255, blank=True, default="")
    # Kept as ids: a terminated instance still names them while its interface is gone.
    subnet_resource_id = models.CharField(max_length=32)
    vpc_resource_id = models.CharField(max_length=32)
    primary_network_interface = models.OneToOneField(
        "vpc.NetworkInterface",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instance",
    )
    architecture = models.CharField(max_length=16, default="x86_64")
    platform = models.CharField(max_length=16, blank=True, default="")
    platform_details = models.CharField(max_length=64, default="Linux/UNIX")
    usage_operation = models.CharField(max_length=32, default="RunInstances")
    root_device_name = models.CharField(max_length=32, default="/dev/xvda")
    boot_mode = models.CharField(max_length=16, blank=True, default="")
    user_data = models.TextField(blank=True, default="")  # base64, as given
    disable_api_termination = models.BooleanField(default=False)
    disable_api_stop = models.BooleanField(default=False)
    shutdown_behavior = models.CharField(max_length=16, default="stop")
    ebs_optimized = models.BooleanField(default=False)
    launch_time = models.DateTimeField(default=timezone.now)
    state_transition_reason = models.CharField(max_length=128, blank=True, default="")
    state_reason_code = models.CharField(max_length=64, blank=True, default="")
    state_reason_message = models.CharField(max_length=255, blank=True, default="")
    # Boots so far: user data runs at the first only (EC2-08).
    boot_count = models.PositiveIntegerField(default=0)
    last_boot_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "region", "state"])]

    # (groups, attachments) loaded for a page of instances by
    # services.ec2.instances.load_related; None: read them from the database.
    related_rows: tuple[list[GroupRow], list[AttachmentRow]] | None = None

    # --- what the console shows ---------------------------------------------------------

    @property
    def eni(self) -> NetworkInterface | None:
        return self.primary_network_interface

    @property
    def private_ip_address(self) -> str:
        return self.eni.private_ip_address if self.eni else ""

    @property
    def public_ip_address(self) -> str:
        return (self.eni.public_ip or "") if self.eni else ""

    @property
    def public_dns_name(self) -> str:
        if self.state != "running" or not self.eni:
            return ""
        return self.eni.public_dns_name

    @property
    def private_dns_name(self) -> str:
        return self.eni.private_dns_name if self.eni else ""

    @property
    def state_code(self) -> int:
        return STATE_CODES.get(self.state, 48)

    @property
    def availability_zone_id(self) -> str:
        zone = regions.zone(self.availability_zone)
        return zone.zone_id if zone else ""

    @property
    def security_groups(self) -> list:
        if not self.eni:
            return []
        if self.related_rows is not None:
            return self.related_rows[0]
        # all() and a sort here, so a prefetch (DescribeInstances) is used.
        return sorted(self.eni.security_groups.all(), key=lambda g: g.pk)

    @property
    def security_group_names(self) -> str:
        return ", ".join(g.group_name for g in self.security_groups)

    @property
    def status_check_label(self) -> str:
        from services.ec2.instance_status import status_summary

        return status_summary(self)[2]

    @property
    def platform_label(self) -> str:
        return "Windows" if self.platform == "windows" else "Linux/UNIX"

    @property
    def termination_protection_label(self) -> str:
        return "Enabled" if self.disable_api_termination else "Disabled"

    # --- the worker's side effects ---------------------------------------------------

    def on_enter(self, state: str) -> None:
        from services.ec2 import instance_effects

        instance_effects.entered(self, state)

    # --- the AWS shape ----------------------------------------------------------------

    def _network_interfaces(self) -> list[dict]:
        eni = self.eni
        if eni is None:
            return []
        groups = [
            {"GroupId": g.resource_id, "GroupName": g.group_name} for g in self.security_groups
        ]
        association = None
        if eni.public_ip:
            association = {
                "IpOwnerId": eni.elastic_ip.account_id if eni.elastic_ip else "amazon",
                "PublicDnsName": eni.public_dns_name,
                "PublicIp": eni.public_ip,
            }
        private = {
            "Primary": True,
            "PrivateDnsName": eni.private_dns_name,
            "PrivateIpAddress": eni.private_ip_address,
        }
        if association:
            private["Association"] = association
        data: dict = {
            "Attachment": {
                "AttachTime": eni.attach_time or self.created_at,
                "AttachmentId": eni.attachment_id,
                "DeleteOnTermination": eni.delete_on_termination,
                "DeviceIndex": eni.device_index or 0,
                "Status": eni.attachment_status or "attached",
                "NetworkCardIndex": 0,
            },
            "Description": eni.description,
            "Groups": groups,
            "Ipv6Addresses": [],
            "MacAddress": eni.mac_address,
            "NetworkInterfaceId": eni.resource_id,
            "OwnerId": eni.account_id,
            "PrivateDnsName": eni.private_dns_name,
            "PrivateIpAddress": eni.private_ip_address,
            "PrivateIpAddresses": [private],
            "SourceDestCheck": eni.source_dest_check,
            "Status": eni.status,
            "SubnetId": self.subnet_resource_id,
            "VpcId": self.vpc_resource_id,
            "InterfaceType": eni.interface_type,
        }
        if association:
            data["Association"] = association
        return [data]

    def block_device_mappings(self) -> list[dict]:
        """The EC2 `InstanceBlockDeviceMapping` list, root device first."""
        if self.related_rows is not None:
            attached: list = self.related_rows[1]
        else:
            attached = [
                AttachmentRow(
                    a.device, a.created_at, a.delete_on_termination, a.state,
                    a.volume.resource_id,
                )
                for a in self.volume_attachments.select_related("volume")
            ]  # fmt: skip
        rows = sorted(attached, key=lambda a: (a.device != self.root_device_name, a.device))
        return [
            {
                "DeviceName": a.device,
                "Ebs": {
                    "AttachTime": a.created_at,
                    "DeleteOnTermination": a.delete_on_termination,
                    "Status": a.state,
                    "VolumeId": a.volume_resource_id,
                },
            }
            for a in rows
        ]

    def describe(self) -> dict:
        """The EC2 `Instance` shape."""
        from services.ec2 import instance_types

        itype = instance_types.find(self.instance_type)
        threads = itype.family.threads_per_core if itype else 1
        vcpus = itype.vcpus if itype else 1
        data: dict = {
            "InstanceId": self.resource_id,
            "ImageId": self.image_id,
            "State": state_of(self.state if self.state in STATE_CODES else "terminated"),
            "PrivateDnsName": self.private_dns_name,
            "PublicDnsName": self.public_dns_name,
            "StateTransitionReason": self.state_transition_reason,
            "AmiLaunchIndex": self.ami_launch_index,
            "ProductCodes": [],
            "InstanceType": self.instance_type,
            "LaunchTime": self.launch_time,
            "Placement": {
                "AvailabilityZone": self.availability_zone,
                "AvailabilityZoneId": self.availability_zone_id,
                "GroupName": self.placement_group_name,
                "Tenancy": "default",
            },
            "Monitoring": {"State": "disabled"},
            "Architecture": self.architecture,
            "BlockDeviceMappings": self.block_device_mappings(),
            "ClientToken": self.client_token,
            "EbsOptimized": self.ebs_optimized,
            "EnaSupport": True,
            "Hypervisor": "xen",
            "NetworkInterfaces": self._network_interfaces(),
            "RootDeviceName": self.root_device_name,
            "RootDeviceType": "ebs",
            "SecurityGroups": [
                {"GroupId": g.resource_id, "GroupName": g.group_name} for g in self.security_groups
            ],
            "SourceDestCheck": self.eni.source_dest_check if self.eni else True,
            "VirtualizationType": "hvm",
            "CpuOptions": {"CoreCount": max(1, vcpus // threads), "ThreadsPerCore": threads},
            "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
            "HibernationOptions": {"Configured": False},
            "MetadataOptions": {
                "State": "applied" if self.state != "pending" else "pending",
                "HttpTokens": "required",
                "HttpPutResponseHopLimit": 2,
                "HttpEndpoint": "enabled",
                "HttpProtocolIpv6": "disabled",
                "InstanceMetadataTags": "disabled",
            },
            "EnclaveOptions": {"Enabled": False},
            "PlatformDetails": self.platform_details,
            "UsageOperation": self.usage_operation,
            "UsageOperationUpdateTime": self.created_at,
            "PrivateDnsNameOptions": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False,
            },
            "MaintenanceOptions": {"AutoRecovery": "default"},
            "CurrentInstanceBootMode": "uefi" if self.boot_mode == "uefi" else "legacy-bios",
        }
        if self.eni is not None:
            data["SubnetId"] = self.subnet_resource_id
            data["VpcId"] = self.vpc_resource_id
            data["PrivateIpAddress"] = self.private_ip_address
            if self.public_ip_address and self.state in ("pending", "running", "stopping"):
                data["PublicIpAddress"] = self.public_ip_address
        if self.key_name:
            data["KeyName"] = self.key_name
        if self.platform:
            data["Platform"] = self.platform
        if self.boot_mode:
            data["BootMode"] = self.boot_mode
        if self.state_reason_code:
            data["StateReason"] = {
                "Code": self.state_reason_code,
                "Message": self.state_reason_message,
            }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data
