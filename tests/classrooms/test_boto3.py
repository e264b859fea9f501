"""A lab followed with unmodified boto3 against a live server (gunicorn), and a
classroom limit as boto3 reports it."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from services.classrooms import checks, labs, provisioning
from services.classrooms.models import Classroom
from services.ec2 import ami_catalog
from tests.aws.conftest import live_gateway  # noqa: F401 - the live server fixture

AMI = ami_catalog.default_image().image_id("us-east-1")


@pytest.fixture
def sandbox(transactional_db, live_gateway):  # noqa: F811
    from django.contrib.auth.models import User

    teacher = User.objects.create_user("boto", "boto@example.com", "chalk and blackboard")
    room = Classroom.objects.create(instructor=teacher, name="Wire class")
    student = provisioning.add_student(room, "Ada", "ada@example.com")
    sheet = provisioning.credentials(student)

    def client(service: str):
        return boto3.client(
            service,
            region_name="us-east-1",
            endpoint_url=live_gateway,
            aws_access_key_id=sheet["access_key_id"],
            aws_secret_access_key=sheet["secret_access_key"],
            config=Config(retries={"max_attempts": 1}),
        )

    return room, student, client


def test_custom_vpc_lab_through_boto3(sandbox):
    """VPC-04, VPC-06, VPC-08, VPC-09: the lab's steps as a boto3 script."""
    room, student, client = sandbox
    ec2 = client("ec2")
    lab = labs.get("custom_vpc")
    assert checks.evaluate(lab, student.account).passed_steps == 0
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")
    public, private = public["Subnet"]["SubnetId"], private["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rt, SubnetId=public)
    assert [s.passed for s in checks.evaluate(lab, student.account).steps] == [
        True, True, True, True, False,
    ]  # fmt: skip
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    result = checks.evaluate(lab, student.account)
    assert result.complete, result.as_json()


def test_a_classroom_limit_as_boto3_sees_it(sandbox):
    room, student, client = sandbox
    room.allowed_instance_types = ["t3.micro"]
    room.save()
    with pytest.raises(ClientError) as info:
        client("ec2").run_instances(ImageId=AMI, InstanceType="m5.large", MinCount=1, MaxCount=1)
    error = info.value.response["Error"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] == "UnauthorizedOperation"
    assert "classroom limit: the instance type m5.large is not allowed" in error["Message"]


def test_a_suspended_sandbox_is_refused_at_the_door(sandbox):
    room, student, client = sandbox
    provisioning.set_suspended(student, True)
    with pytest.raises(ClientError) as info:
        client("ec2").describe_vpcs()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (401, 403)


def test_first_ec2_instance_lab_with_the_aws_cli(sandbox, live_gateway):  # noqa: F811
    """EC2-02, EC2-04, EC2-11, VPC-11: the first lab done with the unmodified AWS CLI."""
    from services.core import lifecycle
    from services.core.models import Event
    from tests.aws.conftest import Student as CliUser

    room, student, client = sandbox
    provisioning.assign_lab(room, "first_ec2_instance")
    student.refresh_from_db()
    sheet = provisioning.credentials(student)
    cli = CliUser(
        sheet["account_id"], sheet["access_key_id"], sheet["secret_access_key"], live_gateway
    ).cli

    def run(*args: str) -> dict:
        done = cli(*args)
        assert done.returncode == 0, done.stderr
        return done.data or {}

    run("ec2", "create-key-pair", "--key-name", "lab-key")
    group = run("ec2", "create-security-group", "--group-name", "ssh-from-me",
                "--description", "SSH from my address")["GroupId"]  # fmt: skip
    run("ec2", "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp",
        "--port", "22", "--cidr", "198.51.100.7/32")  # fmt: skip
    launched = run(
        "ec2", "run-instances", "--image-id", AMI, "--instance-type", "t3.micro",
        "--key-name", "lab-key", "--security-group-ids", group, "--count", "1",
    )  # fmt: skip
    instance = launched["Instances"][0]["InstanceId"]
    lifecycle.sweep()
    run("ec2", "stop-instances", "--instance-ids", instance)
    lifecycle.sweep()
    run("ec2", "start-instances", "--instance-ids", instance)
    lifecycle.sweep()
    run("ec2", "terminate-instances", "--instance-ids", instance)
    lifecycle.sweep()
    result = provisioning.progress(student)
    assert result.complete, result.as_json()
    launch = Event.objects.get(account=student.account, event_name="RunInstances")
    assert launch.door == "aws" and "aws-cli" in launch.user_agent
