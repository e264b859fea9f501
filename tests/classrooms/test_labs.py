"""Each shipped lab: followed step by step through the AWS door its checks all pass; a
fresh sandbox fails them; the typical mistakes fail the step that teaches them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classrooms import labs
from services.core import lifecycle
from services.ec2 import ami_catalog

from .conftest import passed, results

ROOT = Path(__file__).resolve().parents[2]
AMI = ami_catalog.default_image().image_id("us-east-1")


def failing(slug: str, account) -> list[str]:
    return [label for label, ok in passed(slug, account).items() if not ok]


def test_every_lab_loads_and_names_its_fidelity_rules():
    shipped = labs.all_labs()
    assert {lab.slug for lab in shipped} >= {
        "first_ec2_instance", "custom_vpc", "sg_vs_nacl", "iam_least_privilege", "ec2_storage",
    }  # fmt: skip
    fidelity = (ROOT / "docs" / "FIDELITY.md").read_text()
    for lab in shipped:
        assert lab.fidelity_rules, lab.slug
        assert all(step.text and step.checks for step in lab.steps), lab.slug
        for rule in lab.fidelity_rules:
            assert f"- {rule} " in fidelity, (lab.slug, rule)


@pytest.mark.parametrize(
    "slug", ["first_ec2_instance", "custom_vpc", "sg_vs_nacl", "iam_least_privilege", "ec2_storage"]
)
def test_a_fresh_sandbox_passes_no_step(slug, account):
    from services.classrooms import reset

    reset.apply_starting_state(labs.get(slug), account)
    result = results(slug, account)
    assert result.passed_steps == 0, [s.title for s in result.steps if s.passed]
    assert result.score == 0


# --- first EC2 instance ----------------------------------------------------------------


def _ssh_group(aws, cidr: str) -> str:
    group = aws.ec2("CreateSecurityGroup", GroupName="ssh-from-me", Description="SSH")["GroupId"]
    aws.ec2(
        "AuthorizeSecurityGroupIngress",
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}
        ],
    )
    return group


def _instance(aws, iid: str) -> dict:
    answer = aws.ec2("DescribeInstances", InstanceIds=[iid])
    return answer["Reservations"][0]["Instances"][0]


def test_first_ec2_instance_passes_when_followed(aws, account):
    """EC2-01, EC2-02, EC2-04, EC2-11, VPC-11 taught by the lab's steps."""
    aws.ec2("CreateKeyPair", KeyName="lab-key")
    group = _ssh_group(aws, "198.51.100.7/32")
    launched = aws.ec2(
        "RunInstances", ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        KeyName="lab-key", SecurityGroupIds=[group],
    )["Instances"][0]  # fmt: skip
    iid = launched["InstanceId"]
    assert launched["State"] == {"Code": 0, "Name": "pending"}
    lifecycle.sweep()
    before = _instance(aws, iid)
    assert before["State"]["Name"] == "running"
    assert failing("first_ec2_instance", account) == [
        "StopInstances succeeded", "StartInstances succeeded", "TerminateInstances succeeded",
        "Nothing is left running or stopped",
    ]  # fmt: skip
    aws.ec2("StopInstances", InstanceIds=[iid])
    lifecycle.sweep()
    aws.ec2("StartInstances", InstanceIds=[iid])
    lifecycle.sweep()
    after = _instance(aws, iid)
    # EC2-04: what step 4 asks the student to notice.
    assert after["PublicIpAddress"] != before["PublicIpAddress"]
    assert after["PrivateIpAddress"] == before["PrivateIpAddress"]
    aws.ec2("TerminateInstances", InstanceIds=[iid])
    lifecycle.sweep()
    assert failing("first_ec2_instance", account) == []
    assert results("first_ec2_instance", account).score == 100


def test_first_ec2_instance_ssh_open_to_the_world_fails(aws, account):
    aws.ec2("CreateKeyPair", KeyName="lab-key")
    group = _ssh_group(aws, "0.0.0.0/0")
    aws.ec2(
        "RunInstances", ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        KeyName="lab-key", SecurityGroupIds=[group],
    )  # fmt: skip
    result = results("first_ec2_instance", account)
    step2 = result.steps[1]
    assert not step2.passed
    assert "0.0.0.0/0" in step2.checks[0].message
    assert not result.steps[2].passed  # launched with the open group


def test_first_ec2_instance_a_big_type_fails_the_launch_step(aws, account):
    aws.ec2("CreateKeyPair", KeyName="lab-key")
    group = _ssh_group(aws, "198.51.100.7/32")
    aws.ec2(
        "RunInstances", ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1,
        KeyName="lab-key", SecurityGroupIds=[group],
    )  # fmt: skip
    assert not results("first_ec2_instance", account).steps[2].passed


