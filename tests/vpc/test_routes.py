"""Route tables, routes and associations (VPC-07, VPC-08)."""

import pytest

from services.vpc.models import RouteTable, Subnet


@pytest.fixture
def igw(api, vpc) -> str:
    igw_id = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    api.AttachInternetGateway(InternetGatewayId=igw_id, VpcId=vpc["VpcId"])
    return igw_id


@pytest.fixture
def table(api, vpc) -> dict:
    return api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]


def test_new_route_table_has_only_the_local_route(api, vpc, table):
    assert table["RouteTableId"].startswith("rtb-")
    assert table["Routes"] == [
        {
            "DestinationCidrBlock": "10.0.0.0/16",
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
    ]
    assert table["Associations"] == []


def test_vpc07_local_route_cannot_be_removed(api, vpc, table):
    err = api.error(
        "DeleteRoute", RouteTableId=table["RouteTableId"], DestinationCidrBlock="10.0.0.0/16"
    )
    assert err.code == "InvalidParameterValue"
    assert err.message == (
        f"cannot remove local route 10.0.0.0/16 in route table {table['RouteTableId']}"
    )
    assert RouteTable.objects.get(resource_id=table["RouteTableId"]).routes.count() == 1


def test_vpc07_every_subnet_uses_the_main_table_until_associated(api, vpc, subnet, table):
    model = Subnet.objects.get(resource_id=subnet["SubnetId"])
    main = model.vpc.main_route_table
    assert model.route_table == main
    assoc = api.AssociateRouteTable(RouteTableId=table["RouteTableId"], SubnetId=subnet["SubnetId"])
    assert assoc["AssociationId"].startswith("rtbassoc-")
    assert assoc["AssociationState"] == {"State": "associated"}
    model = Subnet.objects.get(resource_id=subnet["SubnetId"])
    assert model.route_table_id == table["RouteTableId"]
    found = api.DescribeRouteTables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}]
    )["RouteTables"]
    assert [t["RouteTableId"] for t in found] == [table["RouteTableId"]]
    api.DisassociateRouteTable(AssociationId=assoc["AssociationId"])
    assert Subnet.objects.get(resource_id=subnet["SubnetId"]).route_table == main


def test_vpc07_a_subnet_has_exactly_one_explicit_association(api, vpc, subnet, table):
    api.AssociateRouteTable(RouteTableId=table["RouteTableId"], SubnetId=subnet["SubnetId"])
    second = api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]
    err = api.error(
        "AssociateRouteTable", RouteTableId=second["RouteTableId"], SubnetId=subnet["SubnetId"]
    )
    assert err.code == "Resource.AlreadyAssociated"
    # Moving it is ReplaceRouteTableAssociation.
    (assoc,) = api.DescribeRouteTables(RouteTableIds=[table["RouteTableId"]])["RouteTables"][0][
        "Associations"
    ]
    out = api.ReplaceRouteTableAssociation(
        AssociationId=assoc["RouteTableAssociationId"], RouteTableId=second["RouteTableId"]
    )
    assert out["NewAssociationId"] != assoc["RouteTableAssociationId"]
    assert (
        Subnet.objects.get(resource_id=subnet["SubnetId"]).route_table_id
        == (second["RouteTableId"])
    )


def test_vpc07_main_association_can_move_but_not_be_removed(api, vpc, table):
    main = RouteTable.objects.get(vpc__resource_id=vpc["VpcId"], associations__main=True)
    assoc = main.associations.get(main=True)
    err = api.error("DisassociateRouteTable", AssociationId=assoc.association_id)
    assert err.code == "InvalidParameterValue"
    err = api.error("DeleteRouteTable", RouteTableId=main.resource_id)
    assert err.code == "DependencyViolation"
    api.ReplaceRouteTableAssociation(
        AssociationId=assoc.association_id, RouteTableId=table["RouteTableId"]
    )
    (new_main,) = api.DescribeRouteTables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    assert new_main["RouteTableId"] == table["RouteTableId"]
    api.DeleteRouteTable(RouteTableId=main.resource_id)


