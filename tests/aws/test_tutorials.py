"""The AWS documentation's CLI tutorials, command for command, with only the endpoint
added: "Create a VPC with public and private subnets using the AWS CLI" and "Launch
an EC2 instance using the AWS CLI"."""

from __future__ import annotations

import json

import pytest


class Shell:
    """Runs tutorial commands as a student types them: `aws ec2 ...`, text output."""

    def __init__(self, student) -> None:
        self.student = student

    def __call__(self, *args: str) -> str:
        args = args[1:] if args[0] == "aws" else args
        done = self.student.cli(*args)
        assert done.returncode == 0, f"aws {' '.join(args)}\n{done.stderr}"
        return done.stdout.strip()

    def text(self, *args: str) -> str:
        return self(*args, "--output", "text")


@pytest.mark.worker
def test_vpc_with_public_and_private_subnets_tutorial(student, aws_worker):
    aws = Shell(student)
    vpc = aws.text("aws", "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16",
                   "--query", "Vpc.VpcId")  # fmt: skip
    assert vpc.startswith("vpc-")
    public = aws.text("aws", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                      "10.0.1.0/24", "--query", "Subnet.SubnetId")  # fmt: skip
    private = aws.text("aws", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                       "10.0.0.0/24", "--query", "Subnet.SubnetId")  # fmt: skip
    igw = aws.text("aws", "ec2", "create-internet-gateway",
                   "--query", "InternetGateway.InternetGatewayId")  # fmt: skip
    aws("aws", "ec2", "attach-internet-gateway", "--vpc-id", vpc, "--internet-gateway-id", igw)
    rtb = aws.text("aws", "ec2", "create-route-table", "--vpc-id", vpc,
                   "--query", "RouteTable.RouteTableId")  # fmt: skip
    route = aws("aws", "ec2", "create-route", "--route-table-id", rtb,
                "--destination-cidr-block", "0.0.0.0/0", "--gateway-id", igw)  # fmt: skip
    route = json.loads(route)
    assert route == {"Return": True}
    routes = json.loads(aws("aws", "ec2", "describe-route-tables", "--route-table-id", rtb))
    assert {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw} in [
        {k: r[k] for k in ("DestinationCidrBlock", "GatewayId") if k in r}
        for r in routes["RouteTables"][0]["Routes"]
    ]
    subnets = json.loads(aws("aws", "ec2", "describe-subnets", "--filters",
                             f"Name=vpc-id,Values={vpc}",
                             "--query", "Subnets[*].{ID:SubnetId,CIDR:CidrBlock}"))  # fmt: skip
    assert sorted(s["CIDR"] for s in subnets) == ["10.0.0.0/24", "10.0.1.0/24"]
    aws("aws", "ec2", "associate-route-table", "--subnet-id", public, "--route-table-id", rtb)
    aws("aws", "ec2", "modify-subnet-attribute", "--subnet-id", public,
        "--map-public-ip-on-launch")  # fmt: skip
    key = aws.text("aws", "ec2", "create-key-pair", "--key-name", "MyKeyPair",
                   "--query", "KeyMaterial")  # fmt: skip
    assert "PRIVATE KEY" in key
    sg = aws.text("aws", "ec2", "create-security-group", "--group-name", "SSHAccess",
                  "--description", "Security group for SSH access", "--vpc-id", vpc,
                  "--query", "GroupId")  # fmt: skip
    aws("aws", "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
        "--port", "22", "--cidr", "0.0.0.0/0")  # fmt: skip
    image = aws.text("aws", "ec2", "describe-images", "--owners", "amazon", "--filters",
                     "Name=name,Values=al2023-ami-2023*-x86_64",
                     "--query", "sort_by(Images, &CreationDate)[-1].ImageId")  # fmt: skip
    instance = aws.text("aws", "ec2", "run-instances", "--image-id", image, "--count", "1",
                        "--instance-type", "t2.micro", "--key-name", "MyKeyPair",
                        "--security-group-ids", sg, "--subnet-id", public,
                        "--query", "Instances[0].InstanceId")  # fmt: skip
    aws("aws", "ec2", "wait", "instance-running", "--instance-ids", instance)
    shown = json.loads(aws("aws", "ec2", "describe-instances", "--instance-id", instance))
    launched = shown["Reservations"][0]["Instances"][0]
    assert launched["State"]["Name"] == "running"
    assert launched["SubnetId"] == public and launched["VpcId"] == vpc
    assert launched["PublicIpAddress"]  # the subnet maps public IPs on launch

    # Clean up, as the tutorial does.
    aws("aws", "ec2", "terminate-instances", "--instance-ids", instance)
    aws("aws", "ec2", "wait", "instance-terminated", "--instance-ids", instance)
    aws("aws", "ec2", "delete-security-group", "--group-id", sg)
    aws("aws", "ec2", "delete-subnet", "--subnet-id", public)
    aws("aws", "ec2", "delete-subnet", "--subnet-id", private)
    aws("aws", "ec2", "delete-route-table", "--route-table-id", rtb)
    aws("aws", "ec2", "detach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    aws("aws", "ec2", "delete-internet-gateway", "--internet-gateway-id", igw)
    aws("aws", "ec2", "delete-vpc", "--vpc-id", vpc)
    left = json.loads(aws("aws", "ec2", "describe-vpcs", "--filters", f"Name=vpc-id,Values={vpc}"))
    assert left == {"Vpcs": []}


@pytest.mark.worker
def test_launch_an_instance_tutorial(student, aws_worker):
    aws = Shell(student)
    sg = aws.text("aws", "ec2", "create-security-group", "--group-name", "my-sg",
                  "--description", "My security group", "--query", "GroupId")  # fmt: skip
    aws("aws", "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
        "--port", "22", "--cidr", "203.0.113.0/24")  # fmt: skip
    aws("aws", "ec2", "create-key-pair", "--key-name", "MyKeyPair", "--query", "KeyMaterial",
        "--output", "text")  # fmt: skip
    image = aws.text("aws", "ec2", "describe-images", "--owners", "amazon", "--filters",
                     "Name=name,Values=al2023-ami-2023*-x86_64", "Name=state,Values=available",
                     "--query", "Images[0].ImageId")  # fmt: skip
    instance = aws.text("aws", "ec2", "run-instances", "--image-id", image, "--count", "1",
                        "--instance-type", "t2.micro", "--key-name", "MyKeyPair",
                        "--security-group-ids", sg,
                        "--tag-specifications",
                        "ResourceType=instance,Tags=[{Key=Name,Value=MyInstance}]",
                        "--query", "Instances[0].InstanceId")  # fmt: skip
    aws("aws", "ec2", "wait", "instance-running", "--instance-ids", instance)
    listed = json.loads(aws("aws", "ec2", "describe-instances", "--filters",
                            "Name=instance-type,Values=t2.micro", "Name=tag:Name,Values=MyInstance",
                            "--query", "Reservations[].Instances[].InstanceId"))  # fmt: skip
    assert listed == [instance]
    aws("aws", "ec2", "stop-instances", "--instance-ids", instance)
    aws("aws", "ec2", "wait", "instance-stopped", "--instance-ids", instance)
    aws("aws", "ec2", "start-instances", "--instance-ids", instance)
    aws("aws", "ec2", "wait", "instance-running", "--instance-ids", instance)
    aws("aws", "ec2", "terminate-instances", "--instance-ids", instance)
    aws("aws", "ec2", "wait", "instance-terminated", "--instance-ids", instance)
    aws("aws", "ec2", "delete-key-pair", "--key-name", "MyKeyPair")
