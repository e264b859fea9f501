"""Elastic IPs and network interfaces."""

import pytest

from services.vpc import network
from services.vpc.models import Address, NetworkInterface, Subnet


@pytest.fixture
def public_subnet(api, vpc, subnet) -> dict:
    igw = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    api.AttachInternetGateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    return subnet


def test_allocate_address_shape(api):
    out = api.AllocateAddress(
        Domain="vpc",
        TagSpecifications=[
            {"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "ip"}]}
        ],
    )
    assert out["AllocationId"].startswith("eipalloc-")
    assert out["Domain"] == "vpc" and out["PublicIpv4Pool"] == "amazon"
    assert out["NetworkBorderGroup"] == "us-east-1"
    (listed,) = api.DescribeAddresses(AllocationIds=[out["AllocationId"]])["Addresses"]
    assert listed["PublicIp"] == out["PublicIp"]
    assert listed["Tags"] == [{"Key": "Name", "Value": "ip"}]
    assert "AssociationId" not in listed


def test_elastic_ip_quota_is_five_per_region(api):
    ips = {api.AllocateAddress(Domain="vpc")["PublicIp"] for _ in range(5)}
    assert len(ips) == 5
    err = api.error("AllocateAddress", Domain="vpc")
    assert err.code == "AddressLimitExceeded"
    assert err.message == "The maximum number of addresses has been reached."
    assert Address.objects.filter(account=api.ctx.account).count() == 5
    from services.core import operations

    operations.call(api.ctx.in_region("eu-west-1"), "ec2", "AllocateAddress", {})


def test_associate_to_an_interface_replaces_its_public_ip(api, public_subnet):
    eni = api.CreateNetworkInterface(SubnetId=public_subnet["SubnetId"])["NetworkInterface"]
    eip = api.AllocateAddress(Domain="vpc")
    assoc = api.AssociateAddress(
        AllocationId=eip["AllocationId"], NetworkInterfaceId=eni["NetworkInterfaceId"]
    )
    assert assoc["AssociationId"].startswith("eipassoc-")
    (listed,) = api.DescribeAddresses(AllocationIds=[eip["AllocationId"]])["Addresses"]
    assert listed["NetworkInterfaceId"] == eni["NetworkInterfaceId"]
    assert listed["PrivateIpAddress"] == eni["PrivateIpAddress"]
    assert listed["AssociationId"] == assoc["AssociationId"]
    (described,) = api.DescribeNetworkInterfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])[
        "NetworkInterfaces"
    ]
    assert described["Association"]["PublicIp"] == eip["PublicIp"]
    assert described["Association"]["AllocationId"] == eip["AllocationId"]
    # Released while associated: refused.
    err = api.error("ReleaseAddress", AllocationId=eip["AllocationId"])
    assert err.code == "InvalidIPAddress.InUse"
    assert Address.objects.filter(resource_id=eip["AllocationId"]).exists()
    api.DisassociateAddress(AssociationId=assoc["AssociationId"])
    assert NetworkInterface.objects.get(resource_id=eni["NetworkInterfaceId"]).public_ip is None
    api.ReleaseAddress(AllocationId=eip["AllocationId"])
    assert api.error("DescribeAddresses", AllocationIds=[eip["AllocationId"]]).code == (
        "InvalidAllocationID.NotFound"
    )


def test_vpc06_associating_needs_an_internet_gateway(api, subnet):
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    eip = api.AllocateAddress(Domain="vpc")
    err = api.error(
        "AssociateAddress",
        AllocationId=eip["AllocationId"],
        NetworkInterfaceId=eni["NetworkInterfaceId"],
    )
    assert err.code == "Gateway.NotAttached"
    assert not Address.objects.get(resource_id=eip["AllocationId"]).network_interface


