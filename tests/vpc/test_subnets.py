"""Subnets: sizes, containment, overlap, reserved addresses (VPC-01, VPC-03, VPC-04, VPC-16)."""

import pytest
from django.db import IntegrityError, transaction

from services.core import ids
from services.vpc import network
from services.vpc.models import Subnet, Vpc


def test_create_subnet_returns_the_aws_shape(api, vpc):
    out = api.CreateSubnet(
        VpcId=vpc["VpcId"],
        CidrBlock="10.0.1.0/24",
        AvailabilityZone="us-east-1b",
        TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "a"}]}],
    )["Subnet"]
    assert out["SubnetId"].startswith("subnet-")
    assert out["VpcId"] == vpc["VpcId"]
    assert out["AvailabilityZone"] == "us-east-1b"
    assert out["AvailabilityZoneId"] == "use1-az6"
    assert out["State"] == "available"
    assert out["DefaultForAz"] is False
    assert out["MapPublicIpOnLaunch"] is False
    assert out["SubnetArn"].endswith(f":subnet/{out['SubnetId']}")
    assert out["Tags"] == [{"Key": "Name", "Value": "a"}]


@pytest.mark.parametrize("prefix,available", [(16, 65531), (20, 4091), (24, 251), (28, 11)])
def test_vpc03_five_addresses_are_reserved(api, vpc, prefix, available):
    out = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock=f"10.0.0.0/{prefix}")["Subnet"]
    assert out["AvailableIpAddressCount"] == 2 ** (32 - prefix) - 5 == available


@pytest.mark.parametrize("block", ["10.0.0.0/29", "10.0.0.0/30", "10.0.0.0/15"])
def test_vpc01_subnet_outside_16_to_28_is_refused(api, vpc, block):
    err = api.error("CreateSubnet", VpcId=vpc["VpcId"], CidrBlock=block)
    assert err.code == "InvalidSubnet.Range"
    assert err.message == f"The CIDR '{block}' is invalid."
    assert not Subnet.objects.filter(vpc__resource_id=vpc["VpcId"]).exists()


@pytest.mark.parametrize("block", ["10.1.0.0/24", "192.168.0.0/24", "9.255.255.240/28"])
def test_vpc04_subnet_outside_the_vpc_is_refused(api, vpc, block):
    err = api.error("CreateSubnet", VpcId=vpc["VpcId"], CidrBlock=block)
    assert err.code == "InvalidSubnet.Range"
    assert not Subnet.objects.filter(vpc__resource_id=vpc["VpcId"]).exists()


@pytest.mark.parametrize("block", ["10.0.1.0/24", "10.0.1.128/25", "10.0.0.0/23", "10.0.0.0/16"])
def test_vpc04_overlapping_subnets_are_refused(api, vpc, subnet, block):
    err = api.error("CreateSubnet", VpcId=vpc["VpcId"], CidrBlock=block)
    assert err.code == "InvalidSubnet.Conflict"
    assert err.message == f"The CIDR '{block}' conflicts with another subnet"
    assert Subnet.objects.filter(vpc__resource_id=vpc["VpcId"]).count() == 1


def test_vpc04_adjacent_subnets_and_other_vpcs_do_not_conflict(api, vpc, subnet):
    api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24")
    api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")
    other = api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    api.CreateSubnet(VpcId=other["VpcId"], CidrBlock="10.0.1.0/24")