# --- custom VPC ------------------------------------------------------------------------


def build_custom_vpc(aws, *, public_az: str = "us-east-1a", nat_in_public: bool = True) -> dict:
    vpc = aws.ec2("CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = aws.ec2(
        "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=public_az
    )["Subnet"]["SubnetId"]
    private = aws.ec2(
        "CreateSubnet", VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b"
    )["Subnet"]["SubnetId"]
    igw = aws.ec2("CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    aws.ec2("AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
    public_rt = aws.ec2("CreateRouteTable", VpcId=vpc)["RouteTable"]["RouteTableId"]
    aws.ec2("CreateRoute", RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    aws.ec2("AssociateRouteTable", RouteTableId=public_rt, SubnetId=public)
    eip = aws.ec2("AllocateAddress", Domain="vpc")["AllocationId"]
    nat = aws.ec2(
        "CreateNatGateway", SubnetId=public if nat_in_public else private, AllocationId=eip
    )["NatGateway"]["NatGatewayId"]
    private_rt = aws.ec2("CreateRouteTable", VpcId=vpc)["RouteTable"]["RouteTableId"]
    aws.ec2(
        "CreateRoute", RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat
    )
    aws.ec2("AssociateRouteTable", RouteTableId=private_rt, SubnetId=private)
    return {"vpc": vpc, "public": public, "private": private, "igw": igw, "nat": nat}


def test_custom_vpc_passes_when_followed(aws, account):
    """VPC-04, VPC-06, VPC-07, VPC-08, VPC-09 taught by the lab's steps."""
    build_custom_vpc(aws)
    lifecycle.sweep()
    assert failing("custom_vpc", account) == []


def test_custom_vpc_an_internet_gateway_without_a_route_is_not_public(aws, account):
    """VPC-06, VPC-08: the gateway alone makes nothing public."""
    vpc = aws.ec2("CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    aws.ec2("CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    igw = aws.ec2("CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    aws.ec2("AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
    result = results("custom_vpc", account)
    assert result.steps[2].passed  # attached
    assert not result.steps[3].passed  # but no route


def test_custom_vpc_subnet_in_the_wrong_az_fails(aws, account):
    build_custom_vpc(aws, public_az="us-east-1c")
    result = results("custom_vpc", account)
    step2 = result.steps[1]
    assert [c.passed for c in step2.checks] == [False, True]
    assert "wrong AZ" in step2.checks[0].message


def test_custom_vpc_nat_gateway_in_the_private_subnet_fails(aws, account):
    build_custom_vpc(aws, nat_in_public=False)
    result = results("custom_vpc", account)
    assert [s.passed for s in result.steps] == [True, True, True, True, False]


# --- security groups versus network ACLs ---------------------------------------------


def _lab_network(aws) -> tuple[str, str]:
    vpcs = aws.ec2("DescribeVpcs", Filters=[{"Name": "tag:Name", "Values": ["web-vpc"]}])
    subnets = aws.ec2("DescribeSubnets", Filters=[{"Name": "tag:Name", "Values": ["web-subnet"]}])
    return vpcs["Vpcs"][0]["VpcId"], subnets["Subnets"][0]["SubnetId"]


def _web_group(aws, vpc: str, ssh_cidr: str) -> str:
    group = aws.ec2("CreateSecurityGroup", GroupName="web-sg", Description="web", VpcId=vpc)[
        "GroupId"
    ]
    aws.ec2(
        "AuthorizeSecurityGroupIngress",
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": c}]}
            for p, c in ((80, "0.0.0.0/0"), (443, "0.0.0.0/0"), (22, ssh_cidr))
        ],
    )
    return group


def _web_acl(aws, vpc: str, subnet: str, *, outbound: bool = True, deny_rule: int = 90) -> str:
    acl = aws.ec2("CreateNetworkAcl", VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    current = aws.ec2(
        "DescribeNetworkAcls", Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["NetworkAcls"][0]
    association = next(
        a["NetworkAclAssociationId"] for a in current["Associations"] if a["SubnetId"] == subnet
    )
    aws.ec2("ReplaceNetworkAclAssociation", AssociationId=association, NetworkAclId=acl)

    def entry(number, egress, action, cidr, ports=None, protocol="6"):
        params = dict(
            NetworkAclId=acl, RuleNumber=number, Protocol=protocol, RuleAction=action,
            Egress=egress, CidrBlock=cidr,
        )  # fmt: skip
        if ports:
            params["PortRange"] = {"From": ports[0], "To": ports[1]}
        aws.ec2("CreateNetworkAclEntry", **params)

    entry(100, False, "allow", "0.0.0.0/0", (80, 80))
    if outbound:
        entry(100, True, "allow", "0.0.0.0/0", (1024, 65535))
    entry(deny_rule, False, "deny", "203.0.113.0/24", protocol="-1")
    return acl


def _start(slug: str, account) -> None:
    from services.classrooms import reset

    reset.apply_starting_state(labs.get(slug), account)


def test_sg_vs_nacl_passes_when_followed(aws, account):
    """VPC-10, VPC-11, VPC-13 taught by the lab's steps."""
    _start("sg_vs_nacl", account)
    vpc, subnet = _lab_network(aws)
    _web_group(aws, vpc, "198.51.100.7/32")
    _web_acl(aws, vpc, subnet)
    assert failing("sg_vs_nacl", account) == []


def test_sg_vs_nacl_ssh_open_to_the_world_fails(aws, account):
    _start("sg_vs_nacl", account)
    vpc, subnet = _lab_network(aws)
    _web_group(aws, vpc, "0.0.0.0/0")
    assert failing("sg_vs_nacl", account)[:1] == ["It allows SSH (22) from one /32 only"]


def test_sg_vs_nacl_stateless_acl_needs_an_outbound_rule(aws, account):
    """VPC-10: without the ephemeral-port rule the replies cannot leave."""
    _start("sg_vs_nacl", account)
    vpc, subnet = _lab_network(aws)
    _web_acl(aws, vpc, subnet, outbound=False)
    step3 = results("sg_vs_nacl", account).steps[2]
    assert [c.passed for c in step3.checks] == [True, False]
    assert "stateless" in step3.checks[1].message


def test_sg_vs_nacl_a_deny_after_the_allow_fails(aws, account):
    """VPC-10: first match wins, so a deny numbered after the allow never applies."""
    _start("sg_vs_nacl", account)
    vpc, subnet = _lab_network(aws)
    _web_acl(aws, vpc, subnet, deny_rule=200)
    check = results("sg_vs_nacl", account).steps[3].checks[0]
    assert not check.passed
    assert check.message == "Rule 200 (deny) comes after rule 100 (allow)."


def test_sg_vs_nacl_a_group_in_the_default_vpc_fails(aws, account):
    """VPC-13: the web group must belong to the lab's VPC."""
    _start("sg_vs_nacl", account)
    group = aws.ec2("CreateSecurityGroup", GroupName="web-sg", Description="web")["GroupId"]
    aws.ec2(
        "AuthorizeSecurityGroupIngress", GroupId=group, IpProtocol="tcp", FromPort=80,
        ToPort=80, CidrIp="0.0.0.0/0",
    )  # fmt: skip
    assert not results("sg_vs_nacl", account).steps[0].passed


# --- IAM least privilege ---------------------------------------------------------------

EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def build_iam(aws, *, group_policy: str = "AmazonEC2ReadOnlyAccess") -> None:
    aws.iam("CreateGroup", GroupName="developers")
    aws.iam(
        "AttachGroupPolicy",
        GroupName="developers",
        PolicyArn=f"arn:aws:iam::aws:policy/{group_policy}",
    )
    aws.iam("CreateUser", UserName="alice")
    aws.iam("AddUserToGroup", GroupName="developers", UserName="alice")
    aws.iam("CreateRole", RoleName="ec2-s3-reader", AssumeRolePolicyDocument=EC2_TRUST)
    aws.iam(
        "AttachRolePolicy",
        RoleName="ec2-s3-reader",
        PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    )
    aws.iam("CreateInstanceProfile", InstanceProfileName="ec2-s3-reader")
    aws.iam(
        "AddRoleToInstanceProfile", InstanceProfileName="ec2-s3-reader", RoleName="ec2-s3-reader"
    )


def test_iam_least_privilege_passes_when_followed(aws, account):
    """IAM-01, IAM-03, IAM-06 taught by the lab's steps."""
    build_iam(aws)
    alice = aws.as_user("alice")
    alice.ec2("DescribeInstances")
    denied = alice.error("ec2", "CreateSecurityGroup", GroupName="x", Description="x")
    assert denied.code == "UnauthorizedOperation"
    assert failing("iam_least_privilege", account) == []


def test_iam_least_privilege_admin_group_fails(aws, account):
    build_iam(aws, group_policy="AdministratorAccess")
    aws.iam(
        "AttachGroupPolicy",
        GroupName="developers",
        PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
    )
    alice = aws.as_user("alice")
    alice.ec2("DescribeInstances")
    alice.ec2("CreateSecurityGroup", GroupName="x", Description="x")  # an admin may
    result = results("iam_least_privilege", account)
    assert [s.passed for s in result.steps] == [False, True, False, True]


def test_iam_least_privilege_a_policy_on_the_user_fails(aws, account):
    build_iam(aws)
    aws.iam(
        "AttachUserPolicy",
        UserName="alice",
        PolicyArn="arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
    )
    step2 = results("iam_least_privilege", account).steps[1]
    assert [c.passed for c in step2.checks] == [True, False]


# --- EC2 storage -----------------------------------------------------------------------


def _server(aws) -> dict:
    found = aws.ec2("DescribeInstances", Filters=[{"Name": "tag:Name", "Values": ["lab-server"]}])
    return found["Reservations"][0]["Instances"][0]


def test_ec2_storage_passes_when_followed(aws, account):
    """EBS-01, EBS-04, EBS-05 taught by the lab's steps."""
    _start("ec2_storage", account)
    lifecycle.sweep()
    server = _server(aws)
    zone = server["Placement"]["AvailabilityZone"]
    assert zone == "us-east-1b"
    volume = aws.ec2("CreateVolume", AvailabilityZone=zone, Size=10, VolumeType="gp3")["VolumeId"]
    lifecycle.sweep()
    aws.ec2("AttachVolume", VolumeId=volume, InstanceId=server["InstanceId"], Device="/dev/sdf")
    snapshot = aws.ec2("CreateSnapshot", VolumeId=volume)["SnapshotId"]
    lifecycle.sweep()
    aws.ec2("CreateVolume", AvailabilityZone="us-east-1a", SnapshotId=snapshot)
    assert failing("ec2_storage", account) == []


def test_ec2_storage_volume_in_the_wrong_az_fails(aws, account):
    """EBS-01: a volume in another AZ fails the step, and cannot attach either."""
    _start("ec2_storage", account)
    lifecycle.sweep()
    server = _server(aws)
    volume = aws.ec2("CreateVolume", AvailabilityZone="us-east-1a", Size=10, VolumeType="gp3")
    lifecycle.sweep()
    error = aws.error(
        "ec2", "AttachVolume", VolumeId=volume["VolumeId"], InstanceId=server["InstanceId"],
        Device="/dev/sdf",
    )  # fmt: skip
    assert error.code == "InvalidVolume.ZoneMismatch"
    step1 = results("ec2_storage", account).steps[0]
    assert not step1.passed
    assert "another AZ" in step1.checks[0].message


def test_first_ec2_instance_launch_step_from_the_console_launch_page(console_client, account):
    """The console's Launch instances page names the group in the network interface,
    and creates the group with the SSH source the student typed."""
    from services.vpc.models import Vpc

    console_client.post(
        "/us-east-1/ec2/key-pairs/create/",
        {"KeyName": "lab-key", "KeyType": "rsa", "KeyFormat": "pem"},
    )
    vpc = Vpc.objects.get(account=account, region="us-east-1", is_default=True).resource_id
    response = console_client.post(
        "/us-east-1/ec2/launch/",
        {
            "Name": "web", "ImageId": AMI, "InstanceType": "t3.micro", "KeyName": "lab-key",
            "VpcId": vpc, "AutoAssignPublicIp": "enable", "firewall": "create",
            "group_name": "ssh-from-me", "group_description": "SSH", "allow_ssh": "on",
            "ssh_source": "custom", "ssh_cidr": "198.51.100.7/32", "root_size": "8",
            "root_type": "gp3", "InstanceInitiatedShutdownBehavior": "stop", "count": "1",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    result = results("first_ec2_instance", account)
    assert [s.passed for s in result.steps] == [True, True, True, False, False]


def test_iam_least_privilege_the_cli_step_needs_the_cli(aws, account):
    """The step asks for the AWS CLI: the same calls from the console do not count."""
    from services.core.context import CallContext, Principal

    from .conftest import Caller

    build_iam(aws)
    console = Caller(
        CallContext(account, "us-east-1", Principal(account.id, "IAMUser", "alice"), "console")
    )
    console.ec2("DescribeInstances")
    console.error("ec2", "CreateSecurityGroup", GroupName="x", Description="x")
    assert not results("iam_least_privilege", account).steps[2].passed
    aws.as_user("alice").ec2("DescribeInstances")
    aws.as_user("alice").error("ec2", "CreateSecurityGroup", GroupName="x", Description="x")
    assert results("iam_least_privilege", account).steps[2].passed