def test_reassociation_needs_allow_reassociation(api, public_subnet):
    one = api.CreateNetworkInterface(SubnetId=public_subnet["SubnetId"])["NetworkInterface"]
    two = api.CreateNetworkInterface(SubnetId=public_subnet["SubnetId"])["NetworkInterface"]
    eip = api.AllocateAddress(Domain="vpc")
    api.AssociateAddress(
        AllocationId=eip["AllocationId"], NetworkInterfaceId=one["NetworkInterfaceId"]
    )
    err = api.error(
        "AssociateAddress",
        AllocationId=eip["AllocationId"],
        NetworkInterfaceId=two["NetworkInterfaceId"],
    )
    assert err.code == "Resource.AlreadyAssociated"
    api.AssociateAddress(
        AllocationId=eip["AllocationId"],
        NetworkInterfaceId=two["NetworkInterfaceId"],
        AllowReassociation=True,
    )
    assert (
        Address.objects.get(resource_id=eip["AllocationId"]).network_interface.resource_id
        == (two["NetworkInterfaceId"])
    )
    assert NetworkInterface.objects.get(resource_id=one["NetworkInterfaceId"]).public_ip is None


def test_associate_by_instance_id_uses_its_primary_interface(api, public_subnet):
    images = api.DescribeImages(
        Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["x86_64"]}]
    )["Images"]
    run = api.RunInstances(
        ImageId=images[0]["ImageId"],
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=public_subnet["SubnetId"],
    )
    instance_id = run["Instances"][0]["InstanceId"]
    eip = api.AllocateAddress(Domain="vpc")
    api.AssociateAddress(AllocationId=eip["AllocationId"], InstanceId=instance_id)
    (listed,) = api.DescribeAddresses(Filters=[{"Name": "instance-id", "Values": [instance_id]}])[
        "Addresses"
    ]
    assert listed["AllocationId"] == eip["AllocationId"]
    assert listed["PrivateIpAddress"] == run["Instances"][0]["PrivateIpAddress"]
    (eni,) = api.DescribeNetworkInterfaces(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}]
    )["NetworkInterfaces"]
    assert eni["Association"]["PublicIp"] == eip["PublicIp"]
    err = api.error(
        "AssociateAddress", AllocationId=eip["AllocationId"], InstanceId="i-0000000000000000f"
    )
    assert err.code == "InvalidInstanceID.NotFound"


def test_glb03_another_accounts_address_is_not_found(api, other_api):
    eip = api.AllocateAddress(Domain="vpc")
    err = other_api.error("ReleaseAddress", AllocationId=eip["AllocationId"])
    assert err.code == "InvalidAllocationID.NotFound"
    assert other_api.DescribeAddresses()["Addresses"] == []


# --- network interfaces ---------------------------------------------------------------------


