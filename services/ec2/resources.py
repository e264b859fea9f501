"""How EC2's resource types appear in the console and the REST API."""

from __future__ import annotations

from django import forms

from services.core import registry
from services.core.context import CallContext
from services.core.registry import Action, Column, Listing, NavLink, Pages, ResourceType, Service
from services.core.views.access import readable
from services.ec2 import enums
from services.ec2.models import Image, Instance, KeyPair, PlacementGroup, Snapshot, Volume

registry.register_service(
    Service(
        "ec2",
        "EC2",
        "Virtual servers in the cloud",
        "Compute",
        home_url_name="ec2:home",
        nav_links=(
            NavLink("Dashboard", "ec2:home"),
            # After Instances and AMIs, as in the AWS console.
            NavLink("Instance Types", "ec2:instance-types", "Instances", 10),
            NavLink("AMI Catalog", "ec2:ami-catalog", "Images", 10),
            # "Network & Security" in the AWS console's order (nav_order: Security
            # Groups, Elastic IPs, Placement groups, Key pairs, Network interfaces).
            NavLink("Security Groups", "ec2:security-groups", "Network & Security", 10),
            NavLink("Elastic IPs", "ec2:elastic-ips", "Network & Security", 20),
        ),
        nav_sections=("", "Instances", "Images", "Elastic Block Store", "Network & Security"),
    )
)


# --- instances ----------------------------------------------------------------------------


def _ids(rows: list) -> dict:
    return {"InstanceIds": [r.resource_id for r in rows]}


INSTANCES = registry.register(
    ResourceType(
        service="ec2",
        slug="instances",
        model=Instance,
        label="Instance",
        label_plural="Instances",
        nav_section="Instances",
        columns=(
            Column("Name", "name"),
            Column("Instance ID", "resource_id", kind="id", link=True),
            Column("Instance state", "state", kind="state"),
            Column("Instance type", "instance_type"),
            Column("Status check", "status_check_label"),
            Column("Availability Zone", "availability_zone"),
            Column("Public IPv4 address", "public_ip_address"),
            Column("Private IPv4 address", "private_ip_address"),
            Column("Key name", "key_name"),
            Column("Launch time", "launch_time", kind="datetime"),
        ),
        detail_fields=(
            Column("Instance ID", "resource_id", kind="id"),
            Column("Public IPv4 address", "public_ip_address"),
            Column("Private IPv4 addresses", "private_ip_address"),
            Column("Instance state", "state", kind="state"),
            Column("Public IPv4 DNS", "public_dns_name"),
            Column("Private IP DNS name (IPv4 only)", "private_dns_name"),
            Column("Instance type", "instance_type"),
            Column("VPC ID", "vpc_resource_id"),
            Column("Subnet ID", "subnet_resource_id"),
            Column("AMI ID", "image_id"),
            Column("Platform details", "platform_details"),
            Column("Key pair assigned at launch", "key_name"),
            Column("Launch time", "launch_time", kind="datetime"),
            Column("Availability Zone", "availability_zone"),
            Column("Placement group", "placement_group_name"),
            Column("Termination protection", "termination_protection_label"),
            Column("State transition reason", "state_transition_reason"),
            Column("Status check", "status_check_label"),
            Column("Instance ARN", "arn", kind="code"),
        ),
        actions=(
            Action(
                "Stop instance",
                "StopInstances",
                params=_ids,
                menu="Instance state",
                batch=True,
                enabled=lambda i: i.state == "running",
            ),
            Action(
                "Start instance",
                "StartInstances",
                params=_ids,
                menu="Instance state",
                batch=True,
                enabled=lambda i: i.state == "stopped",
            ),
            Action(
                "Reboot instance",
                "RebootInstances",
                params=_ids,
                menu="Instance state",
                batch=True,
                enabled=lambda i: i.state == "running",
            ),
            Action(
                "Terminate (delete) instance",
                "TerminateInstances",
                params=_ids,
                confirm="On an EBS-backed instance, the default action is for the root EBS "
                "volume to be deleted when the instance is terminated. Storage on any local "
                "drives will be lost.",
                destructive=True,
                menu="Instance state",
                batch=True,
                enabled=lambda i: i.state not in ("shutting-down", "terminated"),
            ),
            Action(
                "Instance settings",
                "ModifyInstanceAttribute",
                params=lambda rows: {"InstanceId": rows[0].resource_id},
                confirm="Change the instance type, termination protection or shutdown behavior.",
                enabled=lambda i: i.state not in ("shutting-down", "terminated"),
            ),
            Action(
                "Manage tags",
                "CreateTags",
                params=lambda rows: {"Resources": [r.resource_id for r in rows]},
                confirm="Add or remove tags.",
                enabled=lambda i: i.state != "terminated",
            ),
            Action(
                "Create image",
                "CreateImage",
                params=lambda rows: {"InstanceId": rows[0].resource_id},
                confirm="Create an AMI from this instance.",
                enabled=lambda i: i.state in ("running", "stopped"),
            ),
        ),
        create_operation="RunInstances",
        listing=Listing("DescribeInstances", "Reservations.Instances", "InstanceId"),
        tag_type="instance",
        # The details page with its tabs, the Launch instance page, and the modals that
        # need a form of their own.
        pages=Pages(
            detail="services.ec2.views.instances.detail",
            create="services.ec2.views.launch.create_redirect",
            actions={
                "ModifyInstanceAttribute": "services.ec2.views.instances.settings_modal",
                "CreateTags": "services.ec2.views.instances.tags_modal",
                "CreateImage": "services.ec2.views.instances.create_image_modal",
            },
        ),
        extra={"create_label": "Launch instances"},
        search_fields=(
            "resource_id",
            "instance_type",
            "availability_zone",
            "state",
            "key_name",
            "image_id",
            "primary_network_interface__private_ip_address",
            "primary_network_interface__public_ip",
        ),
        default_ordering="-launch_time",
    )
)


