"""Elastic IP operations: AllocateAddress, AssociateAddress, DisassociateAddress,
ReleaseAddress, DescribeAddresses."""

from __future__ import annotations

import ipaddress

from django.db.models import Q

from services.core import describe, filters, ids, locks, lookups, shapes
from services.core.context import CallContext
from services.core.operations import operation
from services.vpc import errors, network, quotas
from services.vpc.models import Address, InternetGateway, NetworkInterface

FILTERS = filters.Spec(
    "DescribeAddresses",
    {
        "allocation-id": "resource_id",
        "association-id": "association_id",
        "domain": "domain",
        "instance-id": "network_interface__instance_id",
        "network-interface-id": "network_interface__resource_id",
        "network-interface-owner-id": "network_interface__account_id",
        "private-ip-address": "private_ip_address",
        "public-ip": "public_ip",
        "network-border-group": "region",
    },
)


def public_ip(value: str) -> str:
    """`value` as an IPv4 address, or the error EC2 gives for a PublicIp that is none
    (the column is `inet`: such text must not reach the query)."""
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        raise errors.InvalidParameterValue(
            f"Invalid value '{value}' for PublicIp. Not a valid IPv4 address."
        ) from None


def _by_allocation_or_ip(ctx: CallContext, params: dict, *, for_update: bool = True) -> Address:
    qs = Address.objects.visible_to(ctx)
    if for_update:
        qs = locks.rows(qs)
    if params.get("AllocationId"):
        address = qs.filter(resource_id=params["AllocationId"]).first()
        if address is None:
            raise Address.not_found(params["AllocationId"])
        return address
    if params.get("PublicIp"):
        address = qs.filter(public_ip=public_ip(params["PublicIp"])).first()
        if address is None:
            # AWS answers AuthFailure for an address it cannot show you.
            raise errors.AuthFailure(f"The address '{params['PublicIp']}' does not belong to you.")
        return address
    raise errors.MissingParameter("The request must contain the parameter AllocationId")


@operation("ec2", "AllocateAddress")
def allocate_address(ctx: CallContext, params: dict) -> dict:
    domain = params.get("Domain", "vpc")
    if domain not in shapes.enum_values("ec2", "DomainType"):
        raise errors.InvalidParameterValue(f"Value ({domain}) for parameter domain is invalid.")
    if params.get("Address") or params.get("PublicIpv4Pool") or params.get("IpamPoolId"):
        raise errors.InvalidParameterValue("Bring-your-own IP pools are not simulated.")
    tags = describe.tags_from_specifications(params, "elastic-ip")
    quotas.lock_account(ctx)
    quotas.check(
        Address.objects.visible_to(ctx).count(),
        quotas.ELASTIC_IPS_PER_REGION,
        "AddressLimitExceeded",
        "The maximum number of addresses has been reached.",
    )
    address = Address(
        account=ctx.account,
        region=ctx.region,
        public_ip=network.public_ip_from_pool(),
        domain="vpc",  # EC2-Classic is retired: every address is a VPC address
        tags=tags,
    )
    address.save()
    ctx.touch(address)
    return {
        "AllocationId": address.resource_id,
        "PublicIp": address.public_ip,
        "Domain": address.domain,
        "PublicIpv4Pool": "amazon",
        "NetworkBorderGroup": ctx.region,
    }


def _instance_interface(ctx: CallContext, instance_id: str) -> NetworkInterface:
    """The primary interface of an EC2 instance. The EC2 service owns instances and
    answers through the `network.instance_interface` hook, so that the VPC service works
    without it."""
    eni = network.instance_interface(ctx, instance_id)
    if eni is None:
        eni = (
            NetworkInterface.objects.visible_to(ctx)
            .filter(instance_id=instance_id, device_index=0)
            .first()
        )
    if eni is None:
        raise errors.InvalidInstanceIDNotFound(f"The instance ID '{instance_id}' does not exist")
    return eni


def _disassociate(address: Address) -> None:
    eni = address.network_interface
    address.network_interface = None
    address.association_id = None
    address.private_ip_address = None
    address.save(update_fields=["network_interface", "association_id", "private_ip_address"])
    if eni is not None:
        # An interface that was launched with a public IP gets a new one back.
        eni.public_ip = network.public_ip_from_pool() if eni.wants_public_ip else None
        eni.save(update_fields=["public_ip"])


