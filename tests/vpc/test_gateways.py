"""Internet gateways (VPC-06) and NAT gateways (VPC-09)."""

from services.core.lifecycle import settle, sweep
from services.vpc.models import InternetGateway, NatGateway, Subnet


def make_igw(api) -> str:
    return api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]


def test_create_attach_detach_delete_internet_gateway(api, vpc):
    created = api.CreateInternetGateway(
        TagSpecifications=[
            {"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "gw"}]}
        ]
    )["InternetGateway"]
    igw_id = created["InternetGatewayId"]
    assert igw_id.startswith("igw-") and created["Attachments"] == []
    api.AttachInternetGateway(InternetGatewayId=igw_id, VpcId=vpc["VpcId"])
    (out,) = api.DescribeInternetGateways(InternetGatewayIds=[igw_id])["InternetGateways"]
    assert out["Attachments"] == [{"State": "available", "VpcId": vpc["VpcId"]}]
    api.DetachInternetGateway(InternetGatewayId=igw_id, VpcId=vpc["VpcId"])
    api.DeleteInternetGateway(InternetGatewayId=igw_id)
    assert not InternetGateway.objects.filter(resource_id=igw_id).exists()


def test_vpc06_one_vpc_per_gateway(api, vpc):
    igw = make_igw(api)
    api.AttachInternetGateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    other = api.CreateVpc(CidrBlock="10.1.0.0/16")["Vpc"]
    err = api.error("AttachInternetGateway", InternetGatewayId=igw, VpcId=other["VpcId"])
    assert err.code == "Resource.AlreadyAssociated"
    assert err.message == f"resource {igw} is already attached to network {vpc['VpcId']}"
    assert InternetGateway.objects.get(resource_id=igw).vpc.resource_id == vpc["VpcId"]


def test_vpc06_one_gateway_per_vpc(api, vpc):
    api.AttachInternetGateway(InternetGatewayId=make_igw(api), VpcId=vpc["VpcId"])
    second = make_igw(api)
    err = api.error("AttachInternetGateway", InternetGatewayId=second, VpcId=vpc["VpcId"])
    assert err.code == "InvalidParameterValue"
    assert err.message == f"Network {vpc['VpcId']} already has an internet gateway attached"
    assert InternetGateway.objects.get(resource_id=second).vpc is None


def test_vpc06_postgres_keeps_one_gateway_per_vpc(api, vpc):
    import pytest
    from django.db import IntegrityError, transaction

    api.AttachInternetGateway(InternetGatewayId=make_igw(api), VpcId=vpc["VpcId"])
    second = InternetGateway.objects.get(resource_id=make_igw(api))
    second.vpc = InternetGateway.objects.exclude(vpc=None).get(vpc__resource_id=vpc["VpcId"]).vpc
    with pytest.raises(IntegrityError, match="igw_one_per_vpc"), transaction.atomic():
        second.save()


def test_vpc06_a_gateway_alone_gives_no_internet_without_a_route(api, vpc, subnet):
    api.AttachInternetGateway(InternetGatewayId=make_igw(api), VpcId=vpc["VpcId"])
    assert not Subnet.objects.get(resource_id=subnet["SubnetId"]).is_public


def test_attached_gateway_cannot_be_deleted(api, vpc):
    igw = make_igw(api)
    api.AttachInternetGateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    err = api.error("DeleteInternetGateway", InternetGatewayId=igw)
    assert err.code == "DependencyViolation"
    assert err.message == f"The internetGateway '{igw}' has dependencies and cannot be deleted."


def test_detach_from_the_wrong_vpc(api, vpc):
    igw = make_igw(api)
    err = api.error("DetachInternetGateway", InternetGatewayId=igw, VpcId=vpc["VpcId"])
    assert err.code == "Gateway.NotAttached"
    assert err.message == f"resource {igw} is not attached to network {vpc['VpcId']}"


def test_detach_refused_while_public_addresses_are_mapped(api, vpc, subnet):
    igw = make_igw(api)
    api.AttachInternetGateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    eip = api.AllocateAddress(Domain="vpc")
    api.AssociateAddress(
        AllocationId=eip["AllocationId"], NetworkInterfaceId=eni["NetworkInterfaceId"]
    )
    err = api.error("DetachInternetGateway", InternetGatewayId=igw, VpcId=vpc["VpcId"])
    assert err.code == "DependencyViolation"
    assert "mapped public address" in err.message


def test_internet_gateway_quota(api):
    # The default VPC's gateway counts: four more make five.
    for _ in range(4):
        make_igw(api)
    assert api.error("CreateInternetGateway").code == "InternetGatewayLimitExceeded"


def test_glb03_another_accounts_gateway_is_not_found(api, other_api):
    igw = make_igw(api)
    err = other_api.error("DeleteInternetGateway", InternetGatewayId=igw)
    assert err.code == "InvalidInternetGatewayID.NotFound"
    assert err.message == f"The internetGateway ID '{igw}' does not exist"


# --- NAT gateways -------------------------------------------------------------------------


def make_nat(api, subnet_id: str) -> dict:
    eip = api.AllocateAddress(Domain="vpc")
    return api.CreateNatGateway(SubnetId=subnet_id, AllocationId=eip["AllocationId"])[
        "NatGateway"
    ] | {"_eip": eip}


def test_vpc09_nat_gateway_goes_pending_then_available(api, vpc, subnet):
    nat = make_nat(api, subnet["SubnetId"])
    assert nat["NatGatewayId"].startswith("nat-")
    assert nat["State"] == "pending"
    assert nat["SubnetId"] == subnet["SubnetId"] and nat["VpcId"] == vpc["VpcId"]
    (address,) = nat["NatGatewayAddresses"]
    assert address["AllocationId"] == nat["_eip"]["AllocationId"]
    assert address["PublicIp"] == nat["_eip"]["PublicIp"]
    assert address["PrivateIp"].startswith("10.0.1.")
    settle()
    (out,) = api.DescribeNatGateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    assert out["State"] == "available"
    # Its interface is in the subnet and holds an address there; its EIP is associated.
    (eni,) = api.DescribeNetworkInterfaces(
        Filters=[{"Name": "subnet-id", "Values": [subnet["SubnetId"]]}]
    )["NetworkInterfaces"]
    assert eni["InterfaceType"] == "nat_gateway" and eni["RequesterManaged"] is True
    (eip,) = api.DescribeAddresses(AllocationIds=[nat["_eip"]["AllocationId"]])["Addresses"]
    assert eip["NetworkInterfaceId"] == eni["NetworkInterfaceId"]


def test_vpc09_public_nat_gateway_needs_an_elastic_ip(api, subnet):
    err = api.error("CreateNatGateway", SubnetId=subnet["SubnetId"])
    assert err.code == "MissingParameter"
    err = api.error(
        "CreateNatGateway", SubnetId=subnet["SubnetId"], AllocationId="eipalloc-0123456789abcdef0"
    )
    assert err.code == "InvalidAllocationID.NotFound"
    assert not NatGateway.objects.exists()


def test_vpc09_elastic_ip_of_a_nat_gateway_cannot_serve_another(api, subnet):
    nat = make_nat(api, subnet["SubnetId"])
    err = api.error(
        "CreateNatGateway",
        SubnetId=subnet["SubnetId"],
        AllocationId=nat["_eip"]["AllocationId"],
    )
    assert err.code == "Resource.AlreadyAssociated"
    err = api.error("ReleaseAddress", AllocationId=nat["_eip"]["AllocationId"])
    assert err.code == "InvalidIPAddress.InUse"


def test_vpc09_private_subnets_route_through_the_nat_gateway(api, vpc, subnet):
    nat = make_nat(api, subnet["SubnetId"])
    private = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]
    table = api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]
    api.CreateRoute(
        RouteTableId=table["RouteTableId"],
        DestinationCidrBlock="0.0.0.0/0",
        NatGatewayId=nat["NatGatewayId"],
    )
    api.AssociateRouteTable(RouteTableId=table["RouteTableId"], SubnetId=private["SubnetId"])
    settle()
    (out,) = api.DescribeRouteTables(RouteTableIds=[table["RouteTableId"]])["RouteTables"]
    route = next(r for r in out["Routes"] if r["DestinationCidrBlock"] == "0.0.0.0/0")
    assert route["NatGatewayId"] == nat["NatGatewayId"] and route["State"] == "active"
    assert not Subnet.objects.get(resource_id=private["SubnetId"]).is_public