# --- AMIs ----------------------------------------------------------------------------------

IMAGES = registry.register(
    ResourceType(
        service="ec2",
        slug="amis",
        model=Image,
        label="Image",
        label_plural="AMIs",
        nav_section="Images",
        columns=(
            Column("Name", "name"),
            Column("AMI name", "image_name"),
            Column("AMI ID", "resource_id", kind="id", link=True),
            Column("Source", "image_location"),
            Column("Owner", "account_id"),
            Column("Visibility", "visibility_label"),
            Column("Status", "state", kind="state"),
            Column("Creation date", "created_at", kind="datetime"),
            Column("Platform", "platform_details"),
            Column("Architecture", "architecture"),
        ),
        detail_fields=(
            Column("AMI ID", "resource_id", kind="id"),
            Column("AMI name", "image_name"),
            Column("Owner account ID", "account_id"),
            Column("Status", "state", kind="state"),
            Column("Description", "description"),
            Column("Architecture", "architecture"),
            Column("Platform details", "platform_details"),
            Column("Root device name", "root_device_name"),
            Column("Root device type", "root_device_type"),
            Column("Virtualization type", "virtualization_type"),
            Column("Boot mode", "boot_mode"),
            Column("Source instance", "source_instance_id"),
            Column("Block devices", "block_devices_label"),
            Column("Visibility", "visibility_label"),
            Column("Creation date", "created_at", kind="datetime"),
            Column("Deregistration protection", "deregistration_protection"),
        ),
        actions=(
            Action(
                "Deregister AMI",
                "DeregisterImage",
                params=lambda rows: {"ImageId": rows[0].resource_id},
                confirm="Instances launched from this AMI keep running. Its snapshots are "
                "not deleted; delete them separately.",
                destructive=True,
                enabled=lambda i: i.state in ("available", "failed"),
            ),
        ),
        create_operation="CreateImage",
        listing=Listing("DescribeImages", "Images", "ImageId", params={"Owners": ["self"]}),
        tag_type="image",
        pages=Pages(create="services.ec2.views.instances.create_image_modal"),
        search_fields=("resource_id", "image_name", "description", "state", "architecture"),
    )
)


