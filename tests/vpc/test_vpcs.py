"""CreateVpc, DeleteVpc, DescribeVpcs and CIDR associations (VPC-01, VPC-02, VPC-16)."""

import pytest

from services.core.models import Event
from services.vpc.models import NetworkAcl, RouteTable, SecurityGroup, Vpc


def test_create_vpc_returns_the_aws_shape_with_its_defaults(api):
    out = api.CreateVpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "lab"}]}],
    )["Vpc"]
    assert out["VpcId"].startswith("vpc-") and len(out["VpcId"]) == 21
    assert out["CidrBlock"] == "10.0.0.0/16"
    assert out["State"] == "available"
    assert out["IsDefault"] is False
    assert out["InstanceTenancy"] == "default"
    assert out["DhcpOptionsId"].startswith("dopt-")
    assert out["OwnerId"] == api.ctx.account.id
    assert out["Tags"] == [{"Key": "Name", "Value": "lab"}]
    assert out["CidrBlockAssociationSet"][0]["CidrBlockState"] == {"State": "associated"}
    vpc = Vpc.objects.get(resource_id=out["VpcId"])
    # Every VPC comes with a main route table, a default ACL and a default group.
    assert vpc.main_route_table.routes.get().gateway_id == "local"
    assert vpc.default_network_acl.is_default
    assert vpc.default_security_group.group_name == "default"


@pytest.mark.parametrize("block", ["10.0.0.0/15", "10.0.0.0/8", "10.0.0.0/29", "10.0.0.0/32"])
def test_vpc01_vpc_cidr_outside_16_to_28_is_refused(api, block):
    before = Vpc.objects.count()
    err = api.error("CreateVpc", CidrBlock=block)
    assert err.code == "InvalidVpc.Range"
    assert err.message == f"The CIDR '{block}' is invalid."
    assert Vpc.objects.count() == before


@pytest.mark.parametrize("block", ["10.0.0.0/16", "192.168.0.0/28", "172.16.0.0/20"])
def test_vpc01_vpc_cidr_from_16_to_28_is_accepted(api, block):
    assert api.CreateVpc(CidrBlock=block)["Vpc"]["CidrBlock"] == block


@pytest.mark.parametrize("block", ["10.0.0.0", "10.0.0.300/16", "10.0.0.1/16", "banana"])
def test_malformed_cidr_is_invalid_parameter_value(api, block):
    err = api.error("CreateVpc", CidrBlock=block)
    assert err.code == "InvalidParameterValue"
    assert "is not a valid CIDR block" in err.message


def test_vpc01_reserved_ranges_are_refused(api):
    assert api.error("CreateVpc", CidrBlock="127.0.0.0/16").code == "InvalidVpc.Range"
    assert api.error("CreateVpc", CidrBlock="224.0.0.0/16").code == "InvalidVpc.Range"


def test_vpc02_five_vpcs_per_region_counting_the_default(api):
    for i in range(4):
        api.CreateVpc(CidrBlock=f"10.{i}.0.0/16")
    err = api.error("CreateVpc", CidrBlock="10.9.0.0/16")
    assert err.code == "VpcLimitExceeded"
    assert err.message == "The maximum number of VPCs has been reached."
    assert Vpc.objects.filter(account=api.ctx.account, region="us-east-1").count() == 5
    # The quota is per region (GLB-03).
    other_region = api.ctx.in_region("eu-west-1")
    from services.core import operations

    operations.call(other_region, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})


def test_vpc02_up_to_five_cidr_blocks_per_vpc(api, vpc):
    for i in range(1, 5):
        out = api.AssociateVpcCidrBlock(VpcId=vpc["VpcId"], CidrBlock=f"10.{i}.0.0/16")
        assert out["CidrBlockAssociation"]["CidrBlock"] == f"10.{i}.0.0/16"
    err = api.error("AssociateVpcCidrBlock", VpcId=vpc["VpcId"], CidrBlock="10.9.0.0/16")
    assert err.code == "CidrLimitExceeded"
    (described,) = api.DescribeVpcs(VpcIds=[vpc["VpcId"]])["Vpcs"]
    assert len(described["CidrBlockAssociationSet"]) == 5
    # Each block is reachable: the main table has a local route for it.
    (table,) = api.DescribeRouteTables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "RouteTables"
    ]
    assert sum(r["GatewayId"] == "local" for r in table["Routes"]) == 5


