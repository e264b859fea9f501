"""VPC operations: CreateVpc, DeleteVpc, DescribeVpcs, CreateDefaultVpc, the VPC
attributes and secondary CIDR blocks (VPC-01, VPC-02, VPC-05, VPC-16)."""

from __future__ import annotations

from django.db.models import Q

from services.core import constraints, describe, ids, locks, lookups
from services.core import filters as engine
from services.core.context import CallContext
from services.core.errors import missing_parameter
from services.core.operations import operation
from services.vpc import cidr, defaults, errors, quotas
from services.vpc.models import (
    InternetGateway,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
    VpcCidrBlock,
)


def _dhcp_filter(ctx: CallContext):
    def build(values: list[str]) -> Q:
        probe = Vpc(account=ctx.account, region=ctx.region)
        return Q() if probe.dhcp_options_id in values else Q(pk__in=[])

    return build


def filters(ctx: CallContext) -> describe.FilterSpec:
    return engine.Spec(
        "DescribeVpcs",
        {
            "vpc-id": "resource_id",
            "cidr": "cidr_block",
            # Older names AWS still answers and tools still send (a provisioning tool's
            # VPC module filters on `cidr-block` first; `isDefault`, `cidrBlock` are the
            # query API's own spellings).
            "cidr-block": "cidr_blocks__cidr_block",
            "cidrBlock": "cidr_blocks__cidr_block",
            "isDefault": describe.boolean("is_default"),
            "cidr-block-association.cidr-block": "cidr_blocks__cidr_block",
            "cidr-block-association.association-id": "cidr_blocks__association_id",
            "cidr-block-association.state": lambda values: (
                Q() if "associated" in values else Q(pk__in=[])
            ),
            "dhcp-options-id": _dhcp_filter(ctx),
            "is-default": describe.boolean("is_default"),
            "owner-id": "account_id",
            "state": "state",
        },
    )


def _check_vpc_quota(ctx: CallContext) -> None:
    quotas.lock_account(ctx)
    quotas.check(
        Vpc.objects.visible_to(ctx).count(),
        quotas.VPCS_PER_REGION,
        "VpcLimitExceeded",
        "The maximum number of VPCs has been reached.",
    )


@operation("ec2", "CreateVpc")
def create_vpc(ctx: CallContext, params: dict) -> dict:
    if not params.get("CidrBlock"):
        if params.get("Ipv4IpamPoolId"):
            raise errors.InvalidParameterValue("IPAM pools are not simulated.")
        raise missing_parameter("cidrBlock")
    block = cidr.vpc_block(params["CidrBlock"])
    tenancy = params.get("InstanceTenancy", "default")
    if tenancy not in ("default", "dedicated"):
        raise errors.InvalidParameterValue(
            f"Value ({tenancy}) for parameter instanceTenancy is invalid."
        )
    tags = describe.tags_from_specifications(params, "vpc")
    _check_vpc_quota(ctx)
    vpc = Vpc(
        account=ctx.account,
        region=ctx.region,
        cidr_block=block.text,
        instance_tenancy=tenancy,
        tags=tags,
    )
    vpc.save()
    defaults.scaffold([vpc])
    ctx.touch(vpc)
    return {"Vpc": vpc.describe()}


@operation("ec2", "CreateDefaultVpc")
def create_default_vpc(ctx: CallContext, params: dict) -> dict:
    _check_vpc_quota(ctx)
    existing = Vpc.objects.visible_to(ctx).filter(is_default=True).first()
    if existing is not None:
        raise errors.DefaultVpcAlreadyExists(
            "A Default VPC already exists for this account in this region."
        )
    quotas.check(
        InternetGateway.objects.visible_to(ctx).count(),
        quotas.INTERNET_GATEWAYS_PER_REGION,
        "InternetGatewayLimitExceeded",
        "The maximum number of internet gateways has been reached.",
    )
    (vpc,) = defaults.create_default_vpcs(ctx.account, [ctx.region])
    ctx.touch(vpc)
    return {"Vpc": vpc.describe()}


def _has_dependencies(vpc: Vpc) -> bool:
    """VPC-16: what AWS makes you delete before the VPC itself."""
    return (
        Subnet.objects.filter(vpc=vpc).exists()
        or InternetGateway.objects.filter(vpc=vpc).exists()
        or NatGateway.objects.filter(vpc=vpc).exclude(state="deleted").exists()
        or NetworkInterface.objects.filter(vpc=vpc).exists()
        or RouteTable.objects.filter(vpc=vpc).exclude(associations__main=True).exists()
        or NetworkAcl.objects.filter(vpc=vpc, is_default=False).exists()
        or SecurityGroup.objects.filter(vpc=vpc).exclude(group_name="default").exists()
    )


# A subnet, interface or gateway added by a racing call after DeleteVpc's own check.
constraints.on_protected(Vpc, constraints.has_dependencies("vpc"))


@operation("ec2", "DeleteVpc")
def delete_vpc(ctx: CallContext, params: dict) -> dict:
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    if _has_dependencies(vpc):
        raise constraints.dependency_error(Vpc, vpc.resource_id)
    ctx.touch(vpc)
    # The main route table, default ACL and default group go with the VPC; the default
    # group's self-reference must go before the group itself.
    for group in vpc.security_groups.all():
        group.rules.all().delete()
    NatGateway.objects.filter(vpc=vpc).delete()
    vpc.security_groups.all().delete()
    vpc.route_tables.all().delete()
    vpc.network_acls.all().delete()
    vpc.delete()
    return {}


