"""Route tables, routes and associations (VPC-07, VPC-08, VPC-09)."""

from __future__ import annotations

from services.core import constraints, describe, filters, ids, locks, lookups
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.vpc import cidr, errors, quotas
from services.vpc.models import (
    InternetGateway,
    NatGateway,
    NetworkInterface,
    Route,
    RouteTable,
    RouteTableAssociation,
    Subnet,
    Vpc,
)

FILTERS = filters.Spec(
    "DescribeRouteTables",
    {
        "route-table-id": "resource_id",
        "vpc-id": "vpc__resource_id",
        "owner-id": "account_id",
        "association.route-table-association-id": "associations__association_id",
        "association.route-table-id": "associations__route_table__resource_id",
        "association.subnet-id": "associations__subnet__resource_id",
        "association.main": describe.boolean("associations__main"),
        "route.destination-cidr-block": "routes__destination_cidr_block",
        "route.gateway-id": "routes__gateway_id",
        "route.nat-gateway-id": "routes__nat_gateway_id",
        "route.instance-id": "routes__instance_id",
        "route.origin": "routes__origin",
    },
)

_TARGETS = ("GatewayId", "NatGatewayId", "NetworkInterfaceId", "InstanceId")
_UNSIMULATED_TARGETS = (
    "EgressOnlyInternetGatewayId",
    "TransitGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "VpcPeeringConnectionId",
    "VpcEndpointId",
    "CoreNetworkArn",
    "OdbNetworkArn",
    "DestinationPrefixListId",
)


def _table(ctx: CallContext, params: dict, *, for_update: bool = True) -> RouteTable:
    return lookups.get(ctx, RouteTable, params["RouteTableId"], for_update=for_update)


def _destination(params: dict) -> cidr.Block:
    if params.get("DestinationIpv6CidrBlock"):
        raise errors.InvalidParameterValue("IPv6 routes are not simulated.")
    if not params.get("DestinationCidrBlock"):
        raise missing_parameter("destinationCidrBlock")
    return cidr.parse(params["DestinationCidrBlock"], "destinationCidrBlock")


def _target(ctx: CallContext, table: RouteTable, params: dict) -> dict[str, str]:
    """The route's target columns, checked as AWS checks them."""
    for name in _UNSIMULATED_TARGETS:
        if params.get(name):
            raise errors.InvalidParameterValue(f"Route targets of type {name} are not simulated.")
    given = [name for name in _TARGETS if params.get(name)]
    if len(given) != 1:
        code = errors.InvalidParameterCombination if given else errors.MissingParameter
        raise code(
            "The request must contain exactly one of gatewayId, natGatewayId, "
            "networkInterfaceId or instanceId",
        )
    name, value = given[0], params[given[0]]
    vpc_id = table.vpc.resource_id
    if name == "GatewayId":
        if value == "local":
            raise errors.InvalidParameterValue(
                "The gateway ID 'local' can only be used for local routes"
            )
        igw = lookups.get(ctx, InternetGateway, value)
        if igw.vpc_id != table.vpc_id:
            raise errors.InvalidParameterValue(
                f"route table {table.resource_id} and network gateway {igw.resource_id} "
                "belong to different networks"
            )
        return {"gateway_id": igw.resource_id}
    if name == "NatGatewayId":
        nat = lookups.get(ctx, NatGateway, value)
        if nat.state in ("deleting", "deleted"):
            raise NatGateway.not_found(value)
        if nat.vpc_id != table.vpc_id:
            raise errors.InvalidParameterValue(
                f"route table {table.resource_id} and NAT gateway {nat.resource_id} "
                "belong to different networks"
            )
        return {"nat_gateway_id": nat.resource_id}
    if name == "NetworkInterfaceId":
        eni = lookups.get(ctx, NetworkInterface, value)
        if eni.vpc_id != table.vpc_id:
            raise errors.InvalidParameterValue(
                f"route table {table.resource_id} and interface {eni.resource_id} belong to "
                f"different networks than {vpc_id}"
            )
        return {"network_interface_id": eni.resource_id, "instance_id": eni.instance_id}
    eni = NetworkInterface.objects.visible_to(ctx).filter(instance_id=value, device_index=0).first()
    if eni is None:
        raise errors.InvalidInstanceIDNotFound(f"The instance ID '{value}' does not exist")
    if eni.vpc_id != table.vpc_id:
        raise errors.InvalidParameterValue(
            f"route table {table.resource_id} and instance {value} belong to different networks"
        )
    return {"instance_id": value, "network_interface_id": eni.resource_id}


