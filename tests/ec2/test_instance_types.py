"""DescribeInstanceTypes and DescribeInstanceTypeOfferings."""

import re

import pytest

from services.core.errors import AwsError
from services.core.shapes import enum_values
from services.ec2 import instance_types

FAMILIES = "t2 t3 t3a t4g m5 m6i m7g c5 c6i c7g r5 r6i i3 g4dn p3".split()


def test_every_size_of_the_course_families_is_known():
    known = {t.name for t in instance_types.all_types()}
    for name in enum_values("ec2", "InstanceType"):
        family = name.split(".")[0]
        if family in FAMILIES:
            assert name in known, name


def test_ec2_07_names_read_family_generation_size(ec2):
    out = ec2("DescribeInstanceTypes", InstanceTypes=["m5.2xlarge"])
    (info,) = out["InstanceTypes"]
    family, size = info["InstanceType"].split(".")
    assert re.fullmatch(r"[a-z]+\d[a-z]*", family) and size == "2xlarge"
    assert info["VCpuInfo"]["DefaultVCpus"] == 8
    assert info["MemoryInfo"]["SizeInMiB"] == 32 * 1024


@pytest.mark.parametrize(
    ("name", "vcpus", "mib", "arch"),
    [
        ("t2.micro", 1, 1024, "x86_64"),
        ("t3.nano", 2, 512, "x86_64"),
        ("t4g.small", 2, 2048, "arm64"),
        ("c5.9xlarge", 36, 73728, "x86_64"),
        ("r6i.32xlarge", 128, 1048576, "x86_64"),
        ("i3.large", 2, 15616, "x86_64"),
        ("c7g.medium", 1, 2048, "arm64"),
        ("p3.16xlarge", 64, 499712, "x86_64"),
    ],
)
def test_specifications(ec2, name, vcpus, mib, arch):
    (info,) = ec2("DescribeInstanceTypes", InstanceTypes=[name])["InstanceTypes"]
    assert info["VCpuInfo"]["DefaultVCpus"] == vcpus
    assert info["MemoryInfo"]["SizeInMiB"] == mib
    assert arch in info["ProcessorInfo"]["SupportedArchitectures"]


def test_free_tier_and_gpus(ec2):
    free = ec2(
        "DescribeInstanceTypes", Filters=[{"Name": "free-tier-eligible", "Values": ["true"]}]
    )
    assert sorted(t["InstanceType"] for t in free["InstanceTypes"]) == ["t2.micro", "t3.micro"]
    (g4,) = ec2("DescribeInstanceTypes", InstanceTypes=["g4dn.12xlarge"])["InstanceTypes"]
    assert g4["GpuInfo"]["Gpus"][0]["Count"] == 4
    assert g4["InstanceStorageInfo"]["TotalSizeInGB"] == 900


def test_filters_with_wildcards_and_paging(ec2):
    flt = [
        {"Name": "instance-type", "Values": ["m7g.*", "c7g.*"]},
        {"Name": "vcpu-info.default-vcpus", "Values": ["2", "4"]},
    ]
    names = sorted(
        t["InstanceType"] for t in ec2("DescribeInstanceTypes", Filters=flt)["InstanceTypes"]
    )
    assert names == ["c7g.large", "c7g.xlarge", "m7g.large", "m7g.xlarge"]

    seen, token = [], None
    while True:
        params = {"MaxResults": 20, **({"NextToken": token} if token else {})}
        page = ec2("DescribeInstanceTypes", **params)
        assert len(page["InstanceTypes"]) <= 20
        seen += [t["InstanceType"] for t in page["InstanceTypes"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == len(instance_types.all_types())


def test_bad_requests(ec2):
    with pytest.raises(AwsError) as err:
        ec2("DescribeInstanceTypes", InstanceTypes=["t2.huge"])
    assert err.value.code == "InvalidInstanceType"
    with pytest.raises(AwsError) as err:
        ec2("DescribeInstanceTypes", Filters=[{"Name": "colour", "Values": ["red"]}])
    assert err.value.code == "InvalidParameterValue"
    with pytest.raises(AwsError) as err:
        ec2("DescribeInstanceTypes", MaxResults=500)
    assert err.value.code == "InvalidParameterValue"


def test_offerings_by_region_and_zone(ec2):
    region = ec2("DescribeInstanceTypeOfferings")["InstanceTypeOfferings"]
    assert {o["Location"] for o in region} == {"us-east-1"}
    t3_zones = ec2(
        "DescribeInstanceTypeOfferings",
        LocationType="availability-zone",
        Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}],
    )["InstanceTypeOfferings"]
    zones = {o["Location"] for o in t3_zones}
    # us-east-1e is an old zone without the newer families, as in AWS.
    assert "us-east-1a" in zones and "us-east-1e" not in zones
    ids = ec2(
        "DescribeInstanceTypeOfferings",
        LocationType="availability-zone-id",
        Filters=[{"Name": "instance-type", "Values": ["t2.micro"]}],
    )["InstanceTypeOfferings"]
    assert {o["Location"] for o in ids} == {f"use1-az{n}" for n in range(1, 7)}


def test_unsupported_types():
    with pytest.raises(AwsError) as err:
        instance_types.require("m5d.large")  # real, but not simulated
    assert err.value.code == "Unsupported"
    with pytest.raises(AwsError) as err:
        instance_types.require("t3.micro", "us-east-1e")
    assert err.value.code == "Unsupported"
    assert "us-east-1a" in err.value.message