# --- key pairs -------------------------------------------------------------------------------

KEY_PAIRS = registry.register(
    ResourceType(
        service="ec2",
        slug="key-pairs",
        model=KeyPair,
        label="Key pair",
        label_plural="Key pairs",
        nav_section="Network & Security",
        nav_order=40,
        columns=(
            Column("Name", "key_name", link=True),
            Column("Type", "key_type"),
            Column("Created", "created_at", kind="datetime"),
            Column("Fingerprint", "fingerprint", kind="code"),
            Column("ID", "resource_id", kind="id"),
        ),
        detail_fields=(
            Column("Name", "key_name"),
            Column("ID", "resource_id", kind="id"),
            Column("Type", "key_type"),
            Column("Fingerprint", "fingerprint", kind="code"),
            Column("Created", "created_at", kind="datetime"),
            Column("Public key", "public_key", kind="code"),
        ),
        actions=(
            Action(
                "Delete",
                "DeleteKeyPair",
                params=lambda rows: {"KeyPairId": rows[0].resource_id},
                confirm="Instances launched with this key pair keep it, but you can't launch "
                "new ones with it. Its private key can't be downloaded again.",
                typed_confirmation="Delete",
                destructive=True,
            ),
        ),
        create_operation="CreateKeyPair",
        listing=Listing("DescribeKeyPairs", "KeyPairs", "KeyPairId"),
        tag_type="key-pair",
        # A created key's private key is shown once, on a page of its own.
        pages=Pages(create="services.ec2.views.keypairs.create"),
        search_fields=("resource_id", "key_name", "fingerprint", "key_type"),
    )
)


# --- volumes ---------------------------------------------------------------------------------