def test_vpc03_interfaces_get_addresses_after_the_reserved_four(api, subnet):
    first = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"], Description="one")[
        "NetworkInterface"
    ]
    assert first["PrivateIpAddress"] == "10.0.1.4"
    assert first["Status"] == "available"
    assert first["Description"] == "one"
    assert first["MacAddress"].count(":") == 5
    assert first["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal"
    second = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    assert second["PrivateIpAddress"] == "10.0.1.5"


@pytest.mark.parametrize("ip", ["10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"])
def test_vpc03_reserved_addresses_cannot_be_requested(api, subnet, ip):
    err = api.error("CreateNetworkInterface", SubnetId=subnet["SubnetId"], PrivateIpAddress=ip)
    assert err.code == "InvalidParameterValue"
    assert not NetworkInterface.objects.exists()


def test_requested_address_must_be_free_and_in_the_subnet(api, subnet):
    api.CreateNetworkInterface(SubnetId=subnet["SubnetId"], PrivateIpAddress="10.0.1.50")
    err = api.error(
        "CreateNetworkInterface", SubnetId=subnet["SubnetId"], PrivateIpAddress="10.0.1.50"
    )
    assert err.code == "InvalidIPAddress.InUse"
    err = api.error(
        "CreateNetworkInterface", SubnetId=subnet["SubnetId"], PrivateIpAddress="10.0.2.50"
    )
    assert err.code == "InvalidParameterValue"


def test_vpc03_a_slash28_holds_eleven_interfaces(api, vpc):
    small = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.16/28")["Subnet"]
    made = [
        api.CreateNetworkInterface(SubnetId=small["SubnetId"])["NetworkInterface"][
            "PrivateIpAddress"
        ]
        for _ in range(11)
    ]
    assert made == [f"10.0.0.{n}" for n in range(20, 31)]
    err = api.error("CreateNetworkInterface", SubnetId=small["SubnetId"])
    assert err.code == "InsufficientFreeAddressesInSubnet"
    (out,) = api.DescribeSubnets(SubnetIds=[small["SubnetId"]])["Subnets"]
    assert out["AvailableIpAddressCount"] == 0


def test_postgres_rejects_a_private_ip_twice_in_a_subnet(api, subnet):
    from django.db import IntegrityError, transaction

    eni = NetworkInterface.objects.get(
        resource_id=api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"][
            "NetworkInterfaceId"
        ]
    )
    copy = NetworkInterface(
        account=eni.account,
        region=eni.region,
        subnet=eni.subnet,
        vpc=eni.vpc,
        availability_zone=eni.availability_zone,
        private_ip_address=eni.private_ip_address,
        mac_address="02:00:00:00:00:01",
    )
    with (
        pytest.raises(IntegrityError, match="eni_private_ip_unique_in_subnet"),
        transaction.atomic(),
    ):
        copy.save()


def test_public_ip_goes_on_stop_and_a_new_one_comes_on_start(api, public_subnet):
    subnet = Subnet.objects.get(resource_id=public_subnet["SubnetId"])
    eni = network.create_network_interface(api.ctx, subnet, [], assign_public_ip=True)
    first = eni.public_ip
    assert first
    network.release_public_ip(eni)
    assert NetworkInterface.objects.get(pk=eni.pk).public_ip is None
    second = network.assign_public_ip(eni)
    assert second and second != first
    # An Elastic IP stays through stop and start.
    eip = api.AllocateAddress(Domain="vpc")
    api.AssociateAddress(AllocationId=eip["AllocationId"], NetworkInterfaceId=eni.resource_id)
    eni.refresh_from_db()
    network.release_public_ip(eni)
    assert network.assign_public_ip(eni) == eip["PublicIp"]
    # Disassociated, the interface gets an auto-assigned address back.
    api.DisassociateAddress(PublicIp=eip["PublicIp"])
    eni.refresh_from_db()
    assert eni.public_ip and eni.public_ip != eip["PublicIp"]


def test_interface_groups_default_and_limits(api, vpc, subnet):
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    assert [g["GroupName"] for g in eni["Groups"]] == ["default"]
    groups = [
        api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName=f"g{i}", Description="g")["GroupId"]
        for i in range(6)
    ]
    err = api.error("CreateNetworkInterface", SubnetId=subnet["SubnetId"], Groups=groups)
    assert err.code == "SecurityGroupsPerInterfaceLimitExceeded"


def test_attached_interface_cannot_be_deleted(api, subnet):
    eni = network.create_network_interface(
        api.ctx, Subnet.objects.get(resource_id=subnet["SubnetId"]), []
    )
    network.attach_network_interface(eni, "i-0123456789abcdef0")
    err = api.error("DeleteNetworkInterface", NetworkInterfaceId=eni.resource_id)
    assert err.code == "InvalidNetworkInterface.InUse"
    (out,) = api.DescribeNetworkInterfaces(
        Filters=[{"Name": "attachment.instance-id", "Values": ["i-0123456789abcdef0"]}]
    )["NetworkInterfaces"]
    assert out["Attachment"]["InstanceId"] == "i-0123456789abcdef0"
    assert out["Status"] == "in-use"


def test_glb03_another_accounts_interface_is_not_found(api, other_api, subnet):
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    err = other_api.error("DeleteNetworkInterface", NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert err.code == "InvalidNetworkInterfaceID.NotFound"
