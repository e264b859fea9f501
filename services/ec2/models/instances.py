"""EC2 instances: the lifecycle (EC2-01, EC2-02), and the `Instance` shape."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from django.db import models
from django.utils import timezone

from services.core import describe, regions
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
        indexes = [
            models.Index(fields=["account", "region", "state"]),
            describe.tags_index("ec2_instance_tags_gin"),
        ]

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

    def as_row(self) -> dict:
        """This instance as the plain row `describe_row` reads (what the read path of
        services.ec2.instance_rows selects with values(), without a model object)."""
        row = {field: getattr(self, field) for field in INSTANCE_FIELDS}
        eni = self.eni
        for field in ENI_FIELDS:
            row["eni_" + field] = getattr(eni, field) if eni is not None else None
        # Read only when the answer shows it (an association), as a query of its own
        # unless the caller selected it.
        eip = eni.elastic_ip if eni is not None and eni.public_ip else None
        row["eip_account_id"] = eip.account_id if eip is not None else None
        return row

    def _attachment_rows(self) -> list[AttachmentRow]:
        if self.related_rows is not None:
            return self.related_rows[1]
        return [
            AttachmentRow(
                a.device, a.created_at, a.delete_on_termination, a.state, a.volume.resource_id
            )
            for a in self.volume_attachments.select_related("volume")
        ]

    def _network_interfaces(self) -> list[dict]:
        return network_interfaces(self.as_row(), self.security_groups)

    def block_device_mappings(self) -> list[dict]:
        """The EC2 `InstanceBlockDeviceMapping` list, root device first."""
        return block_device_mappings(self.root_device_name, self._attachment_rows())

    def describe(self) -> dict:
        """The EC2 `Instance` shape."""
        return describe_row(self.as_row(), self.security_groups, self._attachment_rows())


# The columns of an instance and of its primary interface that describe_row reads (the
# interface's as `eni_<name>`, its Elastic IP's owner as `eip_account_id`).
INSTANCE_FIELDS = (
    "pk", "resource_id", "reservation_id", "account_id", "image_id", "state",
    "state_transition_reason", "ami_launch_index", "instance_type", "launch_time",
    "availability_zone", "placement_group_name", "architecture", "client_token",
    "ebs_optimized", "root_device_name", "platform_details", "usage_operation",
    "created_at", "boot_mode", "subnet_resource_id", "vpc_resource_id", "key_name",
    "platform", "state_reason_code", "state_reason_message", "tags",
    "primary_network_interface_id",
)  # fmt: skip
ENI_FIELDS = (
    "resource_id", "region", "account_id", "public_ip", "private_ip_address",
    "attach_time", "attachment_id", "delete_on_termination", "device_index",
    "attachment_status", "description", "mac_address", "source_dest_check", "status",
    "interface_type",
)  # fmt: skip


def _dns_suffix(region: str, public: bool) -> str:
    if region == "us-east-1":
        return ".compute-1.amazonaws.com" if public else ".ec2.internal"
    return f".{region}.compute.amazonaws.com" if public else f".{region}.compute.internal"


def _private_dns(r: dict) -> str:
    if r["eni_resource_id"] is None:
        return ""
    host = "ip-" + r["eni_private_ip_address"].replace(".", "-")
    return host + _dns_suffix(r["eni_region"], False)


def _public_dns(r: dict) -> str:
    if r["eni_resource_id"] is None or not r["eni_public_ip"]:
        return ""
    return "ec2-" + r["eni_public_ip"].replace(".", "-") + _dns_suffix(r["eni_region"], True)


def network_interfaces(r: dict, groups: list) -> list[dict]:
    """The instance's `InstanceNetworkInterface` list (its primary interface)."""
    if r["eni_resource_id"] is None:
        return []
    group_items = [{"GroupId": g.resource_id, "GroupName": g.group_name} for g in groups]
    association = None
    if r["eni_public_ip"]:
        association = {
            "IpOwnerId": r["eip_account_id"] or "amazon",
            "PublicDnsName": _public_dns(r),
            "PublicIp": r["eni_public_ip"],
        }
    private_dns = _private_dns(r)
    private = {
        "Primary": True,
        "PrivateDnsName": private_dns,
        "PrivateIpAddress": r["eni_private_ip_address"],
    }
    if association:
        private["Association"] = association
    data: dict = {
        "Attachment": {
            "AttachTime": r["eni_attach_time"] or r["created_at"],
            "AttachmentId": r["eni_attachment_id"],
            "DeleteOnTermination": r["eni_delete_on_termination"],
            "DeviceIndex": r["eni_device_index"] or 0,
            "Status": r["eni_attachment_status"] or "attached",
            "NetworkCardIndex": 0,
        },
        "Description": r["eni_description"],
        "Groups": group_items,
        "Ipv6Addresses": [],
        "MacAddress": r["eni_mac_address"],
        "NetworkInterfaceId": r["eni_resource_id"],
        "OwnerId": r["eni_account_id"],
        "PrivateDnsName": private_dns,
        "PrivateIpAddress": r["eni_private_ip_address"],
        "PrivateIpAddresses": [private],
        "SourceDestCheck": r["eni_source_dest_check"],
        "Status": r["eni_status"],
        "SubnetId": r["subnet_resource_id"],
        "VpcId": r["vpc_resource_id"],
        "InterfaceType": r["eni_interface_type"],
    }
    if association:
        data["Association"] = association
    return [data]