class VolumeForm(forms.Form):
    """The 'Create volume' page."""

    VolumeType = forms.ChoiceField(
        label="Volume type",
        choices=enums.choices("VolumeType", enums.VOLUME_TYPE_LABELS),
        initial="gp3",
    )
    Size = forms.IntegerField(label="Size (GiB)", initial=100, min_value=1, max_value=65536)
    Iops = forms.IntegerField(label="IOPS", required=False, min_value=100)
    AvailabilityZone = forms.ChoiceField(label="Availability Zone")
    SnapshotId = forms.CharField(label="Snapshot ID", required=False, max_length=32)
    Encrypted = forms.BooleanField(label="Encrypt this volume", required=False)
    Name = forms.CharField(label="Name tag", required=False, max_length=256)

    def __init__(self, *args, zones: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["AvailabilityZone"].choices = [(z, z) for z in zones or []]


def volume_create_params(data: dict) -> dict:
    params = {k: v for k, v in data.items() if k != "Name" and v not in (None, "")}
    if data.get("Name"):
        params["TagSpecifications"] = [
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": data["Name"]}]}
        ]
    return params


VOLUMES = registry.register(
    ResourceType(
        service="ec2",
        slug="volumes",
        model=Volume,
        label="Volume",
        label_plural="Volumes",
        nav_section="Elastic Block Store",
        columns=(
            Column("Name", "name"),
            Column("Volume ID", "resource_id", kind="id", link=True),
            Column("Type", "volume_type"),
            Column("Size", "size_label"),
            Column("IOPS", "iops"),
            Column("Snapshot ID", "snapshot_id"),
            Column("Volume state", "state", kind="state"),
            Column("Attached resources", "attached_label"),
            Column("Availability Zone", "availability_zone"),
            Column("Created", "created_at", kind="datetime"),
            Column("Encryption", "encryption_label"),
        ),
        detail_fields=(
            Column("Volume ID", "resource_id", kind="id"),
            Column("Size", "size_label"),
            Column("Type", "volume_type"),
            Column("Volume state", "state", kind="state"),
            Column("IOPS", "iops"),
            Column("Throughput", "throughput"),
            Column("Encryption", "encryption_label"),
            Column("Availability Zone", "availability_zone"),
            Column("Snapshot", "snapshot_id"),
            Column("Attached resources", "attached_label"),
            Column("Created", "created_at", kind="datetime"),
            Column("Multi-Attach enabled", "multi_attach_enabled"),
            Column("ARN", "arn", kind="code"),
        ),
        actions=(
            Action(
                "Attach volume",
                "AttachVolume",
                params=lambda rows: {"VolumeId": rows[0].resource_id},
                confirm="Attach the volume to an instance in the same Availability Zone.",
                enabled=lambda v: (
                    v.state == "available" or (v.state == "in-use" and v.multi_attach_enabled)
                ),
            ),
            Action(
                "Detach volume",
                "DetachVolume",
                params=lambda rows: {"VolumeId": rows[0].resource_id},
                confirm="Unmount the volume inside the instance first, or data may be lost.",
                enabled=lambda v: v.state == "in-use",
            ),
            Action(
                "Create snapshot",
                "CreateSnapshot",
                params=lambda rows: {"VolumeId": rows[0].resource_id},
                confirm="A point-in-time snapshot of the volume is taken.",
                enabled=lambda v: v.state in ("available", "in-use"),
            ),
            Action(
                "Delete volume",
                "DeleteVolume",
                params=lambda rows: {"VolumeId": rows[0].resource_id},
                confirm="Delete volume? This can't be undone.",
                typed_confirmation="delete",
                destructive=True,
                enabled=lambda v: v.state in ("available", "error", "creating"),
            ),
        ),
        create_operation="CreateVolume",
        listing=Listing("DescribeVolumes", "Volumes", "VolumeId"),
        tag_type="volume",
        pages=Pages(actions={"AttachVolume": "services.ec2.views.volumes.attach_modal"}),
        create_form=VolumeForm,
        create_params=volume_create_params,
        search_fields=("resource_id", "volume_type", "availability_zone", "state"),
    )
)


# --- snapshots ---------------------------------------------------------------------------------


class SnapshotForm(forms.Form):
    """The 'Create snapshot' page."""

    VolumeId = forms.ChoiceField(label="Volume ID")
    Description = forms.CharField(label="Description", required=False, max_length=255)
    Name = forms.CharField(label="Name tag", required=False, max_length=256)

    def __init__(self, *args, ctx: CallContext | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        volumes = (
            readable(ctx, Volume).filter(state__in=("available", "in-use"))
            if ctx is not None
            else Volume.objects.none()
        )
        self.fields["VolumeId"].choices = [
            (v.resource_id, f"{v.resource_id} ({v.name})" if v.name else v.resource_id)
            for v in volumes.order_by("-created_at")
        ]


def snapshot_create_params(data: dict) -> dict:
    params = {"VolumeId": data["VolumeId"], "Description": data.get("Description") or ""}
    if data.get("Name"):
        params["TagSpecifications"] = [
            {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": data["Name"]}]}
        ]
    return params


SNAPSHOTS = registry.register(
    ResourceType(
        service="ec2",
        slug="snapshots",
        model=Snapshot,
        label="Snapshot",
        label_plural="Snapshots",
        nav_section="Elastic Block Store",
        columns=(
            Column("Name", "name"),
            Column("Snapshot ID", "resource_id", kind="id", link=True),
            Column("Volume size", "size_label"),
            Column("Description", "description"),
            Column("Storage tier", "storage_tier"),
            Column("Snapshot status", "state", kind="state"),
            Column("Started", "created_at", kind="datetime"),
            Column("Progress", "progress"),
            Column("Encryption", "encryption_label"),
            Column("Volume ID", "volume_id"),
        ),
        detail_fields=(
            Column("Snapshot ID", "resource_id", kind="id"),
            Column("Owner", "account_id"),
            Column("Volume ID", "volume_id"),
            Column("Volume size", "size_label"),
            Column("Snapshot status", "state", kind="state"),
            Column("Progress", "progress"),
            Column("Started", "created_at", kind="datetime"),
            Column("Completed", "completed_at", kind="datetime"),
            Column("Description", "description"),
            Column("Encryption", "encryption_label"),
            Column("Storage tier", "storage_tier"),
            Column("Source snapshot", "source_snapshot_id"),
        ),
        actions=(
            Action(
                "Delete snapshot",
                "DeleteSnapshot",
                params=lambda rows: {"SnapshotId": rows[0].resource_id},
                confirm="Delete snapshot? Volumes made from it are not affected. A snapshot "
                "an AMI uses can't be deleted until the AMI is deregistered.",
                typed_confirmation="delete",
                destructive=True,
            ),
        ),
        create_operation="CreateSnapshot",
        listing=Listing(
            "DescribeSnapshots", "Snapshots", "SnapshotId", params={"OwnerIds": ["self"]}
        ),
        tag_type="snapshot",
        create_form=SnapshotForm,
        create_params=snapshot_create_params,
        search_fields=("resource_id", "volume_id", "description", "state"),
    )
)


# --- placement groups ----------------------------------------------------------------------


class PlacementGroupForm(forms.Form):
    """The 'Create placement group' page."""

    GroupName = forms.CharField(label="Name", max_length=255)
    Strategy = forms.ChoiceField(
        label="Placement strategy",
        choices=[("cluster", "Cluster"), ("spread", "Spread"), ("partition", "Partition")],
        initial="cluster",
    )
    SpreadLevel = forms.ChoiceField(
        label="Spread level (spread only)",
        choices=[("", "-"), ("rack", "Rack")],
        required=False,
    )
    PartitionCount = forms.IntegerField(
        label="Number of partitions (partition only)", required=False, min_value=1, max_value=7
    )
    Name = forms.CharField(label="Name tag", required=False, max_length=256)


def placement_group_create_params(data: dict) -> dict:
    params = {k: v for k, v in data.items() if k != "Name" and v not in (None, "")}
    if data.get("Name"):
        params["TagSpecifications"] = [
            {"ResourceType": "placement-group", "Tags": [{"Key": "Name", "Value": data["Name"]}]}
        ]
    return params


PLACEMENT_GROUPS = registry.register(
    ResourceType(
        service="ec2",
        slug="placement-groups",
        model=PlacementGroup,
        label="Placement group",
        label_plural="Placement groups",
        nav_section="Network & Security",
        nav_order=30,
        columns=(
            Column("Group name", "group_name", link=True),
            Column("Group ID", "resource_id", kind="id"),
            Column("Strategy", "strategy"),
            Column("State", "state", kind="state"),
            Column("Partitions", "partition_count"),
            Column("Spread level", "spread_level"),
            Column("Tags", "tags", kind="tags"),
        ),
        detail_fields=(
            Column("Group name", "group_name"),
            Column("Group ID", "resource_id", kind="id"),
            Column("Strategy", "strategy"),
            Column("State", "state", kind="state"),
            Column("Partitions", "partition_count"),
            Column("Spread level", "spread_level"),
            Column("Created", "created_at", kind="datetime"),
            Column("Group ARN", "arn", kind="code"),
        ),
        actions=(
            Action(
                "Delete",
                "DeletePlacementGroup",
                params=lambda rows: {"GroupName": rows[0].group_name},
                confirm="Delete placement group? Instances in it must be moved or "
                "terminated first.",
                typed_confirmation="delete",
                destructive=True,
                enabled=lambda g: g.state in ("pending", "available"),
            ),
        ),
        create_operation="CreatePlacementGroup",
        create_form=PlacementGroupForm,
        create_params=placement_group_create_params,
        listing=Listing("DescribePlacementGroups", "PlacementGroups", "GroupId"),
        tag_type="placement-group",
        search_fields=("resource_id", "group_name", "strategy", "state"),
    )
)
