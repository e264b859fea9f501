"""DescribeAvailabilityZones and DescribeRegions (GLB-01, GLB-02)."""

import re

from services.core import regions


def test_glb01_each_region_lists_at_least_three_zones(api):
    for code in regions.REGIONS:
        from services.core import operations

        zones = operations.call(api.ctx.in_region(code), "ec2", "DescribeAvailabilityZones", {})[
            "AvailabilityZones"
        ]
        assert len(zones) >= 3
        assert {z["RegionName"] for z in zones} == {code}


def test_glb02_zone_and_region_names(api):
    zones = api.DescribeAvailabilityZones()["AvailabilityZones"]
    for zone in zones:
        assert re.fullmatch(r"us-east-1[a-z]", zone["ZoneName"])
        assert zone["State"] == "available"
        assert zone["ZoneType"] == "availability-zone"
        assert re.fullmatch(r"use1-az\d", zone["ZoneId"])
    for region in api.DescribeRegions()["Regions"]:
        assert re.fullmatch(r"[a-z]+-[a-z]+-\d", region["RegionName"])
        assert region["Endpoint"] == f"ec2.{region['RegionName']}.amazonaws.com"


def test_zone_filters_and_names(api):
    out = api.DescribeAvailabilityZones(Filters=[{"Name": "zone-name", "Values": ["*b"]}])
    assert [z["ZoneName"] for z in out["AvailabilityZones"]] == ["us-east-1b"]
    out = api.DescribeAvailabilityZones(ZoneNames=["us-east-1c"])
    assert [z["ZoneId"] for z in out["AvailabilityZones"]] == ["use1-az2"]
    assert api.error("DescribeAvailabilityZones", ZoneNames=["us-east-1z"]).code == (
        "InvalidParameterValue"
    )


def test_describe_regions_by_name(api):
    out = api.DescribeRegions(RegionNames=["eu-west-1"])
    assert [r["RegionName"] for r in out["Regions"]] == ["eu-west-1"]
    assert api.error("DescribeRegions", RegionNames=["mars-north-1"]).code == (
        "InvalidParameterValue"
    )
