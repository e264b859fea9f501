"""Internet gateway and NAT gateway operations (VPC-06, VPC-09)."""

from __future__ import annotations

from django.db.models import Q

from services.core import constraints, describe, filters, lookups, shapes
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.vpc import errors, network, quotas
from services.vpc.models import Address, InternetGateway, NatGateway, NetworkInterface, Subnet, Vpc

IGW_FILTERS = filters.Spec(
    "DescribeInternetGateways",
    {
        "internet-gateway-id": "resource_id",
        "attachment.vpc-id": "vpc__resource_id",
        "attachment.state": lambda values: (
            Q(vpc__isnull=False) if {"available", "attached"} & set(values) else Q(pk__in=[])
        ),
        "owner-id": "account_id",
    },
)

NAT_FILTERS = filters.Spec(
    "DescribeNatGateways",
    {
        "nat-gateway-id": "resource_id",
        "state": "state",
        "subnet-id": "subnet__resource_id",
        "vpc-id": "vpc__resource_id",
    },
)


# --- internet gateways -------------------------------------------------------------------


@operation("ec2", "CreateInternetGateway")
def create_internet_gateway(ctx: CallContext, params: dict) -> dict:
    tags = describe.tags_from_specifications(params, "internet-gateway")
    quotas.lock_account(ctx)
    quotas.check(
        InternetGateway.objects.visible_to(ctx).count(),
        quotas.INTERNET_GATEWAYS_PER_REGION,
        "InternetGatewayLimitExceeded",
        "The maximum number of internet gateways has been reached.",
    )
    igw = InternetGateway(account=ctx.account, region=ctx.region, tags=tags)
    igw.save()
    ctx.touch(igw)
    return {"InternetGateway": igw.describe()}


@operation("ec2", "DeleteInternetGateway")
def delete_internet_gateway(ctx: CallContext, params: dict) -> dict:
    igw = lookups.get(ctx, InternetGateway, params["InternetGatewayId"], for_update=True)
    if igw.vpc_id:
        raise constraints.has_dependencies("internetGateway")(igw.resource_id)
    ctx.touch(igw)
    igw.delete()
    return {}


@operation("ec2", "AttachInternetGateway")
def attach_internet_gateway(ctx: CallContext, params: dict) -> dict:
    # The VPC before the gateway (services.core.locks).
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    igw = lookups.get(ctx, InternetGateway, params["InternetGatewayId"], for_update=True)
    if igw.vpc_id:
        raise errors.ResourceAlreadyAssociated(
            f"resource {igw.resource_id} is already attached to network {igw.vpc.resource_id}"
        )
    if InternetGateway.objects.filter(vpc=vpc).exists():
        raise _has_gateway(vpc.resource_id)
    igw.vpc = vpc
    igw.save(update_fields=["vpc"])  # VPC-06 under concurrency: the constraint decides
    ctx.touch(igw)
    return {}


def _has_gateway(vpc_id: str) -> AwsError:
    return errors.InvalidParameterValue(
        f"Network {vpc_id} already has an internet gateway attached"
    )


constraints.on_violation(
    InternetGateway, "igw_one_per_vpc", lambda v: _has_gateway(v.row.vpc.resource_id)
)


@operation("ec2", "DetachInternetGateway")
def detach_internet_gateway(ctx: CallContext, params: dict) -> dict:
    igw = lookups.get(ctx, InternetGateway, params["InternetGatewayId"], for_update=True)
    vpc = lookups.get(ctx, Vpc, params["VpcId"])
    if igw.vpc_id != vpc.pk:
        raise errors.GatewayNotAttached(
            f"resource {igw.resource_id} is not attached to network {vpc.resource_id}"
        )
    # Public addresses need the gateway: AWS refuses to pull it from under them.
    mapped = NetworkInterface.objects.filter(vpc=vpc, public_ip__isnull=False).exists()
    if mapped:
        raise errors.DependencyViolation(
            f"Network {vpc.resource_id} has some mapped public address(es). Please unmap "
            "those public address(es) before detaching the gateway."
        )
    igw.vpc = None
    igw.save(update_fields=["vpc"])
    ctx.touch(igw)
    return {}