@operation("ec2", "AssociateAddress")
def associate_address(ctx: CallContext, params: dict) -> dict:
    address = _by_allocation_or_ip(ctx, params, for_update=False)
    if params.get("InstanceId") and params.get("NetworkInterfaceId"):
        raise errors.InvalidParameterCombination(
            "Only one of instanceId or networkInterfaceId may be specified"
        )
    if params.get("InstanceId"):
        eni = _instance_interface(ctx, params["InstanceId"])
    elif params.get("NetworkInterfaceId"):
        eni = lookups.get(ctx, NetworkInterface, params["NetworkInterfaceId"])
    else:
        raise errors.MissingParameter(
            "Either instance ID or network interface ID must be specified"
        )
    # Lock order (services.core.locks): the interfaces first (this one and the one the
    # address leaves), then the addresses (this one and the one the interface drops).
    # Whatever changed between the look-up and the lock (a release, another association)
    # makes the call run again, and its look-ups then answer for the new state.
    enis = {e.pk: e for e in locks.rows(_interfaces(eni.pk, address.network_interface_id))}
    if eni.pk not in enis:
        raise locks.Moved()
    eni = enis[eni.pk]
    current = Address.objects.filter(network_interface=eni).exclude(pk=address.pk).first()
    wanted = Q(pk=address.pk) | Q(pk=current.pk if current else None)
    addresses = {a.pk: a for a in locks.rows(Address.objects.filter(wanted))}
    if address.pk not in addresses or (current is not None and current.pk not in addresses):
        raise locks.Moved()
    address = addresses[address.pk]
    current = addresses.get(current.pk) if current else None
    if address.network_interface_id not in (None, *enis) or (
        current is not None and current.network_interface_id != eni.pk
    ):
        raise locks.Moved()
    private_ip = params.get("PrivateIpAddress") or eni.private_ip_address
    if private_ip != eni.private_ip_address:
        raise errors.InvalidParameterValue(
            f"The private IP address {private_ip} is not assigned to {eni.resource_id}"
        )
    if eni.requester_managed:
        raise errors.AuthFailure("You do not have permission to access the specified resource.")
    if not InternetGateway.objects.filter(vpc_id=eni.vpc_id).exists():
        # VPC-06: a public address needs the VPC's internet gateway.
        raise errors.GatewayNotAttached(
            f"Network {eni.vpc.resource_id} is not attached to any internet gateway"
        )
    if address.network_interface_id == eni.pk:
        return {"AssociationId": address.association_id}
    if address.network_interface_id:
        if not params.get("AllowReassociation"):
            raise errors.ResourceAlreadyAssociated(
                f"resource {address.resource_id} is already associated with associate-id "
                f"{address.association_id}"
            )
        _disassociate(address)
    if current is not None:
        _disassociate(current)
        eni.refresh_from_db()
    address.network_interface = eni
    address.association_id = ids.resource_id("eipassoc")
    address.private_ip_address = eni.private_ip_address
    address.save(update_fields=["network_interface", "association_id", "private_ip_address"])
    # The Elastic IP replaces the interface's auto-assigned public IP.
    eni.public_ip = address.public_ip
    eni.save(update_fields=["public_ip"])
    ctx.touch(address)
    return {"AssociationId": address.association_id}


@operation("ec2", "DisassociateAddress")
def disassociate_address(ctx: CallContext, params: dict) -> dict:
    if params.get("AssociationId"):
        address = (
            Address.objects.visible_to(ctx).filter(association_id=params["AssociationId"]).first()
        )
        if address is None:
            raise errors.InvalidAssociationIDNotFound(
                f"The association ID '{params['AssociationId']}' does not exist"
            )
    else:
        address = _by_allocation_or_ip(ctx, params, for_update=False)
        if not address.network_interface_id:
            return {}
    # The interface before the address (services.core.locks), then check nothing moved.
    list(locks.rows(_interfaces(address.network_interface_id)))
    eni_id = address.network_interface_id
    address = (
        locks.rows(Address.objects.filter(pk=address.pk))
        .select_related("network_interface")
        .first()
    )
    if address is None or address.network_interface_id != eni_id:
        raise locks.Moved()
    if address.network_interface and address.network_interface.requester_managed:
        raise errors.AuthFailure("You do not have permission to access the specified resource.")
    _disassociate(address)
    ctx.touch(address)
    return {}


def _interfaces(*pks: int | None):
    return NetworkInterface.objects.filter(pk__in=[pk for pk in pks if pk])


@operation("ec2", "ReleaseAddress")
def release_address(ctx: CallContext, params: dict) -> dict:
    address = _by_allocation_or_ip(ctx, params)
    in_use = (
        address.network_interface_id or address.nat_gateways.exclude(state__in=["deleted"]).exists()
    )
    if in_use:
        raise errors.InvalidIPAddressInUse(f"Address {address.resource_id} is in use.")
    ctx.touch(address)
    address.delete()
    return {}


@operation("ec2", "DescribeAddresses")
def describe_addresses(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(
        Address.objects.visible_to(ctx), Address, params.get("AllocationIds")
    ).select_related("network_interface", "network_interface__subnet")
    ips = [public_ip(ip) for ip in params.get("PublicIps") or []]
    if ips:
        qs = qs.filter(public_ip__in=ips)
        found = set(qs.values_list("public_ip", flat=True))
        for ip in ips:
            if ip not in found:
                raise errors.InvalidAddressNotFound(f"Address '{ip}' not found.")
    return lookups.page(qs, params, FILTERS, "Addresses", Address.describe, paged=False)
