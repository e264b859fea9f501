"""VPC learns about instances only through the hook EC2 fills
(`services.vpc.network.instance_interface`): AssociateAddress with an InstanceId."""

from __future__ import annotations

import pytest

from services.core import lifecycle
from services.core.errors import AwsError
from services.ec2 import ami_catalog
from services.vpc import network

AL2023 = ami_catalog.default_image().image_id("us-east-1")


def _running(ec2) -> str:
    out = ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=1, MaxCount=1)
    lifecycle.settle()
    return out["Instances"][0]["InstanceId"]


def _public_ip(ec2, instance_id: str) -> str:
    (res,) = ec2("DescribeInstances", InstanceIds=[instance_id])["Reservations"]
    return res["Instances"][0].get("PublicIpAddress", "")


def test_an_address_associates_with_an_instance_by_its_id(ec2):
    assert network.instance_interface.installed is not None  # EC2 filled it
    iid = _running(ec2)
    eip = ec2("AllocateAddress", Domain="vpc")
    ec2("AssociateAddress", AllocationId=eip["AllocationId"], InstanceId=iid)
    assert _public_ip(ec2, iid) == eip["PublicIp"]


def test_a_terminated_instance_takes_no_address(ec2):
    iid = _running(ec2)
    ec2("TerminateInstances", InstanceIds=[iid])
    lifecycle.sweep()  # shutting-down -> terminated (shown for an hour, EC2-05)
    (res,) = ec2("DescribeInstances", InstanceIds=[iid])["Reservations"]
    assert res["Instances"][0]["State"]["Name"] == "terminated"
    eip = ec2("AllocateAddress", Domain="vpc")
    with pytest.raises(AwsError) as err:
        ec2("AssociateAddress", AllocationId=eip["AllocationId"], InstanceId=iid)
    assert err.value.code == "InvalidInstanceID.NotFound"
    assert iid in err.value.message


def test_without_ec2_vpc_finds_the_interface_the_instance_id_is_attached_to(ec2):
    iid = _running(ec2)
    eip, other = ec2("AllocateAddress", Domain="vpc"), ec2("AllocateAddress", Domain="vpc")
    filled = network.instance_interface.installed
    network.instance_interface.install(None)
    try:
        ec2("AssociateAddress", AllocationId=eip["AllocationId"], InstanceId=iid)
        with pytest.raises(AwsError) as err:
            unknown = "i-0123456789abcdef0"
            ec2("AssociateAddress", AllocationId=other["AllocationId"], InstanceId=unknown)
    finally:
        network.instance_interface.install(filled)
    assert err.value.code == "InvalidInstanceID.NotFound"
    assert _public_ip(ec2, iid) == eip["PublicIp"]
