"""Network interface operations: CreateNetworkInterface, DeleteNetworkInterface,
DescribeNetworkInterfaces."""

from __future__ import annotations

from services.core import describe, filters, lookups
from services.core.context import CallContext
from services.core.operations import operation
from services.vpc import errors, network
from services.vpc.models import NetworkInterface, Subnet

FILTERS = filters.Spec(
    "DescribeNetworkInterfaces",
    {
        "network-interface-id": "resource_id",
        "subnet-id": "subnet__resource_id",
        "vpc-id": "vpc__resource_id",
        "availability-zone": "availability_zone",
        "private-ip-address": "private_ip_address",
        "addresses.private-ip-address": "private_ip_address",
        "association.public-ip": "public_ip",
        "attachment.instance-id": "instance_id",
        "attachment.attachment-id": "attachment_id",
        "attachment.device-index": "device_index",
        "attachment.status": "attachment_status",
        "description": "description",
        "group-id": "security_groups__resource_id",
        "group-name": "security_groups__group_name",
        "mac-address": "mac_address",
        "owner-id": "account_id",
        "requester-managed": describe.boolean("requester_managed"),
        "source-dest-check": describe.boolean("source_dest_check"),
        "status": "status",
        "interface-type": "interface_type",
    },
)


@operation("ec2", "CreateNetworkInterface")
def create_network_interface(ctx: CallContext, params: dict) -> dict:
    subnet = lookups.get(ctx, Subnet, params["SubnetId"])
    unsupported = [
        k
        for k in ("PrivateIpAddresses", "SecondaryPrivateIpAddressCount", "Ipv6Addresses",
                  "Ipv6AddressCount", "Ipv4Prefixes", "Ipv4PrefixCount")
        if params.get(k)
    ]  # fmt: skip
    if unsupported:
        raise errors.InvalidParameterValue(f"{unsupported[0]} is not simulated.")
    groups = network.security_groups(ctx, subnet.vpc, params.get("Groups") or [])
    tags = describe.tags_from_specifications(params, "network-interface")
    eni = network.create_network_interface(
        ctx,
        subnet,
        groups,
        description=params.get("Description", ""),
        private_ip=params.get("PrivateIpAddress"),
    )
    if tags:
        eni.tags = tags
        eni.save(update_fields=["tags"])
    ctx.touch(eni)
    result = {"NetworkInterface": eni.describe()}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


@operation("ec2", "DeleteNetworkInterface")
def delete_network_interface(ctx: CallContext, params: dict) -> dict:
    eni = lookups.get(ctx, NetworkInterface, params["NetworkInterfaceId"], for_update=True)
    if eni.status == "in-use" or eni.attachment_id or eni.requester_managed:
        raise errors.InvalidNetworkInterfaceInUse(
            f"The network interface '{eni.resource_id}' is currently in use."
        )
    ctx.touch(eni)
    network.delete_network_interface(eni)
    return {}


@operation("ec2", "DescribeNetworkInterfaces")
def describe_network_interfaces(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(
        NetworkInterface.objects.visible_to(ctx),
        NetworkInterface,
        params.get("NetworkInterfaceIds"),
    ).select_related("subnet", "vpc")
    return lookups.page(qs, params, FILTERS, "NetworkInterfaces", NetworkInterface.describe)
