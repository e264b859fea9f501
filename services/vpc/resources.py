"""How the VPC service's resource types appear in the console and the REST API: the
columns of the VPC console's tables, details, actions and create pages."""

from __future__ import annotations

from services.core import registry
from services.core.registry import (
    Action,
    ApiType,
    Column,
    LabReader,
    Listing,
    NavLink,
    Pages,
    ResourceType,
    Service,
)
from services.vpc import forms
from services.vpc.models import (
    Address,
    InternetGateway,
    NatGateway,
    NetworkAcl,
    NetworkInterface,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Vpc,
)

VIRTUAL_PRIVATE_CLOUD = "Virtual private cloud"
SECURITY = "Security"

registry.register_service(
    Service(
        "vpc",
        "VPC",
        "Isolated cloud resources",
        "Networking & Content Delivery",
        home_url_name="vpc:home",
        nav_links=(NavLink("VPC dashboard", "vpc:home"),),
        nav_sections=(VIRTUAL_PRIVATE_CLOUD, SECURITY),
    )
)

OWNER = Column("Owner ID", "account_id")
NAME = Column("Name", "name")
ARN = Column("ARN", "arn", kind="code")


def _delete(label: str, operation: str, key: str, **kwargs) -> Action:
    return Action(
        label,
        operation,
        params=lambda rows: {key: rows[0].resource_id},
        confirm=f"{label}? This can't be undone.",
        typed_confirmation="delete",
        destructive=True,
        **kwargs,
    )


def _subnet_route_tables(reader: LabReader, subnets: list[dict]) -> None:
    """A lab check's subnets carry their effective route table: the explicit
    association, else the VPC's main table (VPC-07)."""
    tables = reader.items("ec2.route_tables")
    explicit, main = {}, {}
    for table in tables:
        for assoc in table.get("Associations", []):
            if assoc.get("SubnetId"):
                explicit[assoc["SubnetId"]] = table
            if assoc.get("Main"):
                main[table.get("VpcId")] = table
    for subnet in subnets:
        subnet["RouteTable"] = explicit.get(subnet["SubnetId"]) or main.get(subnet.get("VpcId"))


VPCS = registry.register(
    ResourceType(
        service="vpc",
        slug="vpcs",
        model=Vpc,
        label="VPC",
        label_plural="VPCs",
        nav_section=VIRTUAL_PRIVATE_CLOUD,
        columns=(
            NAME,
            Column("VPC ID", "resource_id", kind="id", link=True),
            Column("State", "state", kind="state"),
            Column("IPv4 CIDR", "cidr_block"),
            Column("DHCP option set", "dhcp_options_id"),
            Column("Main route table", "main_route_table_id"),
            Column("Main network ACL", "default_network_acl_id"),
            Column("Tenancy", "instance_tenancy"),
            Column("Default VPC", "is_default_label"),
            OWNER,
        ),
        detail_fields=(
            Column("VPC ID", "resource_id", kind="id"),
            Column("State", "state", kind="state"),
            Column("DNS hostnames", "dns_hostnames_label"),
            Column("DNS resolution", "dns_resolution_label"),
            Column("Tenancy", "instance_tenancy"),
            Column("DHCP option set", "dhcp_options_id"),
            Column("Main route table", "main_route_table_id"),
            Column("Main network ACL", "default_network_acl_id"),
            Column("Default VPC", "is_default_label"),
            Column("IPv4 CIDR", "cidr_blocks_text"),
            Column("Internet gateway", "internet_gateway_id"),
            OWNER,
            ARN,
        ),
        actions=(
            _delete(
                "Delete VPC",
                "DeleteVpc",
                "VpcId",
            ),
        ),
        create_operation="CreateVpc",
        create_form=forms.VpcOnlyForm,
        create_params=forms.vpc_params,
        search_fields=("resource_id", "cidr_block", "state"),
        listing=Listing("DescribeVpcs", "Vpcs", "VpcId", service="ec2"),
        pages=Pages(
            create="services.vpc.views.pages.create_vpc",
            actions={"DeleteVpc": "services.vpc.views.delete_vpc.delete_vpc"},
        ),
        tag_type="vpc",
    )
)