def test_vpc04_postgres_rejects_an_overlapping_subnet_written_directly(api, vpc, subnet):
    """The exclusion constraint, not only the Python check, keeps subnets apart."""
    existing = Subnet.objects.get(resource_id=subnet["SubnetId"])
    clash = Subnet(
        account=existing.account,
        region=existing.region,
        vpc=existing.vpc,
        availability_zone="us-east-1b",
        cidr_block="10.0.1.128/25",
        first_address=existing.first_address + 128,
        last_address=existing.last_address,
        network_acl=existing.network_acl,
        acl_association_id=ids.resource_id("aclassoc"),
    )
    with pytest.raises(IntegrityError, match="subnet_no_overlap_in_vpc"), transaction.atomic():
        clash.save()
    # The same range in another VPC is fine.
    other = Vpc.objects.get(resource_id=api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"])
    clash.vpc = other
    clash.network_acl = other.default_network_acl
    clash.save()


def test_vpc04_subnet_belongs_to_one_az_of_the_region(api, vpc):
    err = api.error(
        "CreateSubnet", VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24", AvailabilityZone="eu-west-1a"
    )
    assert err.code == "InvalidParameterValue"
    assert "us-east-1a" in err.message
    chosen = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24")["Subnet"]
    assert chosen["AvailabilityZone"].startswith("us-east-1")
    by_id = api.CreateSubnet(
        VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", AvailabilityZoneId="use1-az4"
    )["Subnet"]
    assert by_id["AvailabilityZone"] == "us-east-1a"


def test_subnet_quota_200_per_vpc(api, vpc):
    for i in range(200):
        api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock=f"10.0.{i}.0/28")
    err = api.error("CreateSubnet", VpcId=vpc["VpcId"], CidrBlock="10.0.250.0/28")
    assert err.code == "SubnetLimitExceeded"
    assert Subnet.objects.filter(vpc__resource_id=vpc["VpcId"]).count() == 200


def test_available_count_drops_as_interfaces_are_made(api, subnet):
    api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])
    api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])
    (out,) = api.DescribeSubnets(SubnetIds=[subnet["SubnetId"]])["Subnets"]
    assert out["AvailableIpAddressCount"] == 256 - 5 - 2


def test_vpc16_subnet_with_an_interface_cannot_be_deleted(api, subnet):
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    err = api.error("DeleteSubnet", SubnetId=subnet["SubnetId"])
    assert err.code == "DependencyViolation"
    assert err.message == (
        f"The subnet '{subnet['SubnetId']}' has dependencies and cannot be deleted."
    )
    api.DeleteNetworkInterface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    api.DeleteSubnet(SubnetId=subnet["SubnetId"])
    assert not Subnet.objects.filter(resource_id=subnet["SubnetId"]).exists()


def test_delete_subnet_drops_its_route_table_association(api, vpc, subnet):
    table = api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]
    api.AssociateRouteTable(RouteTableId=table["RouteTableId"], SubnetId=subnet["SubnetId"])
    api.DeleteSubnet(SubnetId=subnet["SubnetId"])
    api.DeleteRouteTable(RouteTableId=table["RouteTableId"])


def test_modify_map_public_ip_on_launch(api, subnet):
    api.ModifySubnetAttribute(SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    (out,) = api.DescribeSubnets(SubnetIds=[subnet["SubnetId"]])["Subnets"]
    assert out["MapPublicIpOnLaunch"] is True


def test_describe_subnets_filters_and_pages(api, vpc):
    for i in range(7):
        api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock=f"10.0.{i}.0/24")
    mine = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    page1 = api.DescribeSubnets(Filters=mine, MaxResults=5)
    assert len(page1["Subnets"]) == 5 and page1["NextToken"]
    page2 = api.DescribeSubnets(Filters=mine, MaxResults=5, NextToken=page1["NextToken"])
    assert len(page2["Subnets"]) == 2 and "NextToken" not in page2
    seen = {s["CidrBlock"] for s in page1["Subnets"] + page2["Subnets"]}
    assert len(seen) == 7
    assert api.error("DescribeSubnets", SubnetIds=["subnet-0123456789abcdef0"]).code == (
        "InvalidSubnetID.NotFound"
    )


def test_glb03_another_accounts_subnet_is_not_found(api, other_api, subnet):
    err = other_api.error("DeleteSubnet", SubnetId=subnet["SubnetId"])
    assert err.code == "InvalidSubnetID.NotFound"
    err = other_api.error("CreateNetworkInterface", SubnetId=subnet["SubnetId"])
    assert err.code == "InvalidSubnetID.NotFound"


def test_default_subnet_helper(ctx):
    subnet = network.default_subnet(ctx, "us-east-1c")
    assert subnet.default_for_az and subnet.cidr_block == "172.31.32.0/20"
