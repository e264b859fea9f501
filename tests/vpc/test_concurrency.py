"""What PostgreSQL must hold when calls race: quotas under row locks, one address per
interface, no overlapping subnets. Each call runs in its own thread and connection."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from services.core import operations
from services.core.context import CallContext, Principal
from services.core.errors import AwsError
from services.ec2 import ami_catalog
from services.ec2.models import Instance
from services.vpc.models import Address, NetworkInterface, Subnet, Vpc

AL2023 = ami_catalog.default_image().image_id("us-east-1")

pytestmark = pytest.mark.django_db(transaction=True)


def race_calls(ctx: CallContext, calls: list[tuple[str, dict]]) -> list[object]:
    """Run `(action, params)` calls at once, each in its own thread and transaction;
    each result is the response or the AWS error code."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int, action: str, params: dict) -> None:
        try:
            start.wait()
            results[i] = operations.call(ctx, "ec2", action, params)
        except AwsError as error:
            results[i] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, action, params))
        for i, (action, params) in enumerate(calls)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def race(ctx: CallContext, action: str, params_list: list[dict]) -> list[object]:
    """Run one action with each of `params_list` at once."""
    return race_calls(ctx, [(action, params) for params in params_list])


@pytest.fixture
def tctx(account) -> CallContext:
    return CallContext(account, "us-east-1", Principal.root(account.id), "aws")


def test_vpc03_fifty_interfaces_race_for_a_slash28(tctx):
    vpc = operations.call(tctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]
    subnet = operations.call(
        tctx, "ec2", "CreateSubnet", {"VpcId": vpc["VpcId"], "CidrBlock": "10.0.0.0/28"}
    )["Subnet"]
    results = race(tctx, "CreateNetworkInterface", [{"SubnetId": subnet["SubnetId"]}] * 50)
    errors = Counter(r for r in results if isinstance(r, str))
    made = [r["NetworkInterface"]["PrivateIpAddress"] for r in results if isinstance(r, dict)]
    assert errors == {"InsufficientFreeAddressesInSubnet": 39}
    assert sorted(made, key=lambda ip: int(ip.rsplit(".", 1)[1])) == [
        f"10.0.0.{n}" for n in range(4, 15)
    ]
    assert NetworkInterface.objects.filter(subnet__resource_id=subnet["SubnetId"]).count() == 11


def test_vpc02_racing_creates_do_not_pass_the_vpc_quota(tctx):
    results = race(tctx, "CreateVpc", [{"CidrBlock": f"10.{i}.0.0/16"} for i in range(10)])
    assert Counter(r for r in results if isinstance(r, str)) == {"VpcLimitExceeded": 6}
    assert Vpc.objects.filter(account=tctx.account, region="us-east-1").count() == 5


def test_racing_allocations_do_not_pass_the_elastic_ip_quota(tctx):
    results = race(tctx, "AllocateAddress", [{"Domain": "vpc"}] * 9)
    assert Counter(r for r in results if isinstance(r, str)) == {"AddressLimitExceeded": 4}
    assert Address.objects.filter(account=tctx.account).count() == 5


def test_vpc04_racing_overlapping_subnets_one_wins(tctx):
    vpc = operations.call(tctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]
    blocks = ["10.0.0.0/24", "10.0.0.0/25", "10.0.0.128/25", "10.0.0.0/23", "10.0.0.64/26"]
    results = race(tctx, "CreateSubnet", [{"VpcId": vpc["VpcId"], "CidrBlock": b} for b in blocks])
    won = [r for r in results if isinstance(r, dict)]
    assert Counter(r for r in results if isinstance(r, str))["InvalidSubnet.Conflict"] == (
        len(blocks) - len(won)
    )
    spans = [
        (s.first_address, s.last_address)
        for s in Subnet.objects.filter(vpc__resource_id=vpc["VpcId"]).order_by("first_address")
    ]
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_launches_and_interfaces_racing_into_one_subnet_all_succeed(tctx):
    """RunInstances locks the account (quotas) and the subnet (addresses);
    CreateNetworkInterface the subnet: 25 of each at once end without a deadlock, with
    one unique address each, and the launches stop at the vCPU quota (32 vCPUs: 16
    t3.nano)."""
    vpc = operations.call(tctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]
    subnet = operations.call(
        tctx, "ec2", "CreateSubnet", {"VpcId": vpc["VpcId"], "CidrBlock": "10.0.0.0/24"}
    )["Subnet"]["SubnetId"]
    launch = {
        "ImageId": AL2023, "InstanceType": "t3.nano", "MinCount": 1, "MaxCount": 1,
        "SubnetId": subnet,
    }  # fmt: skip
    calls = [("RunInstances", launch), ("CreateNetworkInterface", {"SubnetId": subnet})] * 25
    results = race_calls(tctx, calls)
    assert Counter(r for r in results if isinstance(r, str)) == {"VcpuLimitExceeded": 9}
    ips = NetworkInterface.objects.filter(subnet__resource_id=subnet).values_list(
        "private_ip_address", flat=True
    )
    assert len(ips) == len(set(ips)) == 25 + 16
    assert Instance.objects.filter(subnet_resource_id=subnet).count() == 16