SUBNETS = registry.register(
    ResourceType(
        service="vpc",
        slug="subnets",
        model=Subnet,
        label="Subnet",
        label_plural="Subnets",
        nav_section=VIRTUAL_PRIVATE_CLOUD,
        columns=(
            NAME,
            Column("Subnet ID", "resource_id", kind="id", link=True),
            Column("State", "state", kind="state"),
            Column("VPC", "vpc.resource_id"),
            Column("IPv4 CIDR", "cidr_block"),
            Column("Available IPv4 addresses", "available_ip_address_count"),
            Column("Availability Zone", "availability_zone"),
            Column("Availability Zone ID", "availability_zone_id"),
            Column("Route table", "route_table_id"),
            Column("Network ACL", "network_acl_id"),
            Column("Default subnet", "default_for_az_label"),
            Column("Auto-assign public IPv4 address", "map_public_ip_label"),
            OWNER,
        ),
        detail_fields=(
            Column("Subnet ID", "resource_id", kind="id"),
            Column("Subnet ARN", "arn", kind="code"),
            Column("State", "state", kind="state"),
            Column("IPv4 CIDR", "cidr_block"),
            Column("Available IPv4 addresses", "available_ip_address_count"),
            Column("Availability Zone", "availability_zone"),
            Column("Availability Zone ID", "availability_zone_id"),
            Column("Network border group", "region"),
            Column("VPC", "vpc.resource_id"),
            Column("Route table", "route_table_id"),
            Column("Network ACL", "network_acl_id"),
            Column("Default subnet", "default_for_az_label"),
            Column("Auto-assign public IPv4 address", "map_public_ip_label"),
            Column("Public subnet (0.0.0.0/0 to an internet gateway)", "is_public"),
            OWNER,
        ),
        actions=(
            _delete("Delete subnet", "DeleteSubnet", "SubnetId"),
            Action(
                "Enable auto-assign public IPv4 address",
                "ModifySubnetAttribute",
                params=lambda rows: {
                    "SubnetId": rows[0].resource_id,
                    "MapPublicIpOnLaunch": {"Value": True},
                },
                enabled=lambda s: not s.map_public_ip_on_launch,
            ),
            Action(
                "Disable auto-assign public IPv4 address",
                "ModifySubnetAttribute",
                params=lambda rows: {
                    "SubnetId": rows[0].resource_id,
                    "MapPublicIpOnLaunch": {"Value": False},
                },
                enabled=lambda s: s.map_public_ip_on_launch,
            ),
        ),
        create_operation="CreateSubnet",
        create_form=forms.SubnetForm,
        create_params=forms.subnet_params,
        search_fields=("resource_id", "cidr_block", "availability_zone", "vpc__resource_id"),
        listing=Listing("DescribeSubnets", "Subnets", "SubnetId", service="ec2"),
        lab_enrich=_subnet_route_tables,
        tag_type="subnet",
    )
)

ROUTE_TABLES = registry.register(
    ResourceType(
        service="vpc",
        slug="route-tables",
        model=RouteTable,
        label="Route table",
        label_plural="Route tables",
        nav_section=VIRTUAL_PRIVATE_CLOUD,
        columns=(
            NAME,
            Column("Route table ID", "resource_id", kind="id", link=True),
            Column("Explicit subnet associations", "explicit_subnet_ids"),
            Column("Main", "main_label"),
            Column("VPC", "vpc_resource_id"),
            OWNER,
        ),
        detail_fields=(
            Column("Route table ID", "resource_id", kind="id"),
            Column("Main", "main_label"),
            Column("Explicit subnet associations", "explicit_subnet_ids"),
            Column("VPC", "vpc_resource_id"),
            OWNER,
        ),
        actions=(_delete("Delete route table", "DeleteRouteTable", "RouteTableId"),),
        create_operation="CreateRouteTable",
        create_form=forms.RouteTableForm,
        create_params=forms.route_table_params,
        search_fields=("resource_id", "vpc__resource_id"),
        listing=Listing("DescribeRouteTables", "RouteTables", "RouteTableId", service="ec2"),
        pages=Pages(detail="services.vpc.views.details.route_table"),
        tag_type="route-table",
    )
)

