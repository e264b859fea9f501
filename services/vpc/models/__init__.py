"""The VPC service's models: networks, gateways, routing, ACLs, security groups,
interfaces and Elastic IPs. Other services import them from here."""

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
