"""VPCs, their CIDR blocks and their subnets."""

from __future__ import annotations

import hashlib

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from services.core import describe, regions
from services.core.lookups import NotFound
from services.core.models import Resource
from services.vpc import cidr

# A subnet's span is its address range shifted into its VPC's own 2^32 slot, so one
# int8range exclusion constraint keeps subnets of a VPC from overlapping without needing
# btree_gist for the (vpc, range) pair.
VPC_SLOT = 2**32


class Vpc(NotFound, Resource):
    """A virtual private cloud: a regional network with one or more IPv4 CIDR blocks."""

    not_found_error = (
        "InvalidVpcID.NotFound",
        "The vpc ID '{id}' does not exist",
    )

    id_prefix = "vpc"
    arn_format = "arn:aws:ec2:{region}:{account}:vpc/{id}"
    cloudformation_type = "AWS::EC2::VPC"

    cidr_block = models.CharField(max_length=18)  # the primary block
    state = models.CharField(max_length=16, default="available")
    is_default = models.BooleanField(default=False)
    instance_tenancy = models.CharField(max_length=16, default="default")
    enable_dns_support = models.BooleanField(default=True)
    enable_dns_hostnames = models.BooleanField(default=False)

    class Meta:
        verbose_name = "VPC"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region"],
                condition=Q(is_default=True),
                name="vpc_one_default_per_region",
            ),
        ]

    @property
    def dhcp_options_id(self) -> str:
        # Every region of an account has one default DHCP options set; its id is stable.
        digest = hashlib.sha1(f"{self.account_id}:{self.region}".encode()).hexdigest()
        return f"dopt-{digest[:17]}"

    @property
    def main_route_table(self):
        assoc = self.route_table_associations.filter(main=True).select_related("route_table")
        first = assoc.first()
        return first.route_table if first else None

    @property
    def main_route_table_id(self) -> str:
        table = self.main_route_table
        return table.resource_id if table else ""

    @property
    def default_network_acl(self):
        return self.network_acls.filter(is_default=True).first()

    @property
    def default_network_acl_id(self) -> str:
        acl = self.default_network_acl
        return acl.resource_id if acl else ""

    @property
    def default_security_group(self):
        return self.security_groups.filter(group_name="default").first()

    def internet_gateway_or_none(self):
        return self.internet_gateways.first()

    @property
    def internet_gateway_id(self) -> str:
        igw = self.internet_gateway_or_none()
        return igw.resource_id if igw else ""

    @property
    def dns_hostnames_label(self) -> str:
        return "Enabled" if self.enable_dns_hostnames else "Disabled"

    @property
    def dns_resolution_label(self) -> str:
        return "Enabled" if self.enable_dns_support else "Disabled"

    @property
    def is_default_label(self) -> str:
        return "Yes" if self.is_default else "No"

    @property
    def cidr_blocks_text(self) -> str:
        return ", ".join(b.cidr_block for b in self.cidr_blocks.all())

    def blocks(self) -> list[cidr.Block]:
        return [cidr.parse(b.cidr_block) for b in self.cidr_blocks.all()]

    def describe(self) -> dict:
        """The EC2 `Vpc` shape."""
        data = {
            "VpcId": self.resource_id,
            "OwnerId": self.account_id,
            "CidrBlock": self.cidr_block,
            "State": self.state,
            "IsDefault": self.is_default,
            "DhcpOptionsId": self.dhcp_options_id,
            "InstanceTenancy": self.instance_tenancy,
            "CidrBlockAssociationSet": [b.describe() for b in self.cidr_blocks.all()],
        }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data


class VpcCidrBlock(models.Model):
    """An IPv4 block associated with a VPC (VPC-02: up to five); the primary comes first."""

    vpc = models.ForeignKey(Vpc, on_delete=models.CASCADE, related_name="cidr_blocks")
    association_id = models.CharField(max_length=64, unique=True)
    cidr_block = models.CharField(max_length=18)
    first_address = models.BigIntegerField()
    last_address = models.BigIntegerField()
    primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vpc", "cidr_block"], name="vpc_cidr_block_unique"),
        ]

    def __str__(self) -> str:
        return self.cidr_block

    def describe(self) -> dict:
        return {
            "AssociationId": self.association_id,
            "CidrBlock": self.cidr_block,
            "CidrBlockState": {"State": "associated"},
        }