def block_device_mappings(root_device_name: str, attached: list) -> list[dict]:
    """The EC2 `InstanceBlockDeviceMapping` list, root device first."""
    rows = sorted(attached, key=lambda a: (a.device != root_device_name, a.device))
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


def _zone_id(name: str) -> str:
    zone = regions.zone(name)
    return zone.zone_id if zone else ""


def _cpu_options(instance_type: str) -> dict:
    from services.ec2 import instance_types

    itype = instance_types.find(instance_type)
    threads = itype.family.threads_per_core if itype else 1
    vcpus = itype.vcpus if itype else 1
    return {"CoreCount": max(1, vcpus // threads), "ThreadsPerCore": threads}


def describe_row(r: dict, groups: list, attached: list) -> dict:
    """The EC2 `Instance` shape of an instance row (Instance.as_row, or the values()
    row of services.ec2.instance_rows), its security groups (anything with
    resource_id and group_name, in id order) and its volume attachments (AttachmentRow)."""
    state = r["state"]
    has_eni = r["eni_resource_id"] is not None
    groups = groups if has_eni else []
    data: dict = {
        "InstanceId": r["resource_id"],
        "ImageId": r["image_id"],
        "State": state_of(state if state in STATE_CODES else "terminated"),
        "PrivateDnsName": _private_dns(r),
        "PublicDnsName": _public_dns(r) if state == "running" else "",
        "StateTransitionReason": r["state_transition_reason"],
        "AmiLaunchIndex": r["ami_launch_index"],
        "ProductCodes": [],
        "InstanceType": r["instance_type"],
        "LaunchTime": r["launch_time"],
        "Placement": {
            "AvailabilityZone": r["availability_zone"],
            "AvailabilityZoneId": _zone_id(r["availability_zone"]),
            "GroupName": r["placement_group_name"],
            "Tenancy": "default",
        },
        "Monitoring": {"State": "disabled"},
        "Architecture": r["architecture"],
        "BlockDeviceMappings": block_device_mappings(r["root_device_name"], attached),
        "ClientToken": r["client_token"],
        "EbsOptimized": r["ebs_optimized"],
        "EnaSupport": True,
        "Hypervisor": "xen",
        "NetworkInterfaces": network_interfaces(r, groups),
        "RootDeviceName": r["root_device_name"],
        "RootDeviceType": "ebs",
        "SecurityGroups": [{"GroupId": g.resource_id, "GroupName": g.group_name} for g in groups],
        "SourceDestCheck": r["eni_source_dest_check"] if has_eni else True,
        "VirtualizationType": "hvm",
        "CpuOptions": _cpu_options(r["instance_type"]),
        "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
        "HibernationOptions": {"Configured": False},
        "MetadataOptions": {
            "State": "applied" if state != "pending" else "pending",
            "HttpTokens": "required",
            "HttpPutResponseHopLimit": 2,
            "HttpEndpoint": "enabled",
            "HttpProtocolIpv6": "disabled",
            "InstanceMetadataTags": "disabled",
        },
        "EnclaveOptions": {"Enabled": False},
        "PlatformDetails": r["platform_details"],
        "UsageOperation": r["usage_operation"],
        "UsageOperationUpdateTime": r["created_at"],
        "PrivateDnsNameOptions": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
        "MaintenanceOptions": {"AutoRecovery": "default"},
        "CurrentInstanceBootMode": "uefi" if r["boot_mode"] == "uefi" else "legacy-bios",
    }
    if has_eni:
        data["SubnetId"] = r["subnet_resource_id"]
        data["VpcId"] = r["vpc_resource_id"]
        data["PrivateIpAddress"] = r["eni_private_ip_address"]
        if r["eni_public_ip"] and state in ("pending", "running", "stopping"):
            data["PublicIpAddress"] = r["eni_public_ip"]
    if r["key_name"]:
        data["KeyName"] = r["key_name"]
    if r["platform"]:
        data["Platform"] = r["platform"]
    if r["boot_mode"]:
        data["BootMode"] = r["boot_mode"]
    if r["state_reason_code"]:
        data["StateReason"] = {
            "Code": r["state_reason_code"],
            "Message": r["state_reason_message"],
        }
    if r["tags"]:
        data["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(r["tags"].items())]
    return data
