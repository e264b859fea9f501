"""Launches racing for the addresses of one small subnet (VPC-03 under load)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from services.core import lifecycle, operations
from services.core.errors import AwsError
from services.ec2 import ami_catalog, quotas
from services.ec2.models import Instance, Volume, VolumeAttachment

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


def _race(ctx, calls: list) -> list[object]:
    """Run each call (an (action, params) pair, or a function) at once in its own thread
    and transaction; results are responses, AWS error codes, or what a function gave."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int, call) -> None:
        try:
            start.wait()
            if callable(call):
                results[i] = call()
            else:
                results[i] = operations.call(ctx, "ec2", call[0], call[1])
        except AwsError as error:
            results[i] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _launch(ctx) -> str:
    out = operations.call(ctx, "ec2", "RunInstances", {
        "ImageId": AL2023, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1,
        "Placement": {"AvailabilityZone": "us-east-1a"},
    })  # fmt: skip
    lifecycle.settle()
    return out["Instances"][0]["InstanceId"]


def _volume(ctx) -> str:
    out = operations.call(ctx, "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    lifecycle.settle()
    return out["VolumeId"]


@pytest.mark.django_db(transaction=True)
def test_attach_detach_terminate_and_the_worker_race_on_one_instance(ctx):
    """AttachVolume and TerminateInstances lock the instance, then volumes; DetachVolume
    and the worker's termination lock volumes, then attachments: all at once, nothing
    deadlocks and every volume ends attached to a live instance or available."""
    ctx = ctx.in_region("us-east-1")
    instance = _launch(ctx)
    attached = [_volume(ctx) for _ in range(3)]
    for n, volume in enumerate(attached):
        operations.call(ctx, "ec2", "AttachVolume", {"VolumeId": volume, "InstanceId": instance,
                                                     "Device": f"/dev/sd{'fgh'[n]}"})  # fmt: skip
    lifecycle.settle()
    free = [_volume(ctx) for _ in range(3)]
    calls: list = [("DetachVolume", {"VolumeId": v}) for v in attached]
    calls += [
        ("AttachVolume", {"VolumeId": v, "InstanceId": instance, "Device": f"/dev/sd{'ijk'[n]}"})
        for n, v in enumerate(free)
    ]
    calls += [("TerminateInstances", {"InstanceIds": [instance]})] * 2
    calls += [lifecycle.sweep] * 3  # fmt: skip
    results = _race(ctx, calls)
    assert [r for r in results if r in ("InternalFailure", "RequestLimitExceeded")] == []
    lifecycle.settle()
    # Terminated, and with the time scale of the tests at once gone (EC2-05).
    assert not Instance.objects.filter(resource_id=instance).exclude(state="terminated").exists()
    assert not VolumeAttachment.objects.filter(instance__resource_id=instance).exists()
    states = set(
        Volume.objects.filter(resource_id__in=attached + free).values_list("state", flat=True)
    )
    assert states <= {"available", "deleted"}


@pytest.mark.django_db(transaction=True)
def test_start_stop_and_launch_race_for_the_quota(ctx, settings):
    """StartInstances takes the account lock (for the quota) before the instances' own:
    racing RunInstances and StopInstances, the running count never passes the quota."""
    ctx = ctx.in_region("us-east-1")
    instances = [_launch(ctx) for _ in range(4)]
    operations.call(ctx, "ec2", "StopInstances", {"InstanceIds": instances})
    lifecycle.settle()
    launch = {"ImageId": AL2023, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1}
    calls: list = [
        ("StartInstances", {"InstanceIds": instances[i:] + instances[:i]}) for i in range(4)
    ]
    calls += [("RunInstances", launch)] * 14 + [("StopInstances", {"InstanceIds": instances})]
    calls += [lifecycle.sweep] * 2  # fmt: skip
    results = _race(ctx, calls)
    assert [r for r in results if r in ("InternalFailure", "RequestLimitExceeded")] == []
    counted = Instance.objects.filter(account=ctx.account, state__in=quotas.COUNTED_STATES)
    # 32 vCPUs: 16 t3.micro at most, however the calls interleaved.
    assert counted.count() <= 16