# --- tables --------------------------------------------------------------------------------


@operation("ec2", "CreateRouteTable")
def create_route_table(ctx: CallContext, params: dict) -> dict:
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    tags = describe.tags_from_specifications(params, "route-table")
    quotas.check(
        vpc.route_tables.count(),
        quotas.ROUTE_TABLES_PER_VPC,
        "RouteTableLimitExceeded",
        "The maximum number of route tables has been reached.",
    )
    table = RouteTable(account=ctx.account, region=ctx.region, vpc=vpc, tags=tags)
    table.save()
    for block in vpc.cidr_blocks.all():
        table.routes.create(
            destination_cidr_block=block.cidr_block, gateway_id="local", origin="CreateRouteTable"
        )
    ctx.touch(table)
    result = {"RouteTable": table.describe()}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


@operation("ec2", "DeleteRouteTable")
def delete_route_table(ctx: CallContext, params: dict) -> dict:
    table = _table(ctx, params)
    if table.associations.exists():
        # The main table, or one still associated with subnets (VPC-07).
        raise constraints.has_dependencies("routeTable")(table.resource_id)
    ctx.touch(table)
    table.delete()
    return {}


@operation("ec2", "DescribeRouteTables")
def describe_route_tables(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(
        RouteTable.objects.visible_to(ctx), RouteTable, params.get("RouteTableIds")
    ).select_related("vpc")
    return lookups.page(qs, params, FILTERS, "RouteTables", RouteTable.describe, max_results=100)


# --- routes --------------------------------------------------------------------------------


@operation("ec2", "CreateRoute")
def create_route(ctx: CallContext, params: dict) -> dict:
    table = _table(ctx, params)
    destination = _destination(params)
    target = _target(ctx, table, params)
    if table.routes.filter(destination_cidr_block=destination.text).exists():
        raise _route_exists(destination.text)
    quotas.check(
        table.routes.exclude(gateway_id="local").count(),
        quotas.ROUTES_PER_TABLE,
        "RouteLimitExceeded",
        "The maximum number of routes has been reached.",
    )
    table.routes.create(destination_cidr_block=destination.text, **target)
    ctx.touch(table)
    return {"Return": True}


def _route_exists(destination: str) -> AwsError:
    return errors.RouteAlreadyExists(f"The route identified by {destination} already exists.")


constraints.on_violation(
    Route, "route_destination_unique", lambda v: _route_exists(v.row.destination_cidr_block)
)


def _route(table: RouteTable, destination: cidr.Block) -> Route:
    route = table.routes.filter(destination_cidr_block=destination.text).first()
    if route is None:
        raise errors.InvalidRouteNotFound(
            f"no route with destination-cidr-block {destination.text} in route table "
            f"{table.resource_id}"
        )
    return route


@operation("ec2", "DeleteRoute")
def delete_route(ctx: CallContext, params: dict) -> dict:
    table = _table(ctx, params)
    destination = _destination(params)
    route = _route(table, destination)
    if route.is_local:
        raise errors.InvalidParameterValue(
            f"cannot remove local route {destination.text} in route table {table.resource_id}"
        )
    route.delete()
    ctx.touch(table)
    return {}


@operation("ec2", "ReplaceRoute")
def replace_route(ctx: CallContext, params: dict) -> dict:
    table = _table(ctx, params)
    destination = _destination(params)
    route = _route(table, destination)
    if params.get("LocalTarget"):
        if not any(b.cidr_block == destination.text for b in table.vpc.cidr_blocks.all()):
            raise errors.InvalidParameterValue(
                f"The destination {destination.text} is not a CIDR block of the VPC"
            )
        target = {"gateway_id": "local"}
    else:
        if route.is_local:
            raise errors.InvalidParameterValue(
                f"cannot replace local route {destination.text} in route table {table.resource_id}"
            )
        target = _target(ctx, table, params)
    route.gateway_id = target.get("gateway_id", "")
    route.nat_gateway_id = target.get("nat_gateway_id", "")
    route.network_interface_id = target.get("network_interface_id", "")
    route.instance_id = target.get("instance_id", "")
    route.save()
    ctx.touch(table)
    return {}


# --- associations --------------------------------------------------------------------------


def _association(ctx: CallContext, association_id: str) -> RouteTableAssociation:
    assoc = (
        locks.rows(RouteTableAssociation.objects)
        .filter(
            association_id=association_id,
            vpc__account_id=ctx.account.id,
            vpc__region=ctx.region,
        )
        .first()
    )
    if assoc is None:
        raise errors.InvalidAssociationIDNotFound(
            f"The association ID '{association_id}' does not exist"
        )
    return assoc


@operation("ec2", "AssociateRouteTable")
def associate_route_table(ctx: CallContext, params: dict) -> dict:
    table = _table(ctx, params, for_update=False)
    if params.get("GatewayId"):
        raise errors.InvalidParameterValue("Gateway route table associations are not simulated.")
    if not params.get("SubnetId"):
        raise missing_parameter("subnetId")
    # The subnet before its table (services.core.locks).
    subnet = lookups.get(ctx, Subnet, params["SubnetId"], for_update=True)
    table = _table(ctx, params)
    if subnet.vpc_id != table.vpc_id:
        raise errors.InvalidParameterValue(
            f"Route table {table.resource_id} and subnet {subnet.resource_id} belong to "
            "different networks"
        )
    if RouteTableAssociation.objects.filter(subnet=subnet).exists():
        raise errors.ResourceAlreadyAssociated(
            f"the specified association for route table {table.resource_id} conflicts with "
            "an existing association"
        )
    assoc = RouteTableAssociation.objects.create(
        association_id=ids.resource_id("rtbassoc"),
        route_table=table,
        vpc_id=table.vpc_id,
        subnet=subnet,
    )
    ctx.touch(table)
    return {"AssociationId": assoc.association_id, "AssociationState": {"State": "associated"}}


@operation("ec2", "DisassociateRouteTable")
def disassociate_route_table(ctx: CallContext, params: dict) -> dict:
    assoc = _association(ctx, params["AssociationId"])
    if assoc.main:
        raise errors.InvalidParameterValue(
            f"cannot disassociate the main route table association {assoc.association_id}"
        )
    ctx.touch(assoc.route_table)
    # The subnet falls back to the main route table (VPC-07).
    assoc.delete()
    return {}


@operation("ec2", "ReplaceRouteTableAssociation")
def replace_route_table_association(ctx: CallContext, params: dict) -> dict:
    # The table before the association (services.core.locks).
    table = _table(ctx, params)
    assoc = _association(ctx, params["AssociationId"])
    if table.vpc_id != assoc.vpc_id:
        raise errors.InvalidParameterValue(
            f"Route table {table.resource_id} and association {assoc.association_id} belong "
            "to different networks"
        )
    # A new association id, as AWS gives; moving `main` makes `table` the main table.
    assoc.route_table = table
    assoc.association_id = ids.resource_id("rtbassoc")
    assoc.save()
    ctx.touch(table)
    return {
        "NewAssociationId": assoc.association_id,
        "AssociationState": {"State": "associated"},
    }
