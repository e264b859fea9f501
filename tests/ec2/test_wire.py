"""EC2 through the AWS door: requests built and signed by botocore, answers read back
by botocore's own parser, as boto3 and the AWS CLI read them."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.core import lifecycle
from services.ec2 import ami_catalog
from tests.gateway.conftest import Sender

AL2023 = ami_catalog.default_image().image_id("us-east-1")


@pytest.fixture
def aws(client, account) -> Sender:
    key = account.access_keys.get()
    return Sender(client, key.access_key_id, key.secret_access_key)


def test_run_describe_stop_terminate(aws):
    out = aws.parsed(
        "ec2",
        "RunInstances",
        {
            "ImageId": AL2023,
            "InstanceType": "t3.micro",
            "MinCount": 2,
            "MaxCount": 2,
            "UserData": base64.b64encode(b"#!/bin/sh\necho hi\n").decode(),
            "BlockDeviceMappings": [{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 20}}],
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}
            ],
        },
    )
    assert out["status"] == 200, out
    ids = [i["InstanceId"] for i in out["Instances"]]
    assert out["Instances"][0]["State"] == {"Code": 0, "Name": "pending"}
    assert out["Instances"][0]["LaunchTime"].tzinfo is not None
    lifecycle.settle()
    found = aws.parsed(
        "ec2",
        "DescribeInstances",
        {"Filters": [{"Name": "tag:Name", "Values": ["web"]},
                     {"Name": "instance-state-name", "Values": ["running"]}]},
    )  # fmt: skip
    (reservation,) = found["Reservations"]
    assert sorted(i["InstanceId"] for i in reservation["Instances"]) == sorted(ids)
    inst = reservation["Instances"][0]
    assert inst["PublicIpAddress"] and inst["PrivateIpAddress"].startswith("172.31.")
    assert [m["DeviceName"] for m in inst["BlockDeviceMappings"]] == ["/dev/xvda", "/dev/sdf"]
    console = aws.parsed("ec2", "GetConsoleOutput", {"InstanceId": ids[0]})
    assert "echo hi" in base64.b64decode(console["Output"]).decode()
    stopped = aws.parsed("ec2", "StopInstances", {"InstanceIds": ids[:1]})
    assert stopped["StoppingInstances"][0]["CurrentState"]["Code"] == 64
    bad = aws.parsed("ec2", "StopInstances", {"InstanceIds": ids[:1]})
    assert bad["status"] == 200  # stopping a stopping instance is harmless
    gone = aws.parsed("ec2", "TerminateInstances", {"InstanceIds": ids})
    assert {c["CurrentState"]["Name"] for c in gone["TerminatingInstances"]} == {"shutting-down"}


def test_errors_come_back_as_aws_errors(aws):
    response = aws("ec2", "StopInstances", {"InstanceIds": ["i-0123456789abcdef0"]})
    assert response.status_code == 400
    assert b"<Code>InvalidInstanceID.NotFound</Code>" in response.content
    response = aws(
        "ec2",
        "RunInstances",
        {"ImageId": AL2023, "InstanceType": "p3.2xlarge", "MinCount": 1, "MaxCount": 1},
    )
    assert b"<Code>VcpuLimitExceeded</Code>" in response.content


def test_key_pairs_over_the_wire(aws):
    made = aws.parsed("ec2", "CreateKeyPair", {"KeyName": "cli", "KeyType": "ed25519"})
    assert made["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    # boto3 base64-encodes the blob on the wire; the door hands the operation bytes.
    imported = aws.parsed(
        "ec2", "ImportKeyPair", {"KeyName": "laptop", "PublicKeyMaterial": public}
    )
    assert imported["status"] == 200, imported
    listed = aws.parsed("ec2", "DescribeKeyPairs", {})
    assert sorted(k["KeyName"] for k in listed["KeyPairs"]) == ["cli", "laptop"]


def test_images_and_instance_types_over_the_wire(aws):
    images = aws.parsed(
        "ec2",
        "DescribeImages",
        {"Owners": ["amazon"], "Filters": [{"Name": "name", "Values": ["al2023-ami-*"]}]},
    )
    assert {i["Architecture"] for i in images["Images"]} == {"x86_64", "arm64"}
    types = aws.parsed("ec2", "DescribeInstanceTypes", {"InstanceTypes": ["t3.micro"]})
    assert types["InstanceTypes"][0]["MemoryInfo"]["SizeInMiB"] == 1024
