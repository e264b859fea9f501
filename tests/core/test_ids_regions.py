"""AWS-format identifiers and ARNs, and the regions and Availability Zones."""

from __future__ import annotations

import re
import uuid

from services.core import ids, regions
from services.core.context import Principal
from services.core.regions import REGIONS


def test_ec2_01_instance_ids_are_i_and_17_hex_digits():
    made = {ids.resource_id("i") for _ in range(200)}
    assert len(made) == 200
    assert all(re.fullmatch(r"i-[0-9a-f]{17}", i) for i in made)


def test_other_prefixes_keep_the_same_shape():
    for prefix in ("vol", "vpc", "subnet", "sg", "snap", "ami", "eipalloc"):
        assert re.fullmatch(rf"{prefix}-[0-9a-f]{{17}}", ids.resource_id(prefix))


def test_account_ids_are_12_digits_without_a_leading_zero():
    for _ in range(200):
        assert re.fullmatch(r"[1-9][0-9]{11}", ids.account_id())


def test_access_keys_look_like_aws_keys():
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", ids.access_key_id())
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", ids.access_key_id("ASIA"))
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", ids.secret_access_key())
    assert ":" not in ids.secret_access_key()  # the REST token splits on it
    assert uuid.UUID(ids.request_id())
    assert re.fullmatch(r"[A-Z2-7]{21}", ids.unique_suffix())


def test_a_saved_resource_gets_its_id_and_arn(ctx):
    from services.ec2.models import Volume

    vol = Volume(account=ctx.account, region="eu-west-1", availability_zone="eu-west-1a", size=8)
    vol.begin("creating")
    assert re.fullmatch(r"vol-[0-9a-f]{17}", vol.resource_id)
    assert vol.arn == f"arn:aws:ec2:eu-west-1:{ctx.account.id}:volume/{vol.resource_id}"


def test_principal_arns():
    assert Principal.root("123456789012").arn == "arn:aws:iam::123456789012:root"
    user = Principal("123456789012", "IAMUser", "bob")
    assert user.arn == "arn:aws:iam::123456789012:user/bob"
    role = Principal("123456789012", "AssumedRole", "Admin/session-1")
    assert role.arn == "arn:aws:sts::123456789012:assumed-role/Admin/session-1"
    assert Principal.root("123456789012").display_name == "root"


def test_glb_01_us_east_1_has_six_zones_with_distinct_zone_ids():
    east = regions.get_region("us-east-1")
    assert east.name == "US East (N. Virginia)"
    assert east.zone_names == [f"us-east-1{c}" for c in "abcdef"]
    assert sorted(z.zone_id for z in east.zones) == [f"use1-az{n}" for n in range(1, 7)]


def test_glb_01_every_region_has_at_least_three_zones():
    assert all(len(r.zones) >= 3 for r in REGIONS.values())


def test_glb_02_region_codes_end_in_a_number_and_zone_names_in_a_letter():
    for code, region in REGIONS.items():
        assert re.fullmatch(r"[a-z]{2}-[a-z]+-\d", code)
        for zone in region.zones:
            assert re.fullmatch(rf"{code}[a-z]", zone.name)
            assert zone.region == code
            assert regions.zone(zone.name) == zone
        prefixes = {z.zone_id.rsplit("-", 1)[0] for z in region.zones}
        assert len(prefixes) == 1  # use1-az1, use1-az2, ...
        assert len({z.zone_id for z in region.zones}) == len(region.zones)


def test_unknown_regions_and_zones():
    assert regions.is_region("us-east-1")
    assert not regions.is_region("us-east-9")
    assert not regions.is_region("")
    assert regions.get_region("mars-1") is None
    assert regions.zone("us-east-1z") is None
    assert regions.zone("") is None
    assert regions.zone("nowhere") is None
    assert regions.DEFAULT_REGION == "us-east-1"
