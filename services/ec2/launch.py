"""RunInstances: from an AMI and an instance type to pending instances, each with its
primary network interface (from the VPC service) and its EBS volumes."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from django.utils import timezone

from services.core import describe, ids, lifecycle, regions
from services.core.context import CallContext
from services.core.errors import missing_parameter
from services.core.operations import operation
from services.ec2 import enums, errors, instance_types, placement_groups, quotas, state_events
from services.ec2.images import ImageRef, find_image
from services.ec2.instance_types import InstanceType
from services.ec2.instances import reservations, with_network
from services.ec2.models import Instance, KeyPair, Volume, VolumeAttachment
from services.ec2.snapshots import get_snapshot
from services.ec2.volumes import SIZE_LIMITS, check_size, default_iops
from services.vpc import network
from services.vpc.network import NetworkInterface, SecurityGroup, Subnet

USER_DATA_LIMIT = 16 * 1024
TAGGABLE = {"instance", "volume", "network-interface"}
_DEVICE = re.compile(r"^(/dev/)?(sd[a-z]{1,2}\d{0,2}|xvd[a-z]{1,2}\d{0,2})$")
_NOT_BOOTABLE = {"st1", "sc1"}  # EBS-04


@dataclass
class Disk:
    """One EBS volume to create at launch."""

    device: str
    size: int
    volume_type: str
    delete_on_termination: bool
    encrypted: bool = False
    snapshot_id: str = ""
    iops: int | None = None
    throughput: int | None = None


@dataclass
class Network:
    """Where the primary interface goes."""

    subnet: Subnet
    groups: list[SecurityGroup]
    public_ip: bool
    private_ip: str | None = None
    existing: NetworkInterface | None = None
    delete_on_termination: bool = True
    description: str = ""
    tags: dict = field(default_factory=dict)


def _counts(params: dict) -> tuple[int, int]:
    low, high = params["MinCount"], params["MaxCount"]
    if low < 1:
        raise errors.InvalidParameterValue(
            f"Value ({low}) for parameter minCount is invalid. Expected a positive integer."
        )
    if high < low:
        raise errors.InvalidParameterValue(
            f"Value ({high}) for parameter maxCount is invalid. "
            "Expected a value greater than or equal to minCount."
        )
    return low, high


def _user_data(params: dict) -> str:
    value = params.get("UserData") or ""
    if isinstance(value, bytes):
        value = value.decode()
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise errors.InvalidParameterValue("Invalid BASE64 encoding of user data.") from exc
    if len(raw) > USER_DATA_LIMIT:
        raise errors.InvalidParameterValue("User data is limited to 16384 bytes")
    return value


def _check_architecture(itype: InstanceType, image: ImageRef) -> None:
    if image.architecture not in itype.architectures:
        raise errors.InvalidParameterValue(
            f"The architecture '{itype.architectures[-1]}' of the specified instance type "
            f"does not match the architecture '{image.architecture}' of the specified AMI. "
            "Specify an instance type and an AMI that have matching architectures, and try "
            "again. You can use 'describe-instance-types' or 'describe-images' to discover "
            "the architecture of the instance type or AMI."
        )


def _tags(params: dict) -> dict[str, dict[str, str]]:
    for spec in params.get("TagSpecifications") or []:
        if spec.get("ResourceType") not in TAGGABLE:
            raise errors.InvalidParameterValue(
                f"'{spec.get('ResourceType')}' is not a valid taggable resource type for this "
                "operation."
            )
    return {kind: describe.tags_from_specifications(params, kind) for kind in TAGGABLE}


def _zone(ctx: CallContext, params: dict) -> str | None:
    name = (params.get("Placement") or {}).get("AvailabilityZone")
    if not name:
        return None
    zone = regions.zone(name)
    if zone is None or zone.region != ctx.region:
        raise errors.InvalidParameterValue(f"Invalid availability zone: [{name}]")
    return name


def _network(ctx: CallContext, params: dict, tags: dict) -> Network:
    zone = _zone(ctx, params)
    specs = params.get("NetworkInterfaces") or []
    group_ids = params.get("SecurityGroupIds") or []
    group_names = params.get("SecurityGroups") or []
    if specs:
        if params.get("SubnetId") or group_ids or group_names:
            raise errors.InvalidParameterCombination(
                "Network interfaces and an instance-level subnet ID or security groups may "
                "not be specified on the same request"
            )
        primary = next((s for s in specs if s.get("DeviceIndex", 0) == 0), None)
        if primary is None:
            raise errors.InvalidParameterValue(
                "Each instance must have a network interface with device index 0."
            )
        if len(specs) > 1:
            raise errors.InvalidParameterValue(
                "Stratolab launches instances with one network interface; attach more later."
            )
        if primary.get("NetworkInterfaceId"):
            eni = network.get_network_interface(ctx, primary["NetworkInterfaceId"])
            if eni.status != "available":
                raise errors.InvalidNetworkInterfaceInUse(f"Interface: [{eni.resource_id}] in use.")
            return Network(
                eni.subnet,
                list(eni.security_groups.all()),
                bool(eni.public_ip),
                existing=eni,
                delete_on_termination=primary.get("DeleteOnTermination", False),
            )
        subnet = (
            network.get_subnet(ctx, primary.get("SubnetId"))
            if primary.get("SubnetId")
            else network.default_subnet(ctx, zone)
        )
        groups = network.security_groups(ctx, subnet.vpc, primary.get("Groups") or [])
        public = primary.get("AssociatePublicIpAddress")
        return Network(
            subnet,
            groups,
            subnet.map_public_ip_on_launch if public is None else bool(public),
            private_ip=primary.get("PrivateIpAddress") or params.get("PrivateIpAddress"),
            delete_on_termination=primary.get("DeleteOnTermination", True),
            description=primary.get("Description", ""),
            tags=tags,
        )
    if params.get("SubnetId"):
        subnet = network.get_subnet(ctx, params["SubnetId"])
        if zone and zone != subnet.availability_zone:
            raise errors.InvalidParameterValue(
                f"The specified Availability Zone ({zone}) does not match the Availability "
                f"Zone of subnet {subnet.resource_id} ({subnet.availability_zone})."
            )
    else:
        subnet = network.default_subnet(ctx, zone)
    groups = network.security_groups(ctx, subnet.vpc, group_ids, group_names)
    return Network(
        subnet,
        groups,
        subnet.map_public_ip_on_launch,
        private_ip=params.get("PrivateIpAddress"),
        tags=tags,
    )


def _device(name: str) -> str:
    if not _DEVICE.match(name or ""):
        raise errors.InvalidBlockDeviceMapping(f"Invalid device name {name}")
    return name


def _disks(ctx: CallContext, params: dict, image: ImageRef) -> list[Disk]:
    """The image's block device mappings, with the request's overrides and additions."""
    root = image.root_device_name
    planned: dict[str, Disk] = {}
    for mapping in image.block_device_mappings:
        ebs = mapping.get("Ebs")
        if not ebs:
            continue
        planned[mapping["DeviceName"]] = Disk(
            device=mapping["DeviceName"],
            size=ebs.get("VolumeSize") or 8,
            volume_type=ebs.get("VolumeType") or "gp2",
            delete_on_termination=ebs.get("DeleteOnTermination", True),
            encrypted=bool(ebs.get("Encrypted")),
            snapshot_id=ebs.get("SnapshotId", ""),
        )
    for mapping in params.get("BlockDeviceMappings") or []:
        device = mapping.get("DeviceName")
        if not device:
            raise missing_parameter("BlockDeviceMapping.DeviceName")
        if "NoDevice" in mapping:
            if device == root:
                raise errors.InvalidBlockDeviceMapping("The root device cannot be suppressed.")
            planned.pop(device, None)
            continue
        if mapping.get("VirtualName"):
            continue  # instance store: nothing to create (EBS-07: it is not kept anyway)
        ebs = mapping.get("Ebs") or {}
        base = planned.get(device)
        snapshot_size = base.size if base and base.snapshot_id else 0
        if base is None:
            _device(device)
            snapshot_id = ebs.get("SnapshotId", "")
            if snapshot_id:
                snap = get_snapshot(ctx, snapshot_id)
                snapshot_size = snap.volume_size
                base = Disk(device, snap.volume_size, "gp2", False, snap.encrypted, snapshot_id)
            else:
                if not ebs.get("VolumeSize"):
                    raise errors.InvalidBlockDeviceMapping(
                        f"The device '{device}' needs a volume size or a snapshot."
                    )
                base = Disk(device, ebs["VolumeSize"], "gp2", False)
        size = ebs.get("VolumeSize") or base.size
        if size < snapshot_size:
            raise errors.InvalidBlockDeviceMapping(
                f"Volume of size {size}GB is smaller than snapshot '{base.snapshot_id}', "
                f"expect size >= {snapshot_size}GB"
            )
        planned[device] = Disk(
            device=device,
            size=size,
            volume_type=ebs.get("VolumeType") or base.volume_type,
            delete_on_termination=ebs.get("DeleteOnTermination", base.delete_on_termination),
            encrypted=bool(ebs.get("Encrypted", base.encrypted)) or base.encrypted,
            snapshot_id=base.snapshot_id,
            iops=ebs.get("Iops"),
            throughput=ebs.get("Throughput"),
        )
    for disk in planned.values():
        if disk.volume_type not in SIZE_LIMITS:
            raise errors.InvalidParameterValue(
                f"Value ({disk.volume_type}) for parameter volumeType is invalid."
            )
        if disk.device == root and disk.volume_type in _NOT_BOOTABLE:
            raise errors.InvalidBlockDeviceMapping(
                f"Volume type {disk.volume_type} is not supported for the root device {root}."
            )
        check_size(disk.volume_type, disk.size)
        disk.iops = default_iops(disk.volume_type, disk.size, disk.iops)
        disk.throughput = (disk.throughput or 125) if disk.volume_type == "gp3" else None
    return sorted(planned.values(), key=lambda d: (d.device != root, d.device))


def _idempotent(ctx: CallContext, params: dict) -> dict | None:
    token = params.get("ClientToken")
    if not token:
        return None
    earlier = list(
        with_network(
            Instance.objects.visible_to(ctx).filter(client_token=token).order_by("ami_launch_index")
        )
    )
    if not earlier:
        return None
    first = earlier[0]
    if first.image_id != params.get("ImageId") or (
        params.get("InstanceType") and first.instance_type != params["InstanceType"]
    ):
        raise errors.IdempotentParameterMismatch(
            "The client token you have provided is associated with a resource that is already "
            "deleted or that was launched with different parameters. Please use a different "
            "client token."
        )
    (reservation,) = reservations(ctx, earlier)
    return reservation


@operation("ec2", "RunInstances")
def run_instances(ctx: CallContext, params: dict) -> dict:
    min_count, max_count = _counts(params)
    if not params.get("ImageId"):
        raise missing_parameter("ImageId")
    # Launches of one account are serialised here: quotas and client tokens hold.
    quotas.lock_account(ctx)
    earlier = _idempotent(ctx, params)
    if earlier is not None:
        return earlier
    # Locked before the network (the lock order ranks groups before instances' parts).
    group = placement_groups.group_for_launch(ctx, params)
    image = find_image(ctx, params["ImageId"])
    if image.data["State"] != "available":
        raise errors.InvalidAMIIDUnavailable(
            f"AMI '{image.image_id}' is {image.data['State']}, and cannot be run"
        )
    itype = instance_types.require(params.get("InstanceType") or "m1.small")
    _check_architecture(itype, image)
    key_name = params.get("KeyName") or ""
    if key_name and not KeyPair.objects.visible_to(ctx).filter(key_name=key_name).exists():
        raise KeyPair.not_found(key_name)
    user_data = _user_data(params)
    shutdown = params.get("InstanceInitiatedShutdownBehavior") or "stop"
    if shutdown not in enums.SHUTDOWN_BEHAVIORS:
        raise errors.InvalidParameterValue(
            f"Value ({shutdown}) for parameter instanceInitiatedShutdownBehavior is invalid."
        )
    tags = _tags(params)
    net = _network(ctx, params, tags["network-interface"])
    zone = net.subnet.availability_zone
    instance_types.require(itype.name, zone)
    if group is not None:
        placement_groups.check_zone(group, zone)
    disks = _disks(ctx, params, image)
    if net.existing is not None and max_count > 1:
        raise errors.InvalidParameterCombination(
            "A network interface may be attached to only one instance: MaxCount must be 1."
        )
    count = quotas.capacity(ctx, itype, min_count, max_count)

    reservation_id = ids.resource_id("r")
    now = timezone.now()
    # Every row of the launch is written set-wise: one INSERT per table for all the
    # instances, not a dozen statements per instance.
    enis = _interfaces(ctx, net, [ids.resource_id("i") for _ in range(count)], min_count)
    launched: list[Instance] = []
    for index, eni in enumerate(enis):
        instance_id = eni.instance_id
        instance = Instance(
            resource_id=instance_id,
            account=ctx.account,
            region=ctx.region,
            reservation_id=reservation_id,
            client_token=params.get("ClientToken") or "",
            ami_launch_index=index,
            image_id=image.image_id,
            instance_type=itype.name,
            key_name=key_name,
            availability_zone=zone,
            placement_group_name=group.group_name if group is not None else "",
            subnet_resource_id=net.subnet.resource_id,
            vpc_resource_id=net.subnet.vpc.resource_id,
            primary_network_interface=eni,
            architecture=image.architecture,
            platform=image.platform,
            platform_details=image.data["PlatformDetails"],
            usage_operation=image.data["UsageOperation"],
            root_device_name=image.root_device_name,
            boot_mode=image.data.get("BootMode", ""),
            user_data=user_data,
            disable_api_termination=bool(params.get("DisableApiTermination")),
            disable_api_stop=bool(params.get("DisableApiStop")),
            shutdown_behavior=shutdown,
            ebs_optimized=bool(params.get("EbsOptimized")),
            launch_time=now,
            state_reason_code="pending",
            state_reason_message="pending",
            tags=dict(tags["instance"]),
        )
        instance.begin("pending", save=False)
        launched.append(instance)
    Instance.objects.bulk_create(launched)
    state_events.changed(launched, "pending")
    _attach_new_volumes(ctx, launched, disks, tags["volume"])
    lifecycle.schedule_many(launched)
    if image.row is not None:
        type(image.row).objects.filter(pk=image.row.pk).update(last_launched_at=now)
    rows = list(
        with_network(Instance.objects.filter(pk__in=[i.pk for i in launched])).order_by(
            "ami_launch_index"
        )
    )
    (reservation,) = reservations(ctx, rows)
    return reservation


def _interfaces(
    ctx: CallContext, net: Network, instance_ids: list[str], min_count: int
) -> list[NetworkInterface]:
    """The primary interface of each new instance, attached to it: the one the request
    names, or new ones (as many as the subnet has addresses for, at least MinCount)."""
    if net.existing is not None:
        network.attach_network_interface(
            net.existing, instance_ids[0], 0, delete_on_termination=net.delete_on_termination
        )
        return [net.existing]
    return network.create_attached_interfaces(
        ctx,
        net.subnet,
        net.groups,
        instance_ids,
        min_count=min_count,
        description=net.description,
        private_ip=net.private_ip,
        assign_public_ip=net.public_ip,
        delete_on_termination=net.delete_on_termination,
        tags=net.tags,
    )


def _attach_new_volumes(
    ctx: CallContext, instances: list[Instance], disks: list[Disk], tags: dict
) -> None:
    """Each instance's EBS volumes and their attachments, in one INSERT per table."""
    volumes: list[Volume] = []
    attachments: list[VolumeAttachment] = []
    for instance in instances:
        for disk in disks:
            volume = Volume(
                resource_id=ids.resource_id(Volume.id_prefix),
                account=ctx.account,
                region=ctx.region,
                availability_zone=instance.availability_zone,
                size=disk.size,
                volume_type=disk.volume_type,
                iops=disk.iops,
                throughput=disk.throughput,
                encrypted=disk.encrypted,
                snapshot_id=disk.snapshot_id,
                tags=dict(tags),
            )
            # Created straight into use: AWS shows launch volumes "in-use" from the start.
            volume.begin("in-use", save=False)
            attachment = VolumeAttachment(
                resource_id=ids.resource_id(VolumeAttachment.id_prefix),
                account=ctx.account,
                region=ctx.region,
                volume=volume,
                instance=instance,
                device=disk.device,
                delete_on_termination=disk.delete_on_termination,
            )
            attachment.begin("attaching", save=False)
            volumes.append(volume)
            attachments.append(attachment)
            ctx.touch(volume)
        ctx.touch(instance)
    Volume.objects.bulk_create(volumes)
    VolumeAttachment.objects.bulk_create(attachments)
    lifecycle.schedule_many([*volumes, *attachments])
