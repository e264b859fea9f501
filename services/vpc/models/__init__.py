"""The VPC service's models: networks, gateways, routing, ACLs, security groups,
interfaces and Elastic IPs. Other services import them from here."""

from services.core import locks
from services.vpc.models.acls import NetworkAcl, NetworkAclEntry
from services.vpc.models.addresses import Address, NetworkInterface
from services.vpc.models.gateways import InternetGateway, NatGateway
from services.vpc.models.network import Subnet, Vpc, VpcCidrBlock
from services.vpc.models.routing import Route, RouteTable, RouteTableAssociation
from services.vpc.models.security import SecurityGroup, SecurityGroupRule

__all__ = [
    "Address",
    "InternetGateway",
    "NatGateway",
    "NetworkAcl",
    "NetworkAclEntry",
    "NetworkInterface",
    "Route",
    "RouteTable",
    "RouteTableAssociation",
    "SecurityGroup",
    "SecurityGroupRule",
    "Subnet",
    "Vpc",
    "VpcCidrBlock",
]

# Lock order (services.core.locks): VPC containers, outermost first, then what hangs off
# a subnet (EC2 ranks its instances before their network interfaces).
locks.declare(
    "vpc.Vpc",
    "vpc.InternetGateway",
    "vpc.Subnet",
    "vpc.RouteTable",
    "vpc.RouteTableAssociation",
    "vpc.NetworkAcl",
    "vpc.SecurityGroup",
    "vpc.SecurityGroupRule",
    "vpc.NatGateway",
    "vpc.NetworkInterface",
    "vpc.Address",
)