@operation("ec2", "DescribeInternetGateways")
def describe_internet_gateways(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(
        InternetGateway.objects.visible_to(ctx),
        InternetGateway,
        params.get("InternetGatewayIds"),
    ).select_related("vpc")
    return lookups.page(qs, params, IGW_FILTERS, "InternetGateways", InternetGateway.describe)


# --- NAT gateways -------------------------------------------------------------------------


@operation("ec2", "CreateNatGateway")
def create_nat_gateway(ctx: CallContext, params: dict) -> dict:
    if not params.get("SubnetId"):
        raise missing_parameter("subnetId")
    subnet = lookups.get(ctx, Subnet, params["SubnetId"])
    connectivity = params.get("ConnectivityType", "public")
    if connectivity not in shapes.enum_values("ec2", "ConnectivityType"):
        raise errors.InvalidParameterValue(
            f"Value ({connectivity}) for parameter connectivityType is invalid."
        )
    tags = describe.tags_from_specifications(params, "natgateway")
    # The quota's account, the subnet the interface goes into, then the Elastic IP
    # (services.core.locks).
    quotas.lock_account(ctx)
    subnet = lookups.get(ctx, Subnet, params["SubnetId"], for_update=True)
    address = None
    if connectivity == "public":
        # VPC-09: a public NAT gateway needs an Elastic IP that nothing else uses.
        if not params.get("AllocationId"):
            raise errors.MissingParameter(
                "The request must contain the parameter AllocationId for a public NAT gateway"
            )
        address = lookups.get(ctx, Address, params["AllocationId"], for_update=True)
        if (
            address.network_interface_id
            or address.nat_gateways.exclude(state__in=["deleted", "deleting"]).exists()
        ):
            raise errors.ResourceAlreadyAssociated(
                f"Elastic IP address [{address.resource_id}] is already associated"
            )
    elif params.get("AllocationId"):
        raise errors.InvalidParameterCombination(
            "AllocationId cannot be specified for a private NAT gateway."
        )
    in_zone = (
        NatGateway.objects.visible_to(ctx)
        .filter(subnet__availability_zone=subnet.availability_zone)
        .exclude(state__in=["deleted", "deleting"])
        .count()
    )
    quotas.check(
        in_zone,
        quotas.NAT_GATEWAYS_PER_AZ,
        "NatGatewayLimitExceeded",
        "The maximum number of NAT gateways has been reached.",
    )
    eni = network.create_network_interface(
        ctx,
        subnet,
        [],
        description="Interface for NAT Gateway (pending)",
        private_ip=params.get("PrivateIpAddress"),
        interface_type="nat_gateway",
        requester_managed=True,
    )
    nat = NatGateway(
        account=ctx.account,
        region=ctx.region,
        vpc_id=subnet.vpc_id,
        subnet=subnet,
        connectivity_type=connectivity,
        eni=eni,
        network_interface_id=eni.resource_id,
        private_ip=eni.private_ip_address,
        tags=tags,
    )
    if address is not None:
        nat.elastic_ip = address
        nat.allocation_id = address.resource_id
        nat.public_ip = address.public_ip
    nat.begin("pending", save=False)
    nat.save()
    from services.core.lifecycle import schedule

    schedule(nat)
    eni.description = f"Interface for NAT Gateway {nat.resource_id}"
    eni.status = "in-use"
    eni.save(update_fields=["description", "status"])
    if address is not None:
        _associate_with_nat(address, eni)
    ctx.touch(nat)
    return {"NatGateway": nat.describe()}


def _associate_with_nat(address: Address, eni: NetworkInterface) -> None:
    from services.core import ids

    address.network_interface = eni
    address.association_id = ids.resource_id("eipassoc")
    address.private_ip_address = eni.private_ip_address
    address.save(update_fields=["network_interface", "association_id", "private_ip_address"])
    eni.public_ip = address.public_ip
    eni.save(update_fields=["public_ip"])


@operation("ec2", "DeleteNatGateway")
def delete_nat_gateway(ctx: CallContext, params: dict) -> dict:
    nat = lookups.get(ctx, NatGateway, params["NatGatewayId"], for_update=True)
    if nat.state in ("deleted", "deleting"):
        if nat.state == "deleted":
            raise NatGateway.not_found(nat.resource_id)
        return {"NatGatewayId": nat.resource_id}
    nat.begin("deleting")
    ctx.touch(nat)
    return {"NatGatewayId": nat.resource_id}


@operation("ec2", "DescribeNatGateways")
def describe_nat_gateways(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(
        NatGateway.objects.visible_to(ctx), NatGateway, params.get("NatGatewayIds")
    ).select_related("vpc", "subnet")
    return lookups.page(
        qs, params, NAT_FILTERS, "NatGateways", NatGateway.describe, filters_param="Filter"
    )
