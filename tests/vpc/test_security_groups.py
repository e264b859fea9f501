"""Security groups (VPC-11, VPC-12, VPC-13, VPC-16)."""

import pytest

from services.vpc.models import SecurityGroup, SecurityGroupRule


@pytest.fixture
def group(api, vpc) -> str:
    return api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="web", Description="web tier")[
        "GroupId"
    ]


def ssh_from(cidr: str) -> dict:
    return {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}


def test_vpc11_new_group_denies_inbound_and_allows_all_outbound(api, vpc, group):
    assert group.startswith("sg-")
    (out,) = api.DescribeSecurityGroups(GroupIds=[group])["SecurityGroups"]
    assert out["GroupName"] == "web" and out["Description"] == "web tier"
    assert out["VpcId"] == vpc["VpcId"]
    assert out["IpPermissions"] == []
    assert out["IpPermissionsEgress"] == [
        {
            "IpProtocol": "-1",
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]


def test_vpc11_authorize_rules_by_cidr_and_by_group(api, vpc, group):
    other = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="lb", Description="lb")["GroupId"]
    out = api.AuthorizeSecurityGroupIngress(
        GroupId=group,
        IpPermissions=[
            ssh_from("203.0.113.0/24"),
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "UserIdGroupPairs": [{"GroupId": other, "Description": "from the LB"}],
            },
            {
                "IpProtocol": "icmp",
                "FromPort": 8,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
        ],
    )
    assert out["Return"] is True
    rules = out["SecurityGroupRules"]
    assert len(rules) == 3 and all(r["SecurityGroupRuleId"].startswith("sgr-") for r in rules)
    assert rules[1]["ReferencedGroupInfo"]["GroupId"] == other
    (sg,) = api.DescribeSecurityGroups(GroupIds=[group])["SecurityGroups"]
    by_port = {p.get("FromPort"): p for p in sg["IpPermissions"]}
    assert by_port[22]["IpRanges"] == [{"CidrIp": "203.0.113.0/24"}]
    assert by_port[80]["UserIdGroupPairs"][0]["GroupId"] == other
    assert by_port[8]["IpProtocol"] == "icmp" and by_port[8]["ToPort"] == -1
    listed = api.DescribeSecurityGroupRules(Filters=[{"Name": "group-id", "Values": [group]}])
    assert len(listed["SecurityGroupRules"]) == 4  # three in, one out


def test_protocol_names_and_numbers_are_the_same_rule(api, group):
    api.AuthorizeSecurityGroupIngress(GroupId=group, IpPermissions=[ssh_from("10.0.0.0/8")])
    err = api.error(
        "AuthorizeSecurityGroupIngress",
        GroupId=group,
        IpPermissions=[ssh_from("10.0.0.0/8") | {"IpProtocol": "6"}],
    )
    assert err.code == "InvalidPermission.Duplicate"
    assert err.message == (
        'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" '
        "already exists"
    )
    assert SecurityGroupRule.objects.filter(group__resource_id=group, is_egress=False).count() == 1


def test_duplicate_all_traffic_egress_rule(api, group):
    err = api.error(
        "AuthorizeSecurityGroupEgress",
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    assert err.code == "InvalidPermission.Duplicate"
    assert err.message == 'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists'


def test_a_failing_authorize_adds_nothing(api, group):
    api.AuthorizeSecurityGroupIngress(GroupId=group, IpPermissions=[ssh_from("10.0.0.0/8")])
    api.error(
        "AuthorizeSecurityGroupIngress",
        GroupId=group,
        IpPermissions=[ssh_from("192.168.0.0/16"), ssh_from("10.0.0.0/8")],
    )
    cidrs = set(
        SecurityGroupRule.objects.filter(group__resource_id=group).values_list(
            "cidr_ipv4", flat=True
        )
    )
    assert cidrs == {"10.0.0.0/8", "0.0.0.0/0"}


ANY = [{"CidrIp": "0.0.0.0/0"}]
INVALID = "InvalidParameterValue"
BAD_RULES = [
    ({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 22, "IpRanges": ANY}, INVALID),
    (
        {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 70000, "IpRanges": ANY},
        "InvalidParameterValue",
    ),
    ({"IpProtocol": "tcp", "IpRanges": ANY}, INVALID),
    ({"IpProtocol": "bogus", "FromPort": 1, "ToPort": 2, "IpRanges": ANY}, INVALID),
    (
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "300.0.0.0/8"}]},
        "InvalidParameterValue",
    ),
    (
        {
            "IpProtocol": "tcp",
            "FromPort": 1,
            "ToPort": 2,
            "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}],
        },
        "InvalidGroup.NotFound",
    ),
]


@pytest.mark.parametrize("perm,code", BAD_RULES)
def test_bad_rules_are_refused(api, group, perm, code):
    assert (
        api.error("AuthorizeSecurityGroupIngress", GroupId=group, IpPermissions=[perm]).code == code
    )
    assert not SecurityGroupRule.objects.filter(group__resource_id=group, is_egress=False).exists()