INTERNET_GATEWAYS = registry.register(
    ResourceType(
        service="vpc",
        slug="internet-gateways",
        model=InternetGateway,
        label="Internet gateway",
        label_plural="Internet gateways",
        nav_section=VIRTUAL_PRIVATE_CLOUD,
        columns=(
            NAME,
            Column("Internet gateway ID", "resource_id", kind="id", link=True),
            Column("State", "state_label", kind="state"),
            Column("VPC ID", "vpc_resource_id"),
            OWNER,
        ),
        detail_fields=(
            Column("Internet gateway ID", "resource_id", kind="id"),
            Column("State", "state_label", kind="state"),
            Column("VPC ID", "vpc_resource_id"),
            OWNER,
        ),
        actions=(
            _delete(
                "Delete internet gateway",
                "DeleteInternetGateway",
                "InternetGatewayId",
                enabled=lambda igw: not igw.vpc_id,
            ),
            Action(
                "Detach from VPC",
                "DetachInternetGateway",
                params=lambda rows: {
                    "InternetGatewayId": rows[0].resource_id,
                    "VpcId": rows[0].vpc_resource_id,
                },
                confirm="Detach this internet gateway from its VPC? Resources in the VPC "
                "lose access to the internet.",
                typed_confirmation="detach",
                enabled=lambda igw: bool(igw.vpc_id),
            ),
        ),
        create_operation="CreateInternetGateway",
        create_form=forms.InternetGatewayForm,
        create_params=forms.internet_gateway_params,
        search_fields=("resource_id", "vpc__resource_id"),
        listing=Listing(
            "DescribeInternetGateways", "InternetGateways", "InternetGatewayId", service="ec2"
        ),
        pages=Pages(detail="services.vpc.views.details.internet_gateway"),
        tag_type="internet-gateway",
    )
)

NAT_GATEWAYS = registry.register(
    ResourceType(
        service="vpc",
        slug="nat-gateways",
        model=NatGateway,
        label="NAT gateway",
        label_plural="NAT gateways",
        nav_section=VIRTUAL_PRIVATE_CLOUD,
        columns=(
            NAME,
            Column("NAT gateway ID", "resource_id", kind="id", link=True),
            Column("Connectivity type", "connectivity_type"),
            Column("State", "state", kind="state"),
            Column("Primary public IPv4 address", "public_ip"),
            Column("Primary private IPv4 address", "private_ip"),
            Column("Primary network interface ID", "network_interface_id"),
            Column("VPC", "vpc_resource_id"),
            Column("Subnet", "subnet_resource_id"),
            Column("Created", "created_at", kind="datetime"),
        ),
        detail_fields=(
            Column("NAT gateway ID", "resource_id", kind="id"),
            Column("Connectivity type", "connectivity_type"),
            Column("State", "state", kind="state"),
            Column("Primary public IPv4 address", "public_ip"),
            Column("Primary private IPv4 address", "private_ip"),
            Column("Primary network interface ID", "network_interface_id"),
            Column("Elastic IP allocation ID", "allocation_id"),
            Column("VPC", "vpc_resource_id"),
            Column("Subnet", "subnet_resource_id"),
            Column("Created", "created_at", kind="datetime"),
            Column("Deleted", "deleted_at", kind="datetime"),
            ARN,
        ),
        actions=(
            _delete(
                "Delete NAT gateway",
                "DeleteNatGateway",
                "NatGatewayId",
                enabled=lambda nat: nat.state in ("pending", "available", "failed"),
            ),
        ),
        create_operation="CreateNatGateway",
        create_form=forms.NatGatewayForm,
        create_params=forms.nat_gateway_params,
        search_fields=("resource_id", "state", "public_ip", "private_ip"),
        listing=Listing("DescribeNatGateways", "NatGateways", "NatGatewayId", service="ec2"),
        tag_type="natgateway",
    )
)

