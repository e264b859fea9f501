"""The VPC console's details tabs and edit pages: routes, subnet associations and
security group rules, each saved through the operations."""

from __future__ import annotations

import pytest

from services.core.models import Event
from services.vpc.models import RouteTable, SecurityGroup, Subnet
from tests.pages import text as page_text

BASE = "/us-east-1/vpc/"


@pytest.fixture
def igw(api, vpc) -> str:
    igw_id = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    api.AttachInternetGateway(InternetGatewayId=igw_id, VpcId=vpc["VpcId"])
    return igw_id


@pytest.fixture
def table(api, vpc) -> str:
    return api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]


def test_route_table_tabs_show_routes_and_associations(console, api, vpc, subnet, table, igw):
    api.CreateRoute(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    api.AssociateRouteTable(RouteTableId=table, SubnetId=subnet["SubnetId"])
    text = page_text(console.get(f"{BASE}route-tables/{table}/?tab=routes"))
    assert "10.0.0.0/16 local Active" in text
    assert f"0.0.0.0/0 {igw} Active" in text
    assert "Edit routes" in text
    text = page_text(console.get(f"{BASE}route-tables/{table}/?tab=associations"))
    assert subnet["SubnetId"] in text
    # The main table lists the subnets that use it implicitly.
    main = RouteTable.objects.get(vpc__resource_id=vpc["VpcId"], associations__main=True)
    other = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]
    text = page_text(console.get(f"{BASE}route-tables/{main.resource_id}/?tab=associations"))
    assert "Subnets without explicit associations (1)" in text and other["SubnetId"] in text


def test_edit_routes_adds_replaces_and_removes(console, api, vpc, subnet, table, igw):
    url = f"{BASE}route-tables/{table}/edit-routes/"
    assert igw in page_text(console.get(url))
    response = console.post(url, {"destination": ["0.0.0.0/0"], "target": [igw]})
    assert response.status_code == 302
    assert (
        RouteTable.objects.get(resource_id=table)
        .routes.get(destination_cidr_block="0.0.0.0/0")
        .gateway_id
        == igw
    )
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"])["NetworkInterface"]
    console.post(url, {"destination": ["0.0.0.0/0"], "target": [eni["NetworkInterfaceId"]]})
    route = RouteTable.objects.get(resource_id=table).routes.get(destination_cidr_block="0.0.0.0/0")
    assert route.network_interface_id == eni["NetworkInterfaceId"]
    console.post(url, {})
    assert RouteTable.objects.get(resource_id=table).routes.count() == 1  # local only
    names = list(Event.objects.filter(door="console").values_list("event_name", flat=True))
    assert {"CreateRoute", "ReplaceRoute", "DeleteRoute"} <= set(names)


def test_edit_routes_shows_the_aws_error_and_changes_nothing(console, table, igw):
    url = f"{BASE}route-tables/{table}/edit-routes/"
    response = console.post(url, {"destination": ["10.0.0.0/8x"], "target": [igw]}, follow=True)
    assert "InvalidParameterValue" in page_text(response)
    assert RouteTable.objects.get(resource_id=table).routes.count() == 1


def test_edit_subnet_associations(console, api, vpc, subnet, table):
    url = f"{BASE}route-tables/{table}/edit-subnet-associations/"
    assert subnet["SubnetId"] in page_text(console.get(url))
    console.post(url, {"subnet": [subnet["SubnetId"]]})
    assert Subnet.objects.get(resource_id=subnet["SubnetId"]).route_table_id == table
    # Moving it to another table replaces the association.
    second = api.CreateRouteTable(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]
    console.post(
        f"{BASE}route-tables/{second}/edit-subnet-associations/", {"subnet": [subnet["SubnetId"]]}
    )
    assert Subnet.objects.get(resource_id=subnet["SubnetId"]).route_table_id == second
    console.post(f"{BASE}route-tables/{second}/edit-subnet-associations/", {})
    model = Subnet.objects.get(resource_id=subnet["SubnetId"])
    assert model.route_table == model.vpc.main_route_table


def test_security_group_rules_tabs_and_edit(console, api, vpc):
    group = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="web", Description="web")[
        "GroupId"
    ]
    text = page_text(console.get(f"{BASE}security-groups/{group}/?tab=outbound"))
    assert "All traffic All All 0.0.0.0/0" in text
    url = f"{BASE}security-groups/{group}/edit-inbound-rules/"
    assert "Edit inbound rules" in page_text(console.get(url))
    rows = {
        "rule_id": ["", ""],
        "type": ["ssh", "custom-tcp"],
        "ports": ["", "8000-8080"],
        "peer": ["203.0.113.0/24", group],
        "description": ["admins", ""],
    }
    response = console.post(url, rows)
    assert response.status_code == 302, page_text(response)
    text = page_text(console.get(f"{BASE}security-groups/{group}/?tab=inbound"))
    assert "SSH TCP 22 203.0.113.0/24 admins" in text
    assert f"Custom TCP TCP 8000 - 8080 {group}" in text
    # Dropping the SSH row revokes that rule only.
    sg = SecurityGroup.objects.get(resource_id=group)
    keep = sg.rules.get(is_egress=False, from_port=8000)
    response = console.post(
        url,
        {"rule_id": [keep.resource_id], "type": ["custom-tcp"], "ports": ["8000-8080"],
         "peer": [group], "description": [""]},
    )  # fmt: skip
    assert list(sg.rules.filter(is_egress=False)) == [keep]


def test_edit_rules_refuses_a_bad_port_without_changes(console, api, vpc):
    group = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="web", Description="web")[
        "GroupId"
    ]
    url = f"{BASE}security-groups/{group}/edit-inbound-rules/"
    response = console.post(
        url,
        {"rule_id": [""], "type": ["custom-tcp"], "ports": ["70000"], "peer": ["0.0.0.0/0"],
         "description": [""]},
    )  # fmt: skip
    assert "InvalidParameterValue" in page_text(response)
    assert not SecurityGroup.objects.get(resource_id=group).rules.filter(is_egress=False).exists()


def test_network_acl_tabs(console, vpc):
    from services.vpc.models import NetworkAcl

    acl = NetworkAcl.objects.get(vpc__resource_id=vpc["VpcId"], is_default=True)
    text = page_text(console.get(f"{BASE}network-acls/{acl.resource_id}/?tab=inbound-entries"))
    assert "100 All traffic All All 0.0.0.0/0 Allow" in text
    assert "* All traffic All All 0.0.0.0/0 Deny" in text


def test_detached_internet_gateway_offers_attach(console, api):
    igw = api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"]
    text = page_text(console.get(f"{BASE}internet-gateways/{igw}/"))
    assert "Attach to VPC" in text and "Detached" in text


def test_another_accounts_pages_are_not_found(console, other_api):
    theirs = other_api.CreateVpc(CidrBlock="10.0.0.0/16")["Vpc"]
    table = RouteTable.objects.get(vpc__resource_id=theirs["VpcId"])
    assert console.get(f"{BASE}route-tables/{table.resource_id}/").status_code == 404
    assert console.get(f"{BASE}route-tables/{table.resource_id}/edit-routes/").status_code == 404