def test_vpc09_deleting_a_nat_gateway_frees_its_subnet_and_keeps_the_eip(api, subnet):
    nat = make_nat(api, subnet["SubnetId"])
    settle()
    assert api.error("DeleteSubnet", SubnetId=subnet["SubnetId"]).code == "DependencyViolation"
    assert api.DeleteNatGateway(NatGatewayId=nat["NatGatewayId"]) == {
        "NatGatewayId": nat["NatGatewayId"]
    }
    (out,) = api.DescribeNatGateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    assert out["State"] == "deleting"
    sweep()
    (out,) = api.DescribeNatGateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    assert out["State"] == "deleted" and "DeleteTime" in out
    (eip,) = api.DescribeAddresses(AllocationIds=[nat["_eip"]["AllocationId"]])["Addresses"]
    assert "AssociationId" not in eip
    api.ReleaseAddress(AllocationId=nat["_eip"]["AllocationId"])
    api.DeleteSubnet(SubnetId=subnet["SubnetId"])


def test_describe_nat_gateways_filter(api, vpc, subnet):
    nat = make_nat(api, subnet["SubnetId"])
    found = api.DescribeNatGateways(Filter=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    assert [n["NatGatewayId"] for n in found["NatGateways"]] == [nat["NatGatewayId"]]
    none = api.DescribeNatGateways(Filter=[{"Name": "state", "Values": ["failed"]}])
    assert none["NatGateways"] == []


def test_glb03_another_accounts_nat_gateway_is_not_found(api, other_api, subnet):
    nat = make_nat(api, subnet["SubnetId"])
    err = other_api.error("DeleteNatGateway", NatGatewayId=nat["NatGatewayId"])
    assert err.code == "NatGatewayNotFound"
