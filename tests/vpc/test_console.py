"""The VPC console: the dashboard, the Create VPC page and its preview, the generic
pages of every VPC resource type, and attaching an internet gateway."""

from __future__ import annotations

import pytest

from services.core import registry
from services.core.models import Event
from services.vpc.models import InternetGateway, NatGateway, RouteTable, Subnet, Vpc
from tests.pages import text as page_text

BASE = "/us-east-1/vpc/"
MORE = {
    "mode": "vpc-and-more",
    "auto_name": "on",
    "name": "lab",
    "cidr_block": "10.0.0.0/16",
    "tenancy": "default",
    "az_count": "2",
    "public_subnets": "2",
    "private_subnets": "2",
    "nat_gateways": "none",
    "dns_hostnames": "on",
    "dns_support": "on",
}


def test_dashboard_counts_the_regions_resources(console, api):
    api.CreateVpc(CidrBlock="10.0.0.0/16")
    api.AllocateAddress(Domain="vpc")
    response = console.get(BASE)
    assert response.status_code == 200
    text = page_text(response)
    assert "VPC dashboard" in text
    # The default VPC and the new one; six default subnets; one address.
    assert "VPCs 2 us-east-1" in text
    assert "Subnets 6 us-east-1" in text
    assert "Elastic IPs 1 us-east-1" in text
    assert "Security groups 2 us-east-1" in text


def test_service_home_is_the_dashboard(console):
    response = console.get("/us-east-1/vpc/")
    assert response.status_code == 200 and "VPC dashboard" in page_text(response)


@pytest.mark.parametrize("slug", [rt.slug for rt in registry.resource_types("vpc")])
def test_every_vpc_table_and_details_page_renders(console, api, slug):
    vpc = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    subnet = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")["Subnet"]
    eip = api.AllocateAddress(Domain="vpc")
    api.CreateNatGateway(SubnetId=subnet["SubnetId"], AllocationId=eip["AllocationId"])
    rt = registry.resource_type("vpc", slug)
    response = console.get(f"{BASE}{slug}/")
    assert response.status_code == 200, slug
    assert rt.label_plural in page_text(response)
    obj = rt.model.objects.filter(account=api.ctx.account, region="us-east-1").first()
    response = console.get(f"{BASE}{slug}/{obj.resource_id}/")
    assert response.status_code == 200, slug
    assert obj.resource_id in page_text(response)
    if rt.create_form is not None and slug != "vpcs":
        assert console.get(f"{BASE}{slug}/create/").status_code == 200, slug


def test_create_page_offers_vpc_only_and_vpc_and_more(console):
    response = console.get(f"{BASE}vpcs/create/")
    assert response.status_code == 200
    text = page_text(response)
    assert "VPC only" in text and "VPC and more" in text and "Preview" in text