def test_vpc02_secondary_block_overlapping_is_refused_and_subnets_may_use_it(api, vpc):
    err = api.error("AssociateVpcCidrBlock", VpcId=vpc["VpcId"], CidrBlock="10.0.128.0/17")
    assert err.code == "InvalidVpc.Range"
    assoc = api.AssociateVpcCidrBlock(VpcId=vpc["VpcId"], CidrBlock="10.1.0.0/16")
    api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.1.0.0/24")
    err = api.error(
        "DisassociateVpcCidrBlock",
        AssociationId=assoc["CidrBlockAssociation"]["AssociationId"],
    )
    assert err.code == "InvalidCidrBlock.InUse"


def test_primary_cidr_block_cannot_be_disassociated(api, vpc):
    assoc_id = vpc["CidrBlockAssociationSet"][0]["AssociationId"]
    assert api.error("DisassociateVpcCidrBlock", AssociationId=assoc_id).code == (
        "OperationNotPermitted"
    )


def test_delete_empty_vpc_removes_it_with_its_defaults(api, vpc):
    api.DeleteVpc(VpcId=vpc["VpcId"])
    assert not Vpc.objects.filter(resource_id=vpc["VpcId"]).exists()
    assert not RouteTable.objects.filter(vpc__resource_id=vpc["VpcId"]).exists()
    assert not NetworkAcl.objects.filter(vpc__resource_id=vpc["VpcId"]).exists()
    assert not SecurityGroup.objects.filter(vpc__resource_id=vpc["VpcId"]).exists()
    assert api.error("DescribeVpcs", VpcIds=[vpc["VpcId"]]).code == "InvalidVpcID.NotFound"


def test_vpc16_vpc_with_a_subnet_cannot_be_deleted(api, vpc, subnet):
    err = api.error("DeleteVpc", VpcId=vpc["VpcId"])
    assert err.code == "DependencyViolation"
    assert err.message == f"The vpc '{vpc['VpcId']}' has dependencies and cannot be deleted."
    assert Vpc.objects.filter(resource_id=vpc["VpcId"]).exists()
    event = Event.objects.filter(event_name="DeleteVpc").first()
    assert event.error_code == "DependencyViolation"


@pytest.mark.parametrize(
    "make",
    [
        lambda api, v: api.AttachInternetGateway(
            VpcId=v,
            InternetGatewayId=api.CreateInternetGateway()["InternetGateway"]["InternetGatewayId"],
        ),
        lambda api, v: api.CreateSecurityGroup(VpcId=v, GroupName="web", Description="web"),
        lambda api, v: api.CreateRouteTable(VpcId=v),
        lambda api, v: api.CreateNetworkAcl(VpcId=v),
    ],
    ids=["internet-gateway", "security-group", "route-table", "network-acl"],
)
def test_vpc16_vpc_with_other_dependencies_cannot_be_deleted(api, vpc, make):
    make(api, vpc["VpcId"])
    assert api.error("DeleteVpc", VpcId=vpc["VpcId"]).code == "DependencyViolation"