def test_vpc08_subnet_is_public_when_its_table_routes_to_an_igw(api, vpc, subnet, table, igw):
    model = Subnet.objects.get(resource_id=subnet["SubnetId"])
    assert not model.is_public
    api.AssociateRouteTable(RouteTableId=table["RouteTableId"], SubnetId=subnet["SubnetId"])
    api.CreateRoute(
        RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
    )
    assert Subnet.objects.get(resource_id=subnet["SubnetId"]).is_public
    # Detaching the gateway leaves a blackhole route and a private subnet.
    api.DetachInternetGateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    (out,) = api.DescribeRouteTables(RouteTableIds=[table["RouteTableId"]])["RouteTables"]
    route = next(r for r in out["Routes"] if r["DestinationCidrBlock"] == "0.0.0.0/0")
    assert route["State"] == "blackhole"
    assert not Subnet.objects.get(resource_id=subnet["SubnetId"]).is_public


def test_route_to_a_gateway_of_another_vpc_is_refused(api, table):
    other = api.CreateVpc(CidrBlock="10.1.0.0/16")["Vpc"]
    igw = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    api.AttachInternetGateway(InternetGatewayId=igw, VpcId=other["VpcId"])
    err = api.error(
        "CreateRoute",
        RouteTableId=table["RouteTableId"],
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId=igw,
    )
    assert err.code == "InvalidParameterValue"
    assert "belong to different networks" in err.message


def test_duplicate_route_and_replace_and_delete(api, vpc, table, igw):
    rtb = table["RouteTableId"]
    assert api.CreateRoute(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw) == {
        "Return": True
    }
    err = api.error(
        "CreateRoute", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
    )
    assert err.code == "RouteAlreadyExists"
    assert err.message == "The route identified by 0.0.0.0/0 already exists."
    eni = api.CreateNetworkInterface(
        SubnetId=api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.9.0/24")["Subnet"]["SubnetId"]
    )["NetworkInterface"]
    api.ReplaceRoute(
        RouteTableId=rtb,
        DestinationCidrBlock="0.0.0.0/0",
        NetworkInterfaceId=eni["NetworkInterfaceId"],
    )
    (out,) = api.DescribeRouteTables(RouteTableIds=[rtb])["RouteTables"]
    route = next(r for r in out["Routes"] if r["DestinationCidrBlock"] == "0.0.0.0/0")
    assert route["NetworkInterfaceId"] == eni["NetworkInterfaceId"] and "GatewayId" not in route
    api.DeleteRoute(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    err = api.error("DeleteRoute", RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    assert err.code == "InvalidRoute.NotFound"


def test_route_needs_exactly_one_target(api, table):
    err = api.error(
        "CreateRoute", RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0"
    )
    assert err.code == "MissingParameter"
    err = api.error(
        "CreateRoute",
        RouteTableId=table["RouteTableId"],
        DestinationCidrBlock="0.0.0.0/0",
        GatewayId="igw-0123456789abcdef0",
    )
    assert err.code == "InvalidInternetGatewayID.NotFound"


def test_route_table_with_an_association_cannot_be_deleted(api, subnet, table):
    api.AssociateRouteTable(RouteTableId=table["RouteTableId"], SubnetId=subnet["SubnetId"])
    err = api.error("DeleteRouteTable", RouteTableId=table["RouteTableId"])
    assert err.code == "DependencyViolation"
    assert err.message == (
        f"The routeTable '{table['RouteTableId']}' has dependencies and cannot be deleted."
    )


def test_subnet_of_another_vpc_cannot_be_associated(api, table):
    other = api.CreateVpc(CidrBlock="10.1.0.0/16")["Vpc"]
    far = api.CreateSubnet(VpcId=other["VpcId"], CidrBlock="10.1.0.0/24")["Subnet"]
    err = api.error(
        "AssociateRouteTable", RouteTableId=table["RouteTableId"], SubnetId=far["SubnetId"]
    )
    assert err.code == "InvalidParameterValue"


def test_describe_route_tables_pages_by_at_most_100(api):
    err = api.error("DescribeRouteTables", MaxResults=101)
    assert err.code == "InvalidParameterValue"
    assert len(api.DescribeRouteTables(MaxResults=100)["RouteTables"]) == 1


def test_glb03_another_accounts_route_table_is_not_found(api, other_api, table):
    err = other_api.error("DeleteRouteTable", RouteTableId=table["RouteTableId"])
    assert err.code == "InvalidRouteTableID.NotFound"
    assert err.message == f"The routeTable ID '{table['RouteTableId']}' does not exist"
