"""VPC-05: every new account has a default VPC in every region."""

from services.core import regions
from services.vpc.models import Subnet, Vpc


def test_vpc05_every_region_has_a_default_vpc(account):
    vpcs = Vpc.objects.filter(account=account)
    assert sorted(v.region for v in vpcs) == sorted(regions.REGIONS)
    assert all(v.is_default and v.cidr_block == "172.31.0.0/16" for v in vpcs)


def test_vpc05_default_subnets_one_slash20_per_az_with_public_ips(api):
    subnets = api.DescribeSubnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"
    ]
    by_zone = {s["AvailabilityZone"]: s for s in subnets}
    assert sorted(by_zone) == regions.REGIONS["us-east-1"].zone_names
    assert [by_zone[z]["CidrBlock"] for z in sorted(by_zone)] == [
        f"172.31.{16 * i}.0/20" for i in range(6)
    ]
    for s in subnets:
        assert s["MapPublicIpOnLaunch"] is True
        assert s["DefaultForAz"] is True
        assert s["AvailableIpAddressCount"] == 4096 - 5


def test_vpc05_default_vpc_has_attached_gateway_and_internet_route(api):
    (vpc,) = api.DescribeVpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert vpc["IsDefault"] is True
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlock"] == "172.31.0.0/16"
    (igw,) = api.DescribeInternetGateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}]
    )["InternetGateways"]
    assert igw["Attachments"] == [{"State": "available", "VpcId": vpc["VpcId"]}]
    (table,) = api.DescribeRouteTables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "RouteTables"
    ]
    assert table["Associations"][0]["Main"] is True
    routes = {r["DestinationCidrBlock"]: r for r in table["Routes"]}
    assert routes["172.31.0.0/16"]["GatewayId"] == "local"
    assert routes["0.0.0.0/0"]["GatewayId"] == igw["InternetGatewayId"]
    assert routes["0.0.0.0/0"]["State"] == "active"


def test_vpc05_default_subnets_are_public(account):
    subnet = Subnet.objects.filter(account=account, region="eu-west-1").first()
    assert subnet.is_public


def test_vpc10_default_network_acl_allows_all_then_denies(api):
    (acl,) = api.DescribeNetworkAcls(Filters=[{"Name": "default", "Values": ["true"]}])[
        "NetworkAcls"
    ]
    entries = sorted((e["Egress"], e["RuleNumber"], e["RuleAction"]) for e in acl["Entries"])
    assert entries == [
        (False, 100, "allow"),
        (False, 32767, "deny"),
        (True, 100, "allow"),
        (True, 32767, "deny"),
    ]
    assert len(acl["Associations"]) == 6


def test_vpc12_default_security_group_admits_its_members_and_all_outbound(api):
    (group,) = api.DescribeSecurityGroups(GroupNames=["default"])["SecurityGroups"]
    assert group["Description"] == "default VPC security group"
    (inbound,) = group["IpPermissions"]
    assert inbound["IpProtocol"] == "-1"
    assert inbound["UserIdGroupPairs"][0]["GroupId"] == group["GroupId"]
    assert inbound["IpRanges"] == []
    (outbound,) = group["IpPermissionsEgress"]
    assert outbound["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]


def test_vpc05_account_attributes_name_the_default_vpc(api):
    (vpc,) = api.DescribeVpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    attrs = api.DescribeAccountAttributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attrs[0]["AttributeValues"] == [{"AttributeValue": vpc["VpcId"]}]


def test_vpc05_seeding_all_regions_is_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    """Seeding runs inside every account creation: bulk inserts, not a query per row."""
    from services.core.models import Account
    from services.vpc.defaults import create_default_vpcs

    account = Account.objects.create(id="123456789012", root_email="q@example.com")
    with django_assert_max_num_queries(15):
        create_default_vpcs(account, list(regions.REGIONS))
    assert Subnet.objects.filter(account=account).count() == sum(
        len(r.zones) for r in regions.REGIONS.values()
    )