class Subnet(NotFound, Resource):
    """A range of a VPC's addresses in one Availability Zone (VPC-04)."""

    not_found_error = (
        "InvalidSubnetID.NotFound",
        "The subnet ID '{id}' does not exist",
    )

    id_prefix = "subnet"
    arn_format = "arn:aws:ec2:{region}:{account}:subnet/{id}"
    cloudformation_type = "AWS::EC2::Subnet"

    vpc = models.ForeignKey(Vpc, on_delete=models.PROTECT, related_name="subnets")
    availability_zone = models.CharField(max_length=32)
    cidr_block = models.CharField(max_length=18)
    first_address = models.BigIntegerField()
    last_address = models.BigIntegerField()
    state = models.CharField(max_length=16, default="available")
    map_public_ip_on_launch = models.BooleanField(default=False)
    default_for_az = models.BooleanField(default=False)
    # VPC-10: every subnet has exactly one network ACL, the VPC's default one at first.
    network_acl = models.ForeignKey(
        "vpc.NetworkAcl", on_delete=models.PROTECT, related_name="subnets"
    )
    acl_association_id = models.CharField(max_length=64, unique=True)
    span = models.GeneratedField(
        expression=Func(
            F("vpc_id") * VPC_SLOT + F("first_address"),
            F("vpc_id") * VPC_SLOT + F("last_address") + 1,
            function="int8range",
            output_field=BigIntegerRangeField(),
        ),
        output_field=BigIntegerRangeField(),
        db_persist=True,
    )

    class Meta:
        indexes = [describe.tags_index("vpc_subnet_tags_gin")]
        constraints = [
            ExclusionConstraint(
                name="subnet_no_overlap_in_vpc",
                expressions=[("span", RangeOperators.OVERLAPS)],
                index_type="gist",
            ),
            models.UniqueConstraint(
                fields=["vpc", "availability_zone"],
                condition=Q(default_for_az=True),
                name="subnet_one_default_per_az",
            ),
            models.CheckConstraint(
                condition=Q(last_address__gt=F("first_address")), name="subnet_range_ordered"
            ),
        ]

    @property
    def block(self) -> cidr.Block:
        return cidr.parse(self.cidr_block)

    @property
    def prefix_length(self) -> int:
        return int(self.cidr_block.split("/")[1])

    @property
    def total_usable(self) -> int:
        return (self.last_address - self.first_address + 1) - cidr.RESERVED_PER_SUBNET

    @property
    def available_ip_address_count(self) -> int:
        used = getattr(self, "used_addresses", None)
        if used is None:
            used = self.network_interfaces.count()
        return self.total_usable - used

    @property
    def availability_zone_id(self) -> str:
        zone = regions.zone(self.availability_zone)
        return zone.zone_id if zone else ""

    @property
    def route_table(self):
        """The table routing this subnet: its explicit association, or the VPC's main table
        (VPC-07)."""
        assoc = getattr(self, "route_table_association", None)
        if assoc is not None:
            return assoc.route_table
        return self.vpc.main_route_table

    @property
    def route_table_id(self) -> str:
        table = self.route_table
        return table.resource_id if table else ""

    @property
    def is_public(self) -> bool:
        """VPC-08: public when its route table sends 0.0.0.0/0 to an internet gateway."""
        table = self.route_table
        return table is not None and table.has_internet_route

    @property
    def network_acl_id(self) -> str:
        return self.network_acl.resource_id

    @property
    def map_public_ip_label(self) -> str:
        return "Yes" if self.map_public_ip_on_launch else "No"

    @property
    def default_for_az_label(self) -> str:
        return "Yes" if self.default_for_az else "No"

    def describe(self) -> dict:
        """The EC2 `Subnet` shape."""
        row = {field: getattr(self, field) for field in SUBNET_FIELDS}
        row["vpc_resource_id"] = self.vpc.resource_id
        row["used_addresses"] = self.total_usable - self.available_ip_address_count
        return describe_subnet_row(row)


# The columns describe_subnet_row reads, besides `vpc_resource_id` and `used_addresses`
# (services.vpc.operations.subnets selects them with values()).
SUBNET_FIELDS = (
    "pk", "resource_id", "account_id", "region", "cidr_block", "state", "availability_zone",
    "first_address", "last_address", "default_for_az", "map_public_ip_on_launch", "tags",
)  # fmt: skip


def describe_subnet_row(r: dict) -> dict:
    """The EC2 `Subnet` shape of a subnet row."""
    zone = regions.zone(r["availability_zone"])
    usable = (r["last_address"] - r["first_address"] + 1) - cidr.RESERVED_PER_SUBNET
    data = {
        "SubnetId": r["resource_id"],
        "SubnetArn": Subnet.arn_format.format(
            region=r["region"], account=r["account_id"], id=r["resource_id"]
        ),
        "VpcId": r["vpc_resource_id"],
        "OwnerId": r["account_id"],
        "CidrBlock": r["cidr_block"],
        "State": r["state"],
        "AvailabilityZone": r["availability_zone"],
        "AvailabilityZoneId": zone.zone_id if zone else "",
        "AvailableIpAddressCount": usable - r["used_addresses"],
        "DefaultForAz": r["default_for_az"],
        "MapPublicIpOnLaunch": r["map_public_ip_on_launch"],
        "MapCustomerOwnedIpOnLaunch": False,
        "AssignIpv6AddressOnCreation": False,
        "Ipv6CidrBlockAssociationSet": [],
        "EnableDns64": False,
        "Ipv6Native": False,
        "PrivateDnsNameOptionsOnLaunch": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
    }
    if r["tags"]:
        data["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(r["tags"].items())]
    return data
