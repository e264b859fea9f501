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


def no_failures(results: list[object]) -> None:
    """No call of a race may end in a 500 or a lock conflict the retries did not absorb."""
    failures = {"InternalFailure", "RequestLimitExceeded"}
    assert [r for r in results if isinstance(r, str) and r in failures] == []


def test_account_wide_creates_racing_launches_wait_in_turn(tctx):
    """RunInstances, AllocateAddress, CreateVpc and CreateInternetGateway all lock the
    account first: mixed, at once, each quota still holds."""
    calls = (
        [("RunInstances", {"ImageId": AL2023, "InstanceType": "t3.nano", "MinCount": 1,
                           "MaxCount": 1})] * 6
        + [("AllocateAddress", {"Domain": "vpc"})] * 7
        + [("CreateVpc", {"CidrBlock": f"10.{i}.0.0/16"}) for i in range(6)]
        + [("CreateInternetGateway", {})] * 6
    )  # fmt: skip
    results = race_calls(tctx, calls)
    no_failures(results)
    assert Counter(r for r in results if isinstance(r, str)) == {
        "AddressLimitExceeded": 2,
        "VpcLimitExceeded": 2,  # the default VPC counts: 4 more make 5
        "InternetGatewayLimitExceeded": 2,  # and its gateway
    }
    assert Instance.objects.filter(account=tctx.account).count() == 6
    assert Address.objects.filter(account=tctx.account).count() == 5


def test_associate_disassociate_and_release_race_on_one_address(tctx):
    """The address calls lock the interfaces, then the addresses: at once on one Elastic
    IP and two interfaces they end with the address on at most one interface."""
    vpc = operations.call(tctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    subnet = operations.call(
        tctx, "ec2", "CreateSubnet", {"VpcId": vpc, "CidrBlock": "10.0.0.0/24"}
    )
    igw = operations.call(tctx, "ec2", "CreateInternetGateway", {})["InternetGateway"]
    operations.call(tctx, "ec2", "AttachInternetGateway",
                    {"InternetGatewayId": igw["InternetGatewayId"], "VpcId": vpc})  # fmt: skip
    enis = [
        operations.call(tctx, "ec2", "CreateNetworkInterface",
                        {"SubnetId": subnet["Subnet"]["SubnetId"]})["NetworkInterface"]
        for _ in range(2)
    ]  # fmt: skip
    allocation = operations.call(tctx, "ec2", "AllocateAddress", {"Domain": "vpc"})["AllocationId"]
    public_ip = Address.objects.get(resource_id=allocation).public_ip
    calls = []
    for eni in enis * 4:
        calls.append(
            (
                "AssociateAddress",
                {
                    "AllocationId": allocation,
                    "AllowReassociation": True,
                    "NetworkInterfaceId": eni["NetworkInterfaceId"],
                },
            )
        )
        calls.append(("DisassociateAddress", {"PublicIp": public_ip}))
    calls.append(("ReleaseAddress", {"AllocationId": allocation}))  # fmt: skip
    results = race_calls(tctx, calls)
    no_failures(results)
    holders = NetworkInterface.objects.filter(public_ip=public_ip).count()
    address = Address.objects.filter(resource_id=allocation).first()
    if address is None:
        assert holders == 0
    else:
        assert holders == (1 if address.network_interface_id else 0)


def test_tags_on_resources_of_several_types_in_opposite_orders(tctx):
    """CreateTags locks its resources by type and id, whatever order they are listed in."""
    vpc = operations.call(tctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    subnet = operations.call(
        tctx, "ec2", "CreateSubnet", {"VpcId": vpc, "CidrBlock": "10.0.0.0/24"}
    )
    subnet_id = subnet["Subnet"]["SubnetId"]
    calls = [
        ("CreateTags", {"Resources": ids, "Tags": [{"Key": f"k{i}", "Value": "v"}]})
        for i, ids in enumerate([[vpc, subnet_id], [subnet_id, vpc]] * 10)
    ]
    results = race_calls(tctx, calls)
    assert results == [{}] * 20
    assert (
        len(Vpc.objects.get(resource_id=vpc).tags)
        == len(Subnet.objects.get(resource_id=subnet_id).tags)
        == 20
    )


def test_route_table_associations_race(tctx):
    """AssociateRouteTable locks the subnet, then the table; ReplaceRouteTableAssociation
    the table, then the association: at once, every subnet ends with one association."""
    vpc = operations.call(tctx, "ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]
    subnet = operations.call(
        tctx, "ec2", "CreateSubnet", {"VpcId": vpc, "CidrBlock": "10.0.0.0/24"}
    )
    subnet_id = subnet["Subnet"]["SubnetId"]
    tables = [
        operations.call(tctx, "ec2", "CreateRouteTable", {"VpcId": vpc})["RouteTable"][
            "RouteTableId"
        ]
        for _ in range(3)
    ]
    first = operations.call(tctx, "ec2", "AssociateRouteTable",
                            {"RouteTableId": tables[0], "SubnetId": subnet_id})  # fmt: skip
    calls = [
        ("ReplaceRouteTableAssociation", {"AssociationId": first["AssociationId"],
                                          "RouteTableId": tables[i % 3]})
        for i in range(6)
    ]  # fmt: skip
    calls += [("AssociateRouteTable", {"RouteTableId": t, "SubnetId": subnet_id}) for t in tables]
    results = race_calls(tctx, calls)
    no_failures(results)
    from services.vpc.models import RouteTableAssociation

    assert RouteTableAssociation.objects.filter(subnet__resource_id=subnet_id).count() == 1