NETWORK_ACLS = registry.register(
    ResourceType(
        service="vpc",
        slug="network-acls",
        model=NetworkAcl,
        label="Network ACL",
        label_plural="Network ACLs",
        nav_section=SECURITY,
        columns=(
            NAME,
            Column("Network ACL ID", "resource_id", kind="id", link=True),
            Column("Associated with", "associated_subnet_count"),
            Column("Default", "is_default_label"),
            Column("VPC ID", "vpc_resource_id"),
            Column("Inbound rules count", "inbound_rule_count"),
            Column("Outbound rules count", "outbound_rule_count"),
            OWNER,
        ),
        detail_fields=(
            Column("Network ACL ID", "resource_id", kind="id"),
            Column("Associated with", "associated_subnet_count"),
            Column("Default", "is_default_label"),
            Column("VPC ID", "vpc_resource_id"),
            OWNER,
        ),
        actions=(
            _delete(
                "Delete network ACL",
                "DeleteNetworkAcl",
                "NetworkAclId",
                enabled=lambda acl: not acl.is_default,
            ),
        ),
        create_operation="CreateNetworkAcl",
        create_form=forms.NetworkAclForm,
        create_params=forms.network_acl_params,
        search_fields=("resource_id", "vpc__resource_id"),
        listing=Listing("DescribeNetworkAcls", "NetworkAcls", "NetworkAclId", service="ec2"),
        pages=Pages(detail="services.vpc.views.details.network_acl"),
        tag_type="network-acl",
    )
)

SECURITY_GROUPS = registry.register(
    ResourceType(
        service="vpc",
        slug="security-groups",
        model=SecurityGroup,
        label="Security group",
        label_plural="Security groups",
        nav_section=SECURITY,
        columns=(
            NAME,
            Column("Security group ID", "resource_id", kind="id", link=True),
            Column("Security group name", "group_name"),
            Column("VPC ID", "vpc_resource_id"),
            Column("Description", "description"),
            OWNER,
            Column("Inbound rules count", "inbound_rule_count"),
            Column("Outbound rules count", "outbound_rule_count"),
        ),
        detail_fields=(
            Column("Security group name", "group_name"),
            Column("Security group ID", "resource_id", kind="id"),
            Column("Description", "description"),
            Column("VPC ID", "vpc_resource_id"),
            OWNER,
            Column("Inbound rules count", "inbound_rule_count"),
            Column("Outbound rules count", "outbound_rule_count"),
            ARN,
        ),
        actions=(
            _delete(
                "Delete security groups",
                "DeleteSecurityGroup",
                "GroupId",
                enabled=lambda group: not group.is_default,
            ),
        ),
        create_operation="CreateSecurityGroup",
        create_form=forms.SecurityGroupForm,
        create_params=forms.security_group_params,
        search_fields=("resource_id", "group_name", "description", "vpc__resource_id"),
        listing=Listing("DescribeSecurityGroups", "SecurityGroups", "GroupId", service="ec2"),
        pages=Pages(detail="services.vpc.views.details.security_group"),
        tag_type="security-group",
    )
)

ELASTIC_IPS = registry.register(
    ResourceType(
        service="vpc",
        slug="elastic-ips",
        model=Address,
        label="Elastic IP address",
        label_plural="Elastic IPs",
        nav_section=VIRTUAL_PRIVATE_CLOUD,
        columns=(
            NAME,
            Column("Allocated IPv4 address", "public_ip", link=True),
            Column("Type", "type_label"),
            Column("Allocation ID", "resource_id", kind="id"),
            Column("Associated instance ID", "instance_id"),
            Column("Private IP address", "private_ip_address"),
            Column("Association ID", "association_id"),
            Column("Network interface ID", "network_interface_resource_id"),
            Column("Network border group", "region"),
        ),
        detail_fields=(
            Column("Allocated IPv4 address", "public_ip"),
            Column("Type", "type_label"),
            Column("Allocation ID", "resource_id", kind="id"),
            Column("Associated instance ID", "instance_id"),
            Column("Private IP address", "private_ip_address"),
            Column("Association ID", "association_id"),
            Column("Network interface ID", "network_interface_resource_id"),
            Column("Scope", "domain"),
            Column("Public IPv4 pool", "pool_label"),
            Column("Network border group", "region"),
            ARN,
        ),
        actions=(
            Action(
                "Release Elastic IP addresses",
                "ReleaseAddress",
                params=lambda rows: {"AllocationId": rows[0].resource_id},
                confirm="Release Elastic IP addresses? An address you release may be "
                "allocated to another account.",
                destructive=True,
                enabled=lambda a: not a.network_interface_id,
            ),
            Action(
                "Disassociate Elastic IP address",
                "DisassociateAddress",
                params=lambda rows: {"AssociationId": rows[0].association_id},
                confirm="Disassociate this Elastic IP address?",
                enabled=lambda a: bool(a.association_id),
            ),
        ),
        create_operation="AllocateAddress",
        create_form=forms.ElasticIpForm,
        create_params=forms.elastic_ip_params,
        search_fields=("resource_id", "public_ip", "association_id", "private_ip_address"),
        listing=Listing("DescribeAddresses", "Addresses", "AllocationId", service="ec2"),
        lab_check="ec2.addresses",
        tag_type="elastic-ip",
        extra={
            "create_label": "Allocate Elastic IP address",
        },
    )
)