@operation("ec2", "DescribeVpcs")
def describe_vpcs(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(Vpc.objects.visible_to(ctx), Vpc, params.get("VpcIds"))
    return lookups.page(
        qs.prefetch_related("cidr_blocks"), params, filters(ctx), "Vpcs", Vpc.describe
    )


_ATTRIBUTES = {
    "enableDnsSupport": ("EnableDnsSupport", "enable_dns_support"),
    "enableDnsHostnames": ("EnableDnsHostnames", "enable_dns_hostnames"),
    "enableNetworkAddressUsageMetrics": ("EnableNetworkAddressUsageMetrics", None),
}


@operation("ec2", "DescribeVpcAttribute")
def describe_vpc_attribute(ctx: CallContext, params: dict) -> dict:
    vpc = lookups.get(ctx, Vpc, params["VpcId"])
    name = params["Attribute"]
    if name not in _ATTRIBUTES:
        raise errors.InvalidParameterValue(f"Value ({name}) for parameter attribute is invalid.")
    key, field = _ATTRIBUTES[name]
    return {"VpcId": vpc.resource_id, key: {"Value": bool(field and getattr(vpc, field))}}


@operation("ec2", "ModifyVpcAttribute")
def modify_vpc_attribute(ctx: CallContext, params: dict) -> dict:
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    given = [k for k in ("EnableDnsSupport", "EnableDnsHostnames") if k in params]
    if len(given) != 1:
        raise errors.InvalidParameterCombination(
            "Fields for multiple attribute types specified: " + ", ".join(given)
            if given
            else "No attributes specified."
        )
    value = bool(params[given[0]].get("Value"))
    if given[0] == "EnableDnsSupport":
        vpc.enable_dns_support = value
    else:
        if value and not vpc.enable_dns_support:
            raise errors.InvalidParameterValue(
                "enableDnsHostnames can only be enabled when enableDnsSupport is enabled."
            )
        vpc.enable_dns_hostnames = value
    vpc.save(update_fields=["enable_dns_support", "enable_dns_hostnames"])
    ctx.touch(vpc)
    return {}


@operation("ec2", "AssociateVpcCidrBlock")
def associate_vpc_cidr_block(ctx: CallContext, params: dict) -> dict:
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    if not params.get("CidrBlock"):
        raise missing_parameter("cidrBlock")
    block = cidr.vpc_block(params["CidrBlock"])
    existing = list(vpc.cidr_blocks.all())
    quotas.check(
        len(existing),
        quotas.CIDR_BLOCKS_PER_VPC,
        "CidrLimitExceeded",
        f"This network '{vpc.resource_id}' has met its maximum number of allowed CIDRs: "
        f"{quotas.CIDR_BLOCKS_PER_VPC}",
    )
    for other in existing:
        if block.overlaps(cidr.parse(other.cidr_block)):
            raise errors.InvalidVpcRange(
                f"The CIDR '{block.text}' conflicts with another CIDR block in the VPC."
            )
    assoc = VpcCidrBlock.objects.create(
        vpc=vpc,
        association_id=ids.resource_id("vpc-cidr-assoc"),
        cidr_block=block.text,
        first_address=block.first,
        last_address=block.last,
    )
    # The new block is reachable inside the VPC: every route table gets its local route.
    for table in vpc.route_tables.all():
        table.routes.create(
            destination_cidr_block=block.text, gateway_id="local", origin="CreateRouteTable"
        )
    ctx.touch(vpc)
    return {"VpcId": vpc.resource_id, "CidrBlockAssociation": assoc.describe()}


@operation("ec2", "DisassociateVpcCidrBlock")
def disassociate_vpc_cidr_block(ctx: CallContext, params: dict) -> dict:
    assoc_id = params["AssociationId"]
    assoc = (
        VpcCidrBlock.objects.select_related("vpc")
        .filter(association_id=assoc_id, vpc__account_id=ctx.account.id, vpc__region=ctx.region)
        .first()
    )
    if assoc is None:
        raise errors.InvalidVpcCidrBlockAssociationIDNotFound(
            f"The vpc CIDR block association ID '{assoc_id}' does not exist"
        )
    vpc = locks.rows(Vpc.objects.filter(pk=assoc.vpc_id)).get()
    if assoc.primary:
        raise errors.OperationNotPermitted(
            f"The vpc CIDR block with association ID {assoc_id} may not be disassociated. "
            "It is the primary IPv4 CIDR block of the VPC"
        )
    in_use = Subnet.objects.filter(
        vpc=vpc, first_address__gte=assoc.first_address, last_address__lte=assoc.last_address
    ).exists()
    if in_use:
        raise errors.InvalidCidrBlockInUse(
            f"The vpc {vpc.resource_id} currently has a subnet within CIDR block {assoc.cidr_block}"
        )
    for table in vpc.route_tables.all():
        table.routes.filter(destination_cidr_block=assoc.cidr_block, gateway_id="local").delete()
    result = assoc.describe()
    result["CidrBlockState"] = {"State": "disassociating"}
    assoc.delete()
    ctx.touch(vpc)
    return {"VpcId": vpc.resource_id, "CidrBlockAssociation": result}
