"""The VPC service's interface for other services (EC2 instances, NAT gateways, load
balancers). Keep it stable; everything here runs inside the caller's operation.

Interfaces
    create_network_interface(ctx, subnet, security_groups, *, description="",
                             private_ip=None, assign_public_ip=False) -> NetworkInterface
        Allocates the lowest free private IPv4 address of `subnet`, skipping the five
        reserved ones (VPC-03), under a row lock on the subnet; PostgreSQL's unique
        (subnet, private_ip_address) constraint backs it up. Raises AWS
        `InsufficientFreeAddressesInSubnet` when the subnet is full, `InvalidParameterValue`
        or `InvalidIPAddress.InUse` for a bad or taken `private_ip`. With
        `assign_public_ip` the interface gets a public IPv4 address from the simulated
        Amazon pool (and gets a new one on every `assign_public_ip`).
    create_attached_interfaces(ctx, subnet, security_groups, instance_ids, *, min_count=1,
                               description="", private_ip=None, assign_public_ip=False,
                               delete_on_termination=True, tags=None) -> list[NetworkInterface]
        RunInstances' batch: one interface per instance id, already attached at device
        index 0, all under one subnet lock and written by one INSERT; as many as the
        subnet has addresses for (InsufficientFreeAddressesInSubnet below `min_count`).
    attach_network_interface(eni, instance_id, device_index=0, *, delete_on_termination=True)
    detach_network_interface(eni)
    delete_network_interface(eni)
        Disassociates its Elastic IP (which stays allocated) and deletes the row.
    release_public_ip(eni)
        On stop: the auto-assigned public IP goes back to the pool. An Elastic IP stays.
    assign_public_ip(eni) -> str | None
        On start: a NEW public IP if the interface was created with assign_public_ip and
        has no Elastic IP; returns the interface's public IP (or None).
    assign_public_ips(enis)
        The same for the interfaces of instances started together, in one UPDATE.
    public_ip_from_pool() -> str, public_ips_from_pool(count) -> list[str]

Lookups (raise the AWS not-found errors)
    get_subnet(ctx, subnet_id), get_vpc(ctx, vpc_id), get_network_interface(ctx, eni_id),
    default_vpc(ctx) -> Vpc | None,
    default_subnet(ctx, availability_zone=None) -> Subnet,
    security_groups(ctx, vpc, group_ids=(), group_names=()) -> list[SecurityGroup]
        (no ids and no names: the VPC's default group).

Types: Vpc, Subnet, SecurityGroup, NetworkInterface, Address. Other services import them
from here, never from services.vpc.models (tests/core/test_layers.py checks it): they are
handles for type hints, ForeignKeys (as "vpc.Subnet" strings) and read-only console
queries; every change goes through the functions above or a VPC operation.

Hooks VPC declares and others fill (services/core/hooks.py explains hooks)
    instance_interface(ctx, instance_id) -> NetworkInterface | None
        The primary interface of instance `instance_id` (AssociateAddress with an
        InstanceId). EC2 fills it and raises InvalidInstanceID.NotFound for an unknown
        or terminated instance; without EC2 the interface attached at device index 0 is
        looked up by the instance id it records.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.utils import timezone

from services.core import constraints, ids, locks, lookups
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.hooks import Hook
from services.vpc import cidr, errors, quotas
from services.vpc.models import Address, NetworkInterface, SecurityGroup, Subnet, Vpc

__all__ = [
    "Address",
    "NetworkInterface",
    "SecurityGroup",
    "Subnet",
    "Vpc",
    "assign_public_ip",
    "assign_public_ips",
    "attach_network_interface",
    "create_attached_interfaces",
    "create_network_interface",
    "default_subnet",
    "default_vpc",
    "delete_network_interface",
    "detach_network_interface",
    "get_network_interface",
    "get_subnet",
    "get_vpc",
    "instance_interface",
    "public_ip_from_pool",
    "public_ips_from_pool",
    "release_public_ip",
    "security_groups",
]


def _no_instance_service(ctx: CallContext, instance_id: str) -> NetworkInterface | None:
    return None


instance_interface: Hook[Callable[[CallContext, str], NetworkInterface | None]] = Hook(
    "vpc.instance_interface", _no_instance_service
)

# Where simulated public addresses come from: blocks that AWS itself announces.
PUBLIC_POOL = [
    cidr.parse(b)
    for b in ("3.80.0.0/12", "18.204.0.0/14", "34.192.0.0/10", "44.192.0.0/11", "54.144.0.0/12")
]


def get_vpc(ctx: CallContext, vpc_id: str | None, *, for_update: bool = False) -> Vpc:
    return lookups.get(ctx, Vpc, vpc_id, for_update=for_update)


def get_subnet(ctx: CallContext, subnet_id: str | None, *, for_update: bool = False) -> Subnet:
    return lookups.get(ctx, Subnet, subnet_id, for_update=for_update)


def get_network_interface(
    ctx: CallContext, eni_id: str | None, *, for_update: bool = False
) -> NetworkInterface:
    return lookups.get(ctx, NetworkInterface, eni_id, for_update=for_update)


def default_vpc(ctx: CallContext) -> Vpc | None:
    return Vpc.objects.visible_to(ctx).filter(is_default=True).first()


def default_subnet(ctx: CallContext, availability_zone: str | None = None) -> Subnet:
    """The default subnet of the default VPC (in `availability_zone`, or the first AZ),
    as RunInstances uses when no subnet is given."""
    vpc = default_vpc(ctx)
    if vpc is None:
        raise errors.VPCIdNotSpecified("No default VPC for this user")
    qs = vpc.subnets.filter(default_for_az=True).order_by("availability_zone")
    if availability_zone:
        qs = qs.filter(availability_zone=availability_zone)
    subnet = qs.first()
    if subnet is None:
        raise errors.MissingInput(
            f"No subnets found for the default VPC '{vpc.resource_id}'. Please specify a subnet."
        )
    return subnet


def security_groups(
    ctx: CallContext,
    vpc: Vpc,
    group_ids: list[str] | tuple[str, ...] = (),
    group_names: list[str] | tuple[str, ...] = (),
) -> list[SecurityGroup]:
    """The groups named by id or name, all in `vpc` (VPC-13); none given: the default one."""
    if not group_ids and not group_names:
        group = vpc.default_security_group
        return [group] if group else []
    found = []
    visible = SecurityGroup.objects.visible_to(ctx)
    for group_id in group_ids:
        group = visible.filter(resource_id=group_id).first()
        if group is None:
            raise SecurityGroup.not_found(group_id)
        if group.vpc_id != vpc.pk:
            raise errors.InvalidParameter(
                f"Security group {group_id} and subnet belong to different networks."
            )
        found.append(group)
    for name in group_names:
        group = visible.filter(vpc=vpc, group_name=name).first()
        if group is None:
            raise errors.InvalidGroupNotFound(
                f"The security group '{name}' does not exist in VPC '{vpc.resource_id}'"
            )
        found.append(group)
    return found


def _mac_address() -> str:
    # Locally administered unicast, as the MACs AWS gives interfaces are.
    first = secrets.choice("02468ace")
    rest = secrets.token_hex(5)
    return ":".join([f"0{first}"] + [rest[i : i + 2] for i in range(0, 10, 2)])


def public_ip_from_pool() -> str:
    """A public IPv4 address no interface or Elastic IP of the installation holds."""
    return public_ips_from_pool(1)[0]


def _random_public_ip() -> str | None:
    block = secrets.choice(PUBLIC_POOL)
    value = block.first + 1 + secrets.randbelow(block.size - 2)
    return None if value & 0xFF in (0, 255) else cidr.ip_text(value)


def public_ips_from_pool(count: int) -> list[str]:
    """`count` distinct public IPv4 addresses no interface or Elastic IP holds, drawn at
    random and checked against both tables in one query each (a launch of 20 asks once)."""
    found: list[str] = []
    for _ in range(50):
        wanted = count - len(found)
        if wanted <= 0:
            return found
        drawn = {ip for ip in (_random_public_ip() for _ in range(wanted + 4)) if ip}
        drawn -= set(found)
        taken = {
            ip
            for model in (NetworkInterface, Address)
            for ip in model.objects.filter(public_ip__in=drawn).values_list("public_ip", flat=True)
        }
        found += sorted(drawn - taken)[:wanted]
    if len(found) >= count:
        return found[:count]
    raise errors.InsufficientAddressCapacity("There are not enough public addresses right now.")


def address_in_use(address: str) -> AwsError:
    return errors.InvalidIPAddressInUse(f"Address {address} is in use.")


# Two calls picking one address at once: the unique constraint decides.
constraints.on_violation(
    NetworkInterface,
    "eni_private_ip_unique_in_subnet",
    # A batch insert (create_attached_interfaces) saves no single row to name: the
    # address the call asked for is the one another call can have taken meanwhile.
    lambda v: address_in_use(
        v.row.private_ip_address if v.row is not None else v.params.get("PrivateIpAddress", "")
    ),
)


def _pick_private_ip(subnet: Subnet, requested: str | None) -> str:
    picked = _pick_private_ips(subnet, requested, 1)
    if not picked:
        raise _subnet_full(subnet)
    return picked[0]


def _subnet_full(subnet: Subnet) -> AwsError:
    return errors.InsufficientFreeAddressesInSubnet(
        f"There are not enough free addresses in subnet '{subnet.resource_id}' to satisfy "
        "the requested number of instances."
    )


def _pick_private_ips(subnet: Subnet, requested: str | None, count: int) -> list[str]:
    """Up to `count` free addresses of `subnet` (fewer when it is full): `requested`
    first when given, then the lowest free ones, from one read of the used addresses."""
    used = {
        cidr.ip_int(ip)
        for ip in NetworkInterface.objects.filter(subnet=subnet).values_list(
            "private_ip_address", flat=True
        )
    }
    picked = []
    if requested:
        picked.append(_requested_ip(subnet, requested, used))
        used.add(cidr.ip_int(requested))
    usable = cidr.usable_range(subnet.first_address, subnet.last_address)
    for value in usable:
        if len(picked) >= count:
            break
        if value not in used:
            picked.append(cidr.ip_text(value))
    return picked


def _requested_ip(subnet: Subnet, requested: str, used: set[int]) -> str:
    usable = cidr.usable_range(subnet.first_address, subnet.last_address)
    try:
        value = cidr.ip_int(requested)
    except ValueError as exc:
        raise errors.InvalidParameterValue(
            f"Value ({requested}) for parameter privateIpAddress is invalid."
        ) from exc
    if not subnet.first_address <= value <= subnet.last_address:
        raise errors.InvalidParameterValue(
            f"Address {requested} does not fall within the subnet's address range"
        )
    if value not in usable:
        raise errors.InvalidParameterValue(
            f"Address {requested} is reserved by AWS and cannot be assigned."
        )
    if value in used:
        raise address_in_use(requested)
    return requested


def create_network_interface(
    ctx: CallContext,
    subnet: Subnet,
    security_groups: list[SecurityGroup],
    *,
    description: str = "",
    private_ip: str | None = None,
    assign_public_ip: bool = False,
    interface_type: str = "interface",
    requester_managed: bool = False,
) -> NetworkInterface:
    """A new interface in `subnet` with the next free private IP (see the module doc)."""
    _check_groups(subnet, security_groups)
    # The lock on the subnet row serialises allocation in this subnet only: concurrent
    # launches into other subnets do not wait.
    locked = locks.rows(Subnet.objects.filter(pk=subnet.pk)).get()
    eni = NetworkInterface(
        account=ctx.account,
        region=ctx.region,
        subnet=locked,
        vpc_id=locked.vpc_id,
        availability_zone=locked.availability_zone,
        private_ip_address=_pick_private_ip(locked, private_ip),
        public_ip=public_ip_from_pool() if assign_public_ip else None,
        wants_public_ip=assign_public_ip,
        description=description,
        mac_address=_mac_address(),
        interface_type=interface_type,
        requester_managed=requester_managed,
    )
    eni.save()  # a concurrent pick of the same address loses on the unique constraint
    if security_groups:
        eni.security_groups.set(security_groups)
    return eni


def create_attached_interfaces(
    ctx: CallContext,
    subnet: Subnet,
    security_groups: list[SecurityGroup],
    instance_ids: list[str],
    *,
    min_count: int = 1,
    description: str = "",
    private_ip: str | None = None,
    assign_public_ip: bool = False,
    delete_on_termination: bool = True,
    tags: dict | None = None,
) -> list[NetworkInterface]:
    """A new interface in `subnet` attached (device index 0) to each of `instance_ids`,
    as RunInstances makes them: `create_network_interface` and
    `attach_network_interface` for all of them at once, under one lock of the subnet, with
    the addresses picked from one read and the rows written by one INSERT each (the
    unique (subnet, address) constraint still backs the lock up). `private_ip` goes to
    the first. A subnet too full for all of them gives as many as it has addresses for,
    or `InsufficientFreeAddressesInSubnet` when that is fewer than `min_count`."""
    _check_groups(subnet, security_groups)
    locked = locks.rows(Subnet.objects.filter(pk=subnet.pk)).get()
    addresses = _pick_private_ips(locked, private_ip, len(instance_ids))
    if len(addresses) < min(min_count, len(instance_ids)):
        raise _subnet_full(locked)
    publics = public_ips_from_pool(len(addresses)) if assign_public_ip else []
    now = timezone.now()
    enis = [
        NetworkInterface(
            resource_id=ids.resource_id(NetworkInterface.id_prefix),
            account=ctx.account,
            region=ctx.region,
            subnet=locked,
            vpc_id=locked.vpc_id,
            availability_zone=locked.availability_zone,
            private_ip_address=address,
            public_ip=publics[n] if publics else None,
            wants_public_ip=assign_public_ip,
            description=description,
            mac_address=_mac_address(),
            tags=dict(tags or {}),
            instance_id=instance_id,
            device_index=0,
            attachment_id=ids.resource_id("eni-attach"),
            attachment_status="attached",
            attach_time=now,
            delete_on_termination=delete_on_termination,
            status="in-use",
        )
        for n, (address, instance_id) in enumerate(zip(addresses, instance_ids, strict=False))
    ]
    NetworkInterface.objects.bulk_create(enis)
    through = NetworkInterface.security_groups.through
    through.objects.bulk_create(
        through(networkinterface_id=eni.pk, securitygroup_id=group.pk)
        for eni in enis
        for group in security_groups
    )
    return enis


def _check_groups(subnet: Subnet, security_groups: list[SecurityGroup]) -> None:
    if len(security_groups) > quotas.SECURITY_GROUPS_PER_INTERFACE:
        raise errors.SecurityGroupsPerInterfaceLimitExceeded(
            "The maximum number of security groups per interface has been reached."
        )
    for group in security_groups:
        if group.vpc_id != subnet.vpc_id:
            raise errors.InvalidParameterValue(
                f"Security group {group.resource_id} and subnet {subnet.resource_id} "
                "belong to different networks."
            )


def attach_network_interface(
    eni: NetworkInterface,
    instance_id: str,
    device_index: int = 0,
    *,
    delete_on_termination: bool = True,
) -> None:
    eni.instance_id = instance_id
    eni.device_index = device_index
    eni.attachment_id = ids.resource_id("eni-attach")
    eni.attachment_status = "attached"
    eni.attach_time = timezone.now()
    eni.delete_on_termination = delete_on_termination
    eni.status = "in-use"
    eni.save()


def detach_network_interface(eni: NetworkInterface) -> None:
    eni.instance_id = ""
    eni.device_index = None
    eni.attachment_id = ""
    eni.attachment_status = ""
    eni.attach_time = None
    eni.status = "available"
    eni.save()


def delete_network_interface(eni: NetworkInterface) -> None:
    """Remove `eni`; an Elastic IP on it is disassociated and stays allocated."""
    Address.objects.filter(network_interface=eni).update(
        network_interface=None, association_id=None, private_ip_address=None
    )
    eni.security_groups.clear()
    eni.delete()


def release_public_ip(eni: NetworkInterface) -> None:
    """On stop: the auto-assigned public IP is released; an Elastic IP stays."""
    if eni.elastic_ip is None and eni.public_ip:
        eni.public_ip = None
        eni.save(update_fields=["public_ip"])


def assign_public_ip(eni: NetworkInterface) -> str | None:
    """On start: a new public IP for an interface that had one and has no Elastic IP."""
    assign_public_ips([eni])
    return eni.public_ip


def assign_public_ips(enis: list[NetworkInterface]) -> None:
    """`assign_public_ip` for the interfaces of instances started together: the new
    addresses drawn at once and written in one UPDATE."""
    todo = [eni for eni in enis if eni.elastic_ip is None and eni.wants_public_ip]
    if not todo:
        return
    for eni, ip in zip(todo, public_ips_from_pool(len(todo)), strict=True):
        eni.public_ip = ip
    NetworkInterface.objects.bulk_update(todo, ["public_ip"])