# AWS's console shows network interfaces in EC2 ("Network & Security"), though VPC owns
# them (their subnet, addresses and security groups).
NETWORK_INTERFACES = registry.register(
    ResourceType(
        service="ec2",
        slug="network-interfaces",
        model=NetworkInterface,
        label="Network interface",
        label_plural="Network interfaces",
        nav_section="Network & Security",
        nav_order=50,  # last of EC2's Network & Security, as in AWS's console
        columns=(
            NAME,
            Column("Network interface ID", "resource_id", kind="id", link=True),
            Column("Subnet ID", "subnet.resource_id"),
            Column("VPC ID", "vpc.resource_id"),
            Column("Availability Zone", "availability_zone"),
            Column("Security group names", "security_group_names"),
            Column("Description", "description"),
            Column("Interface Type", "interface_type"),
            Column("Instance ID", "instance_id"),
            Column("Status", "status", kind="state"),
            Column("Public IPv4 address", "public_ip"),
            Column("Primary private IPv4 address", "private_ip_address"),
        ),
        detail_fields=(
            Column("Network interface ID", "resource_id", kind="id"),
            Column("Description", "description"),
            Column("Network interface status", "status", kind="state"),
            Column("Interface Type", "interface_type"),
            Column("Subnet ID", "subnet.resource_id"),
            Column("VPC ID", "vpc.resource_id"),
            Column("Availability Zone", "availability_zone"),
            Column("Security groups", "security_group_names"),
            Column("Private IPv4 address", "private_ip_address"),
            Column("Private IPv4 DNS name", "private_dns_name"),
            Column("Public IPv4 address", "public_ip"),
            Column("Public IPv4 DNS", "public_dns_name"),
            Column("MAC address", "mac_address"),
            Column("Instance ID", "instance_id"),
            Column("Attachment ID", "attachment_id"),
            Column("Attachment status", "attachment_status"),
            Column("Device index", "device_index"),
            Column("Delete on termination", "delete_on_termination"),
            Column("Source/dest. check", "source_dest_check"),
            Column("Requester-managed", "requester_managed"),
            OWNER,
            ARN,
        ),
        actions=(
            _delete(
                "Delete network interface",
                "DeleteNetworkInterface",
                "NetworkInterfaceId",
                enabled=lambda eni: eni.status != "in-use" and not eni.requester_managed,
            ),
        ),
        create_operation="CreateNetworkInterface",
        create_form=forms.NetworkInterfaceForm,
        create_params=forms.network_interface_params,
        search_fields=("resource_id", "description", "private_ip_address", "public_ip"),
        listing=Listing(
            "DescribeNetworkInterfaces", "NetworkInterfaces", "NetworkInterfaceId", service="ec2"
        ),
        lab_check=None,
        tag_type="network-interface",
        extra={"response_shape": ("ec2", "NetworkInterface", "NetworkInterfaceId")},
    )
)


# Security group rules have no console pages of their own: their ids are tagged
# (CreateTags) and named in IAM resource ARNs like the others'.
registry.register_api_type(
    ApiType(
        "vpc",
        SecurityGroupRule,
        Listing(
            "DescribeSecurityGroupRules", "SecurityGroupRules", "SecurityGroupRuleId", service="ec2"
        ),
        lab_check=None,
        tag_type="security-group-rule",
    )
)