def test_preview_shows_subnets_route_tables_and_gateways(console):
    response = console.post(
        f"{BASE}vpcs/create/preview/", MORE | {"nat_gateways": "per-az"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = page_text(response)
    for name in (
        "lab-vpc",
        "lab-subnet-public1-us-east-1a",
        "10.0.0.0/20",
        "lab-subnet-public2-us-east-1b",
        "10.0.16.0/20",
        "lab-subnet-private1-us-east-1a",
        "10.0.128.0/20",
        "lab-subnet-private2-us-east-1b",
        "10.0.144.0/20",
        "lab-rtb-public",
        "lab-rtb-private1-us-east-1a",
        "lab-rtb-private2-us-east-1b",
        "lab-igw",
        "lab-nat-public1-us-east-1a",
        "lab-nat-public2-us-east-1b",
    ):
        assert name in text, name
    assert "Subnets (4)" in text and "Route tables (3)" in text
    assert "Network connections (3)" in text
    # Nothing was created by looking.
    assert not Vpc.objects.filter(cidr_block="10.0.0.0/16").exists()


def test_preview_follows_the_az_count(console):
    response = console.post(
        f"{BASE}vpcs/create/preview/",
        MORE | {"az_count": "3", "private_subnets": "4"},
        HTTP_HX_REQUEST="true",
    )
    text = page_text(response)
    assert "Subnets (6)" in text  # 3 public and, per AZ like the 4 of 2 AZs, 3 private
    assert "us-east-1c" in text


def test_preview_reports_a_bad_cidr(console):
    response = console.post(
        f"{BASE}vpcs/create/preview/", MORE | {"cidr_block": "10.0.0.0/8"}, HTTP_HX_REQUEST="true"
    )
    assert "The CIDR '10.0.0.0/8' is invalid." in page_text(response)


def test_vpc_only_creates_just_the_vpc(console, account):
    response = console.post(
        f"{BASE}vpcs/create/",
        {"mode": "vpc-only", "name": "solo", "cidr_block": "10.9.0.0/16", "tenancy": "default"},
    )
    assert response.status_code == 200
    vpc = Vpc.objects.get(account=account, cidr_block="10.9.0.0/16")
    assert vpc.tags == {"Name": "solo"}
    assert not vpc.subnets.exists()
    assert "View VPC" in page_text(response)
    assert Event.objects.get(event_name="CreateVpc", door="console").error_code == ""


def test_vpc_and_more_runs_the_operations_in_order(console, account):
    response = console.post(f"{BASE}vpcs/create/", MORE | {"nat_gateways": "1"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Every step succeeded." in text
    vpc = Vpc.objects.get(account=account, tags__Name="lab-vpc")
    assert vpc.enable_dns_hostnames
    subnets = {s.name: s for s in Subnet.objects.filter(vpc=vpc)}
    assert sorted(subnets) == [
        "lab-subnet-private1-us-east-1a",
        "lab-subnet-private2-us-east-1b",
        "lab-subnet-public1-us-east-1a",
        "lab-subnet-public2-us-east-1b",
    ]
    # VPC-08: public subnets route to the gateway; private ones to the one NAT gateway.
    assert subnets["lab-subnet-public1-us-east-1a"].is_public
    assert not subnets["lab-subnet-private2-us-east-1b"].is_public
    assert InternetGateway.objects.get(vpc=vpc).name == "lab-igw"
    (nat,) = NatGateway.objects.filter(vpc=vpc)
    assert nat.subnet == subnets["lab-subnet-public1-us-east-1a"]
    private_table = subnets["lab-subnet-private2-us-east-1b"].route_table
    assert private_table.name == "lab-rtb-private2-us-east-1b"
    assert private_table.routes.get(destination_cidr_block="0.0.0.0/0").nat_gateway_id == (
        nat.resource_id
    )
    assert RouteTable.objects.filter(vpc=vpc).count() == 4  # main, public, 2 private
    assert set(Event.objects.filter(door="console").values_list("event_name", flat=True)) >= {
        "CreateVpc",
        "CreateSubnet",
        "CreateInternetGateway",
        "AttachInternetGateway",
        "CreateRouteTable",
        "CreateRoute",
        "AssociateRouteTable",
        "AllocateAddress",
        "CreateNatGateway",
        "ModifyVpcAttribute",
    }


def test_a_failing_step_stops_the_workflow_and_says_so(console, api):
    for i in range(4):
        api.CreateVpc(CidrBlock=f"10.{i}.0.0/16")
    response = console.post(f"{BASE}vpcs/create/", MORE)
    text = page_text(response)
    assert "VpcLimitExceeded: The maximum number of VPCs has been reached." in text
    assert "Not started" in text
    assert not Vpc.objects.filter(tags__Name="lab-vpc").exists()


def test_nat_gateways_without_public_subnets_are_refused_before_anything_runs(console):
    response = console.post(
        f"{BASE}vpcs/create/", MORE | {"public_subnets": "0", "nat_gateways": "1"}
    )
    assert "NAT gateways need public subnets" in page_text(response)
    assert not Vpc.objects.filter(tags__Name="lab-vpc").exists()


def test_attach_an_internet_gateway_from_its_page(console, api):
    vpc = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    igw = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    url = f"{BASE}internet-gateways/{igw}/attach/"
    page = page_text(console.get(url))
    assert vpc["VpcId"] in page
    response = console.post(url, {"VpcId": vpc["VpcId"]})
    assert response.status_code == 302
    assert InternetGateway.objects.get(resource_id=igw).vpc.resource_id == vpc["VpcId"]
    # A second gateway for the same VPC: the AWS error in a flashbar, nothing attached.
    other = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    response = console.post(
        f"{BASE}internet-gateways/{other}/attach/", {"VpcId": vpc["VpcId"]}, follow=True
    )
    assert "already has an internet gateway attached" in page_text(response)
    assert InternetGateway.objects.get(resource_id=other).vpc is None


def test_console_delete_vpc_deletes_what_it_holds_first(console, api):
    """Unlike the DeleteVpc API (VPC-16), the console's Delete VPC takes the VPC's
    subnets, gateway, tables, ACLs and groups with it, as AWS's console does."""
    vpc = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    subnet = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")["Subnet"]
    igw = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    api.AttachInternetGateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    table = api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]
    api.AssociateRouteTable(RouteTableId=table, SubnetId=subnet["SubnetId"])
    api.CreateNetworkAcl(VpcId=vpc["VpcId"])
    web = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="web", Description="w")["GroupId"]
    app = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="app", Description="a")["GroupId"]
    api.AuthorizeSecurityGroupIngress(
        GroupId=app, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": web}]}]
    )
    url = f"{BASE}vpcs/actions/DeleteVpc/"
    modal = page_text(console.get(url, {"ids": vpc["VpcId"]}, HTTP_HX_REQUEST="true"))
    assert "Subnets: 1" in modal and "Security groups: 2" in modal
    response = console.post(url, {"ids": [vpc["VpcId"]], "confirmation": "nope"})
    assert "Enter “delete” to confirm." in page_text(response)
    assert Vpc.objects.filter(resource_id=vpc["VpcId"]).exists()
    response = console.post(url, {"ids": [vpc["VpcId"]], "confirmation": "delete"}, follow=True)
    assert f"Successfully deleted {vpc['VpcId']}." in page_text(response)
    assert not Vpc.objects.filter(resource_id=vpc["VpcId"]).exists()
    assert not InternetGateway.objects.filter(resource_id=igw).exists()


def test_console_delete_vpc_refuses_while_interfaces_remain(console, api):
    vpc = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    subnet = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")["Subnet"]
    api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])
    url = f"{BASE}vpcs/actions/DeleteVpc/"
    assert "network interface" in page_text(console.get(url, {"ids": vpc["VpcId"]}))
    response = console.post(url, {"ids": [vpc["VpcId"]], "confirmation": "delete"}, follow=True)
    assert "DependencyViolation" in page_text(response)
    assert Subnet.objects.filter(resource_id=subnet["SubnetId"]).exists()


def test_create_a_subnet_from_the_generic_form(console, api):
    vpc = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    response = console.post(
        f"{BASE}subnets/create/",
        {
            "VpcId": vpc["VpcId"],
            "Name": "web",
            "AvailabilityZone": "us-east-1b",
            "CidrBlock": "10.0.5.0/24",
        },
    )
    assert response.status_code == 302, page_text(response)
    subnet = Subnet.objects.get(vpc__resource_id=vpc["VpcId"])
    assert (subnet.cidr_block, subnet.availability_zone, subnet.name) == (
        "10.0.5.0/24",
        "us-east-1b",
        "web",
    )