def test_default_vpc_can_be_deleted_and_recreated(api):
    default = Vpc.objects.get(account=api.ctx.account, region="us-east-1", is_default=True)
    assert api.error("CreateDefaultVpc").code == "DefaultVpcAlreadyExists"
    igw = default.internet_gateway_or_none()
    api.DetachInternetGateway(InternetGatewayId=igw.resource_id, VpcId=default.resource_id)
    api.DeleteInternetGateway(InternetGatewayId=igw.resource_id)
    for s in default.subnets.all():
        api.DeleteSubnet(SubnetId=s.resource_id)
    api.DeleteVpc(VpcId=default.resource_id)
    attrs = api.DescribeAccountAttributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attrs[0]["AttributeValues"] == [{"AttributeValue": "none"}]
    new = api.CreateDefaultVpc()["Vpc"]
    assert new["IsDefault"] is True and new["CidrBlock"] == "172.31.0.0/16"
    assert (
        len(api.DescribeSubnets(Filters=[{"Name": "vpc-id", "Values": [new["VpcId"]]}])["Subnets"])
        == 6
    )


def test_describe_vpcs_filters_and_pages(api):
    for i in range(3):
        api.CreateVpc(
            CidrBlock=f"10.{i}.0.0/16",
            TagSpecifications=[
                {"ResourceType": "vpc", "Tags": [{"Key": "team", "Value": f"t{i % 2}"}]}
            ],
        )
    tagged = api.DescribeVpcs(Filters=[{"Name": "tag:team", "Values": ["t0"]}])["Vpcs"]
    assert sorted(v["CidrBlock"] for v in tagged) == ["10.0.0.0/16", "10.2.0.0/16"]
    wild = api.DescribeVpcs(Filters=[{"Name": "cidr", "Values": ["10.*"]}])["Vpcs"]
    assert len(wild) == 3
    first = api.DescribeVpcs(MaxResults=5)
    assert len(first["Vpcs"]) == 4 and "NextToken" not in first
    page = api.DescribeVpcs(MaxResults=5, Filters=[{"Name": "is-default", "Values": ["false"]}])
    assert len(page["Vpcs"]) == 3
    assert api.error("DescribeVpcs", Filters=[{"Name": "bogus", "Values": ["x"]}]).code == (
        "InvalidParameterValue"
    )


def test_glb03_another_accounts_vpc_is_not_found(api, other_api, vpc):
    for action, params in [
        ("DeleteVpc", {"VpcId": vpc["VpcId"]}),
        ("DescribeVpcs", {"VpcIds": [vpc["VpcId"]]}),
        ("CreateSubnet", {"VpcId": vpc["VpcId"], "CidrBlock": "10.0.0.0/24"}),
        ("CreateSecurityGroup", {"VpcId": vpc["VpcId"], "GroupName": "x", "Description": "x"}),
    ]:
        err = other_api.error(action, **params)
        assert err.code == "InvalidVpcID.NotFound", action
    theirs = other_api.DescribeVpcs()["Vpcs"]
    assert vpc["VpcId"] not in {v["VpcId"] for v in theirs}


def test_glb03_another_regions_vpc_is_not_listed(api, vpc):
    from services.core import operations

    eu = api.ctx.in_region("eu-west-1")
    listed = operations.call(eu, "ec2", "DescribeVpcs", {})["Vpcs"]
    assert vpc["VpcId"] not in {v["VpcId"] for v in listed}


def test_dns_attributes(api, vpc):
    out = api.DescribeVpcAttribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert out["EnableDnsHostnames"] == {"Value": False}
    api.ModifyVpcAttribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    out = api.DescribeVpcAttribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert out["EnableDnsHostnames"] == {"Value": True}


def test_tags_on_vpc_resources(api, vpc):
    api.CreateTags(Resources=[vpc["VpcId"]], Tags=[{"Key": "env", "Value": "lab"}])
    (out,) = api.DescribeVpcs(VpcIds=[vpc["VpcId"]])["Vpcs"]
    assert {"Key": "env", "Value": "lab"} in out["Tags"]
    err = api.error("CreateTags", Resources=["vpc-0123456789abcdef0"], Tags=[{"Key": "a"}])
    assert err.code == "InvalidVpcID.NotFound"
    assert err.message == "The vpc ID 'vpc-0123456789abcdef0' does not exist"
