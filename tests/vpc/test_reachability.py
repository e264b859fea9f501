"""Security groups (VPC-11, VPC-12) and network ACLs (VPC-10) applied to a connection."""

import pytest

from services.vpc import network, reachability
from services.vpc.models import NetworkInterface, SecurityGroup, Subnet


@pytest.fixture
def two_subnets(api, vpc):
    a = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")["Subnet"]
    b = api.CreateSubnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24")["Subnet"]
    return Subnet.objects.get(resource_id=a["SubnetId"]), Subnet.objects.get(
        resource_id=b["SubnetId"]
    )


def group(api, vpc, name: str) -> SecurityGroup:
    gid = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName=name, Description=name)["GroupId"]
    return SecurityGroup.objects.get(resource_id=gid)


def eni(api, subnet, groups) -> NetworkInterface:
    return network.create_network_interface(api.ctx, subnet, groups)


def test_vpc11_new_groups_deny_inbound_and_rules_only_allow(api, vpc, two_subnets):
    web, client = group(api, vpc, "web"), group(api, vpc, "client")
    server, caller = eni(api, two_subnets[0], [web]), eni(api, two_subnets[1], [client])
    verdict = reachability.connection(caller, server, "tcp", 80)
    assert not verdict.allowed and "inbound" in verdict.reason
    api.AuthorizeSecurityGroupIngress(
        GroupId=web.resource_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                        "IpRanges": [{"CidrIp": "10.0.2.0/24"}]}],
    )  # fmt: skip
    assert reachability.connection(caller, server, "tcp", 80).allowed
    assert not reachability.connection(caller, server, "tcp", 22).allowed


def test_vpc11_rules_of_several_groups_add_up(api, vpc, two_subnets):
    web, ssh, client = group(api, vpc, "web"), group(api, vpc, "ssh"), group(api, vpc, "c")
    api.AuthorizeSecurityGroupIngress(
        GroupId=web.resource_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                        "UserIdGroupPairs": [{"GroupId": client.resource_id}]}],
    )  # fmt: skip
    api.AuthorizeSecurityGroupIngress(
        GroupId=ssh.resource_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )  # fmt: skip
    server = eni(api, two_subnets[0], [web, ssh])
    caller = eni(api, two_subnets[1], [client])
    assert reachability.connection(caller, server, "tcp", 80).allowed  # by group reference
    assert reachability.connection(caller, server, "tcp", 22).allowed  # by the other group


def test_vpc11_security_groups_are_stateful_but_acls_are_not(api, vpc, two_subnets):
    web, client = group(api, vpc, "web"), group(api, vpc, "client")
    api.AuthorizeSecurityGroupIngress(
        GroupId=web.resource_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )  # fmt: skip
    # The web group allows no outbound traffic at all: replies still get out (stateful).
    api.RevokeSecurityGroupEgress(
        GroupId=web.resource_id,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    server, caller = eni(api, two_subnets[0], [web]), eni(api, two_subnets[1], [client])
    assert reachability.connection(caller, server, "tcp", 443).allowed
    # A custom ACL on the server's subnet that allows only 443 in and out: the reply to
    # the client's ephemeral port is denied (stateless, VPC-10).
    acl = api.CreateNetworkAcl(VpcId=vpc["VpcId"])["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        api.CreateNetworkAclEntry(
            NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=egress,
            CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443},
        )  # fmt: skip
    api.ReplaceNetworkAclAssociation(
        AssociationId=two_subnets[0].acl_association_id, NetworkAclId=acl
    )
    server.refresh_from_db()
    verdict = reachability.connection(caller, server, "tcp", 443)
    assert not verdict.allowed and "reply out of" in verdict.reason
    api.CreateNetworkAclEntry(
        NetworkAclId=acl, RuleNumber=110, Protocol="6", RuleAction="allow", Egress=True,
        CidrBlock="0.0.0.0/0", PortRange={"From": 1024, "To": 65535},
    )  # fmt: skip
    assert reachability.connection(caller, server, "tcp", 443).allowed


def test_vpc12_default_group_members_reach_each_other(api, vpc, two_subnets):
    default = SecurityGroup.objects.get(vpc__resource_id=vpc["VpcId"], group_name="default")
    a, b = eni(api, two_subnets[0], [default]), eni(api, two_subnets[1], [default])
    assert reachability.connection(a, b, "tcp", 5432).allowed
    outsider = eni(api, two_subnets[1], [group(api, vpc, "other")])
    assert not reachability.connection(outsider, a, "tcp", 5432).allowed
