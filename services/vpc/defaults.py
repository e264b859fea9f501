"""What every VPC starts with, and the default VPC every account gets in every region.

Built with bulk inserts: the default VPCs of all regions are made inside the account's
creating transaction, about a dozen queries in all (VPC-05).
"""

from __future__ import annotations

import ipaddress

from django.utils import timezone

from services.core import ids, regions
from services.core.models import Account
from services.vpc import cidr
from services.vpc.models import (
    InternetGateway,
    NetworkAcl,
    NetworkAclEntry,
    Route,
    RouteTable,
    RouteTableAssociation,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
    VpcCidrBlock,
)
from services.vpc.models.acls import CATCH_ALL_RULE

DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_PREFIX = 20
DEFAULT_GROUP_DESCRIPTION = "default VPC security group"


def acl_entries(acl: NetworkAcl, *, allow_all: bool) -> list[NetworkAclEntry]:
    """The default ACL allows all (rule 100) before the final * deny; a new one only denies
    (VPC-10)."""
    entries = []
    for egress in (False, True):
        if allow_all:
            entries.append(
                NetworkAclEntry(
                    network_acl=acl,
                    rule_number=100,
                    egress=egress,
                    protocol="-1",
                    rule_action="allow",
                    cidr_block="0.0.0.0/0",
                )
            )
        entries.append(
            NetworkAclEntry(
                network_acl=acl,
                rule_number=CATCH_ALL_RULE,
                egress=egress,
                protocol="-1",
                rule_action="deny",
                cidr_block="0.0.0.0/0",
            )
        )
    return entries


def allow_all_outbound(group: SecurityGroup) -> SecurityGroupRule:
    """VPC-11: a new group allows all outbound traffic."""
    return SecurityGroupRule(
        account_id=group.account_id,
        region=group.region,
        resource_id=ids.resource_id("sgr"),
        group=group,
        is_egress=True,
        ip_protocol="-1",
        cidr_ipv4="0.0.0.0/0",
    )


def scaffold(vpcs: list[Vpc]) -> dict[int, dict]:
    """Give saved `vpcs` their primary CIDR association, main route table with the local
    route, default network ACL and default security group. Returns, per VPC pk, the rows
    made ({"acl": ..., "route_table": ..., "group": ...}) for callers to build on."""
    now = timezone.now()
    VpcCidrBlock.objects.bulk_create(
        [
            VpcCidrBlock(
                vpc=v,
                association_id=ids.resource_id("vpc-cidr-assoc"),
                cidr_block=v.cidr_block,
                first_address=cidr.parse(v.cidr_block).first,
                last_address=cidr.parse(v.cidr_block).last,
                primary=True,
            )
            for v in vpcs
        ]
    )
    common = [{"account_id": v.account_id, "region": v.region, "created_at": now} for v in vpcs]
    acls = NetworkAcl.objects.bulk_create(
        [
            NetworkAcl(vpc=v, is_default=True, resource_id=ids.resource_id("acl"), **c)
            for v, c in zip(vpcs, common, strict=True)
        ]
    )
    NetworkAclEntry.objects.bulk_create(
        [e for acl in acls for e in acl_entries(acl, allow_all=True)]
    )
    tables = RouteTable.objects.bulk_create(
        [
            RouteTable(vpc=v, resource_id=ids.resource_id("rtb"), **c)
            for v, c in zip(vpcs, common, strict=True)
        ]
    )
    Route.objects.bulk_create(
        [
            Route(
                route_table=t,
                destination_cidr_block=v.cidr_block,
                gateway_id="local",
                origin="CreateRouteTable",
            )
            for v, t in zip(vpcs, tables, strict=True)
        ]
    )
    RouteTableAssociation.objects.bulk_create(
        [
            RouteTableAssociation(
                association_id=ids.resource_id("rtbassoc"), route_table=t, vpc=v, main=True
            )
            for v, t in zip(vpcs, tables, strict=True)
        ]
    )
    groups = SecurityGroup.objects.bulk_create(
        [
            SecurityGroup(
                vpc=v,
                resource_id=ids.resource_id("sg"),
                group_name="default",
                description=DEFAULT_GROUP_DESCRIPTION,
                **c,
            )
            for v, c in zip(vpcs, common, strict=True)
        ]
    )
    rules = []
    for g in groups:
        # VPC-12: the default group lets its own members in.
        rules.append(
            SecurityGroupRule(
                account_id=g.account_id,
                region=g.region,
                resource_id=ids.resource_id("sgr"),
                group=g,
                is_egress=False,
                ip_protocol="-1",
                referenced_group=g,
            )
        )
        rules.append(allow_all_outbound(g))
    SecurityGroupRule.objects.bulk_create(rules)
    return {
        v.pk: {"acl": a, "route_table": t, "group": g}
        for v, a, t, g in zip(vpcs, acls, tables, groups, strict=True)
    }


def default_subnet_blocks(region: str) -> list[tuple[str, str]]:
    """(AZ, CIDR) of the default subnets: one /20 per AZ, 172.31.0.0/20, 172.31.16.0/20, ..."""
    vpc_net = ipaddress.IPv4Network(DEFAULT_VPC_CIDR)
    blocks = vpc_net.subnets(new_prefix=DEFAULT_SUBNET_PREFIX)
    return [(z, str(b)) for z, b in zip(regions.REGIONS[region].zone_names, blocks, strict=False)]


def create_default_vpcs(account: Account, region_codes: list[str]) -> list[Vpc]:
    """A default VPC in each region (VPC-05): 172.31.0.0/16, a default /20 subnet per AZ
    that gives public IPs on launch, an attached internet gateway, and a main route table
    that sends 0.0.0.0/0 to it."""
    now = timezone.now()
    vpcs = Vpc.objects.bulk_create(
        [
            Vpc(
                account=account,
                region=r,
                resource_id=ids.resource_id("vpc"),
                cidr_block=DEFAULT_VPC_CIDR,
                is_default=True,
                enable_dns_hostnames=True,
                created_at=now,
            )
            for r in region_codes
        ]
    )
    made = scaffold(vpcs)
    subnets = []
    for v in vpcs:
        for zone, block_text in default_subnet_blocks(v.region):
            block = cidr.parse(block_text)
            subnets.append(
                Subnet(
                    account=account,
                    region=v.region,
                    created_at=now,
                    resource_id=ids.resource_id("subnet"),
                    vpc=v,
                    availability_zone=zone,
                    cidr_block=block.text,
                    first_address=block.first,
                    last_address=block.last,
                    map_public_ip_on_launch=True,
                    default_for_az=True,
                    network_acl=made[v.pk]["acl"],
                    acl_association_id=ids.resource_id("aclassoc"),
                )
            )
    Subnet.objects.bulk_create(subnets)
    igws = InternetGateway.objects.bulk_create(
        [
            InternetGateway(
                account=account,
                region=v.region,
                created_at=now,
                resource_id=ids.resource_id("igw"),
                vpc=v,
            )
            for v in vpcs
        ]
    )
    Route.objects.bulk_create(
        [
            Route(
                route_table=made[v.pk]["route_table"],
                destination_cidr_block="0.0.0.0/0",
                gateway_id=igw.resource_id,
            )
            for v, igw in zip(vpcs, igws, strict=True)
        ]
    )
    return vpcs


def on_account_created(sender, account: Account, **kwargs) -> None:
    create_default_vpcs(account, list(regions.REGIONS))
