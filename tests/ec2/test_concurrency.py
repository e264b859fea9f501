"""Launches racing for the addresses of one small subnet (VPC-03 under load)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from services.core import operations
from services.core.errors import AwsError
from services.ec2 import ami_catalog
from services.ec2.models import Instance

AL2023 = ami_catalog.default_image().image_id("us-east-1")


@pytest.mark.django_db(transaction=True)
def test_50_parallel_launches_into_a_28_give_11_instances(ctx):
    vpc = operations.call(ctx, "ec2", "DescribeVpcs", {})["Vpcs"][0]["VpcId"]
    subnet = operations.call(
        ctx,
        "ec2",
        "CreateSubnet",
        {"VpcId": vpc, "CidrBlock": "172.31.200.0/28", "AvailabilityZone": "us-east-1a"},
    )["Subnet"]["SubnetId"]

    def launch(_: int) -> str:
        try:
            out = operations.call(
                ctx.in_region("us-east-1"),
                "ec2",
                "RunInstances",
                {
                    "ImageId": AL2023,
                    "InstanceType": "t2.micro",
                    "MinCount": 1,
                    "MaxCount": 1,
                    "SubnetId": subnet,
                },
            )
            return out["Instances"][0]["PrivateIpAddress"]
        except AwsError as error:
            return error.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(launch, range(50)))
    addresses = [r for r in results if r.startswith("172.31.")]
    errors = [r for r in results if not r.startswith("172.31.")]
    # 16 addresses, minus the five reserved ones (VPC-03).
    assert len(addresses) == len(set(addresses)) == 11
    assert errors == ["InsufficientFreeAddressesInSubnet"] * 39
    assert Instance.objects.filter(subnet_resource_id=subnet).count() == 11
