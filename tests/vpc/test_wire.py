"""The VPC operations through the AWS door, read back by botocore's own parser as boto3
and the AWS CLI read them: every key of our answers must be where the EC2 model puts it."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import Sender


@pytest.fixture
def aws(client, account) -> Sender:
    key = account.access_keys.get()
    return Sender(client, key.access_key_id, key.secret_access_key)


def ok(aws, action: str, params: dict | None = None) -> dict:
    out = aws.parsed("ec2", action, params or {})
    assert out["status"] == 200, out
    return out


def test_a_network_built_through_the_aws_door(aws):
    vpc = ok(aws, "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]
    assert vpc["VpcId"].startswith("vpc-") and vpc["IsDefault"] is False
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlockState"]["State"] == "associated"
    subnet = ok(aws, "CreateSubnet", {"VpcId": vpc["VpcId"], "CidrBlock": "10.0.1.0/24"})["Subnet"]
    assert subnet["AvailableIpAddressCount"] == 251
    assert subnet["MapPublicIpOnLaunch"] is False
    igw = ok(aws, "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    ok(aws, "AttachInternetGateway", {"InternetGatewayId": igw, "VpcId": vpc["VpcId"]})
    table = ok(aws, "CreateRouteTable", {"VpcId": vpc["VpcId"]})["RouteTable"]
    assert table["Routes"][0]["GatewayId"] == "local"
    assert ok(
        aws,
        "CreateRoute",
        {"RouteTableId": table["RouteTableId"], "DestinationCidrBlock": "0.0.0.0/0",
         "GatewayId": igw},
    )["Return"] is True  # fmt: skip
    assoc = ok(
        aws,
        "AssociateRouteTable",
        {"RouteTableId": table["RouteTableId"], "SubnetId": subnet["SubnetId"]},
    )
    assert assoc["AssociationState"]["State"] == "associated"
    group = ok(
        aws,
        "CreateSecurityGroup",
        {"GroupName": "web", "Description": "web", "VpcId": vpc["VpcId"]},
    )["GroupId"]
    rules = ok(
        aws,
        "AuthorizeSecurityGroupIngress",
        {"GroupId": group, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]}]},
    )["SecurityGroupRules"]  # fmt: skip
    assert rules[0]["FromPort"] == 22 and rules[0]["CidrIpv4"] == "0.0.0.0/0"
    (sg,) = ok(aws, "DescribeSecurityGroups", {"GroupIds": [group]})["SecurityGroups"]
    assert sg["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]
    assert sg["IpPermissionsEgress"][0]["IpProtocol"] == "-1"
    eip = ok(aws, "AllocateAddress", {"Domain": "vpc"})
    eni = ok(aws, "CreateNetworkInterface", {"SubnetId": subnet["SubnetId"], "Groups": [group]})[
        "NetworkInterface"
    ]
    assert eni["PrivateIpAddress"] == "10.0.1.4"
    assert eni["Groups"] == [{"GroupId": group, "GroupName": "web"}]
    ok(
        aws,
        "AssociateAddress",
        {"AllocationId": eip["AllocationId"], "NetworkInterfaceId": eni["NetworkInterfaceId"]},
    )
    (address,) = ok(aws, "DescribeAddresses", {"AllocationIds": [eip["AllocationId"]]})["Addresses"]
    assert address["NetworkInterfaceId"] == eni["NetworkInterfaceId"]
    nat = ok(
        aws,
        "CreateNatGateway",
        {
            "SubnetId": subnet["SubnetId"],
            "AllocationId": ok(aws, "AllocateAddress")["AllocationId"],
        },
    )["NatGateway"]
    assert nat["State"] == "pending" and nat["CreateTime"].tzinfo is not None
    acl = ok(aws, "CreateNetworkAcl", {"VpcId": vpc["VpcId"]})["NetworkAcl"]
    ok(
        aws,
        "CreateNetworkAclEntry",
        {"NetworkAclId": acl["NetworkAclId"], "RuleNumber": 100, "Protocol": "6",
         "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0",
         "PortRange": {"From": 80, "To": 80}},
    )  # fmt: skip
    (described,) = ok(aws, "DescribeNetworkAcls", {"NetworkAclIds": [acl["NetworkAclId"]]})[
        "NetworkAcls"
    ]
    entry = next(e for e in described["Entries"] if e["RuleNumber"] == 100)
    assert entry["PortRange"] == {"From": 80, "To": 80} and entry["Egress"] is False


def test_describe_with_filter_n_and_paging(aws):
    vpc = ok(aws, "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]
    for i in range(6):
        ok(aws, "CreateSubnet", {"VpcId": vpc["VpcId"], "CidrBlock": f"10.0.{i}.0/24"})
    mine = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    first = ok(aws, "DescribeSubnets", {"Filters": mine, "MaxResults": 5})
    assert len(first["Subnets"]) == 5
    second = ok(
        aws, "DescribeSubnets", {"Filters": mine, "MaxResults": 5, "NextToken": first["NextToken"]}
    )
    assert len(second["Subnets"]) == 1 and "NextToken" not in second
    zones = ok(aws, "DescribeAvailabilityZones")["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones][:2] == ["us-east-1a", "us-east-1b"]
    attrs = ok(aws, "DescribeAccountAttributes", {"AttributeNames": ["default-vpc"]})
    assert attrs["AccountAttributes"][0]["AttributeValues"][0]["AttributeValue"].startswith("vpc-")


def test_errors_come_back_as_ec2_errors(aws):
    out = aws.parsed("ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/8"})
    assert out["status"] == 400
    assert out["Error"]["Code"] == "InvalidVpc.Range"
    assert out["Error"]["Message"] == "The CIDR '10.0.0.0/8' is invalid."