def test_vpc13_rules_and_interfaces_only_use_groups_of_the_same_vpc(api, group):
    other_vpc = api.CreateVpc(CidrBlock="10.1.0.0/16")["Vpc"]
    far = api.CreateSecurityGroup(VpcId=other_vpc["VpcId"], GroupName="far", Description="x")[
        "GroupId"
    ]
    err = api.error(
        "AuthorizeSecurityGroupIngress",
        GroupId=group,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": far}]}],
    )
    assert err.code == "InvalidGroup.NotFound"
    # The same name may exist in another VPC.
    api.CreateSecurityGroup(VpcId=other_vpc["VpcId"], GroupName="web", Description="x")
    # And the group is not seen from another region.
    from services.core import operations
    from services.core.errors import AwsError

    with pytest.raises(AwsError) as err:
        operations.call(
            api.ctx.in_region("eu-west-1"), "ec2", "DescribeSecurityGroups", {"GroupIds": [group]}
        )
    assert err.value.code == "InvalidGroup.NotFound"


def test_revoke_by_permission_and_by_rule_id(api, group):
    out = api.AuthorizeSecurityGroupIngress(
        GroupId=group, IpPermissions=[ssh_from("10.0.0.0/8"), ssh_from("192.168.0.0/16")]
    )
    api.RevokeSecurityGroupIngress(GroupId=group, IpPermissions=[ssh_from("10.0.0.0/8")])
    api.RevokeSecurityGroupIngress(
        GroupId=group, SecurityGroupRuleIds=[out["SecurityGroupRules"][1]["SecurityGroupRuleId"]]
    )
    assert api.DescribeSecurityGroups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"] == []
    err = api.error(
        "RevokeSecurityGroupIngress", GroupId=group, IpPermissions=[ssh_from("10.0.0.0/8")]
    )
    assert err.code == "InvalidPermission.NotFound"


def test_legacy_top_level_parameters(api, group):
    api.AuthorizeSecurityGroupIngress(
        GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="0.0.0.0/0"
    )
    (sg,) = api.DescribeSecurityGroups(
        Filters=[{"Name": "ip-permission.from-port", "Values": ["443"]}]
    )["SecurityGroups"]
    assert sg["GroupId"] == group


def test_group_names_are_unique_per_vpc(api, vpc, group):
    err = api.error("CreateSecurityGroup", VpcId=vpc["VpcId"], GroupName="web", Description="x")
    assert err.code == "InvalidGroup.Duplicate"
    assert err.message == f"The security group 'web' already exists for VPC '{vpc['VpcId']}'"
    assert api.error(
        "CreateSecurityGroup", VpcId=vpc["VpcId"], GroupName="default", Description="x"
    ).code == ("InvalidGroup.Reserved")
    assert api.error(
        "CreateSecurityGroup", VpcId=vpc["VpcId"], GroupName="sg-x", Description="x"
    ).code == ("InvalidParameterValue")


def test_without_vpc_the_group_goes_to_the_default_vpc(api):
    group_id = api.CreateSecurityGroup(GroupName="ssh", Description="ssh")["GroupId"]
    assert SecurityGroup.objects.get(resource_id=group_id).vpc.is_default
    (sg,) = api.DescribeSecurityGroups(GroupNames=["ssh"])["SecurityGroups"]
    assert sg["GroupId"] == group_id
    api.DeleteSecurityGroup(GroupName="ssh")


def test_vpc12_default_group_cannot_be_deleted(api, vpc):
    default = SecurityGroup.objects.get(vpc__resource_id=vpc["VpcId"], group_name="default")
    err = api.error("DeleteSecurityGroup", GroupId=default.resource_id)
    assert err.code == "CannotDelete"
    assert err.message == (
        f'the specified group: "{default.resource_id}" name: "default" cannot be deleted by a user'
    )
    assert SecurityGroup.objects.filter(pk=default.pk).exists()


def test_vpc16_group_in_use_by_an_interface_cannot_be_deleted(api, subnet, group):
    eni = api.CreateNetworkInterface(SubnetId=subnet["SubnetId"], Groups=[group])[
        "NetworkInterface"
    ]
    assert eni["Groups"] == [{"GroupId": group, "GroupName": "web"}]
    err = api.error("DeleteSecurityGroup", GroupId=group)
    assert err.code == "DependencyViolation"
    assert err.message == f"resource {group} has a dependent object"


def test_vpc16_group_referenced_by_another_groups_rule_cannot_be_deleted(api, vpc, group):
    app = api.CreateSecurityGroup(VpcId=vpc["VpcId"], GroupName="app", Description="app")["GroupId"]
    api.AuthorizeSecurityGroupIngress(
        GroupId=app, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}]
    )
    assert api.error("DeleteSecurityGroup", GroupId=group).code == "DependencyViolation"
    api.DeleteSecurityGroup(GroupId=app)
    assert api.DeleteSecurityGroup(GroupId=group) == {"Return": True, "GroupId": group}


def test_rules_per_group_quota(api, group):
    perms = [ssh_from(f"10.0.{i}.0/24") for i in range(60)]
    api.AuthorizeSecurityGroupIngress(GroupId=group, IpPermissions=perms)
    err = api.error(
        "AuthorizeSecurityGroupIngress", GroupId=group, IpPermissions=[ssh_from("10.1.0.0/24")]
    )
    assert err.code == "RulesPerSecurityGroupLimitExceeded"


def test_glb03_another_accounts_group_is_not_found(api, other_api, group):
    err = other_api.error("DeleteSecurityGroup", GroupId=group)
    assert err.code == "InvalidGroup.NotFound"
    assert err.message == f"The security group '{group}' does not exist"
    err = other_api.error(
        "AuthorizeSecurityGroupIngress", GroupId=group, IpPermissions=[ssh_from("0.0.0.0/0")]
    )
    assert err.code == "InvalidGroup.NotFound"
