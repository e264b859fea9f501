"""Describe filters (EC2 wildcards, tag filters, typed values) and EC2 paging."""

from __future__ import annotations

import base64
import json

import pytest

from services.core import describe, operations
from services.core.errors import AwsError
from services.ec2.models import Volume

SPEC: describe.FilterSpec = {
    "volume-id": "resource_id",
    "status": "state",
    "availability-zone": "availability_zone",
    "size": "size",
    "encrypted": "encrypted",
}


@pytest.fixture
def volumes(ctx):
    made = {}
    for name, zone, size, tags, encrypted in [
        ("web-1", "us-east-1a", 8, {"Name": "web-1", "env": "prod"}, False),
        ("web-2", "us-east-1b", 16, {"Name": "web-2", "env": "dev"}, True),
        ("db", "us-east-1a", 100, {"Name": "db", "team": "data*"}, True),
        ("bare", "us-east-1c", 8, {}, False),
    ]:
        vol = Volume(
            account=ctx.account,
            region="us-east-1",
            availability_zone=zone,
            size=size,
            tags=tags,
            encrypted=encrypted,
        )
        vol.begin("creating")
        made[name] = vol
    return made


def names(qs) -> list[str]:
    by_id = {v.resource_id: v.tags.get("Name", "bare") for v in Volume.objects.all()}
    return sorted(by_id[v.resource_id] for v in qs)


def run(filters):
    return describe.apply_filters(Volume.objects.all(), filters, SPEC)


def test_values_are_ored_and_filters_anded(volumes):
    zones = {"Name": "availability-zone", "Values": ["us-east-1a", "us-east-1b"]}
    assert names(run([zones])) == ["db", "web-1", "web-2"]
    assert names(run([zones, {"Name": "size", "Values": ["8"]}])) == ["web-1"]


def test_star_and_question_mark_are_wildcards(volumes):
    assert names(run([{"Name": "availability-zone", "Values": ["us-east-1?"]}])) == [
        "bare",
        "db",
        "web-1",
        "web-2",
    ]
    assert names(run([{"Name": "availability-zone", "Values": ["*c"]}])) == ["bare"]
    assert names(run([{"Name": "tag:Name", "Values": ["web-*"]}])) == ["web-1", "web-2"]
    assert names(run([{"Name": "tag:Name", "Values": ["web-?"]}])) == ["web-1", "web-2"]
    assert names(run([{"Name": "tag:Name", "Values": ["w*1"]}])) == ["web-1"]


def test_a_backslash_makes_a_wildcard_literal(volumes):
    assert names(run([{"Name": "tag:team", "Values": ["data\\*"]}])) == ["db"]
    assert names(run([{"Name": "tag:team", "Values": ["dat\\?*"]}])) == []
    assert describe.like_pattern("a%b_*") == "a\\%b\\_%"  # LIKE's characters stay literal
    assert names(run([{"Name": "tag:Name", "Values": ["web.1"]}])) == []


def test_runs_of_stars_match_at_once_as_one_star(volumes):
    """A value of thousands of `*` (issue 12: 600 took 12 s, 5,000 gave a 500) is one
    `*`: it matches every value, in one plain query."""
    assert describe.like_pattern("*" * 5000 + "1") == "%1"
    everything = ["bare", "db", "web-1", "web-2"]
    assert names(run([{"Name": "availability-zone", "Values": ["*" * 5000]}])) == everything
    assert names(run([{"Name": "tag:Name", "Values": ["*" * 5000 + "1"]}])) == ["web-1"]
    assert names(run([{"Name": "tag-value", "Values": ["?*" * 2500 + "x"]}])) == []
    assert names(run([{"Name": "tag:Name", "Values": ["w%b_1", "web\\\\-1"]}])) == []


def test_wildcards_match_the_same_in_python():
    match = describe.Wildcard
    assert match("web-*").match("web-1") and not match("web-*").match("db")
    assert match("w?b-1").match("web-1") and not match("w?b-1").match("wb-1")
    assert match("*" * 5000).match("") and match("a*" * 2500).match("a" * 2500)
    assert not match("a*" * 2500 + "b").match("a" * 5000)
    assert match("data\\*").match("data*") and not match("data\\*").match("datas")


def test_tag_filters(volumes):
    assert names(run([{"Name": "tag:env", "Values": ["prod", "dev"]}])) == ["web-1", "web-2"]
    assert names(run([{"Name": "tag-key", "Values": ["team"]}])) == ["db"]
    assert names(run([{"Name": "tag-key", "Values": ["e*"]}])) == ["web-1", "web-2"]
    assert names(run([{"Name": "tag-value", "Values": ["prod"]}])) == ["web-1"]
    assert names(run([{"Name": "tag-value", "Values": ["d*"]}])) == ["db", "web-2"]
    # A filter without values matches nothing, as AWS answers (`--filters Name=tag:Name`).
    assert names(run([{"Name": "tag:Name", "Values": []}])) == []
    assert names(run([{"Name": "tag:nope", "Values": ["x"]}])) == []


def test_typed_values_read_as_aws_reads_them(volumes):
    assert names(run([{"Name": "encrypted", "Values": ["true"]}])) == ["db", "web-2"]
    assert names(run([{"Name": "encrypted", "Values": ["FALSE"]}])) == ["bare", "web-1"]
    assert names(run([{"Name": "encrypted", "Values": ["maybe"]}])) == []
    assert names(run([{"Name": "size", "Values": ["abc"]}])) == []
    assert names(run([{"Name": "size", "Values": ["1*"]}])) == ["db", "web-2"]


def test_an_unknown_filter_is_invalid_parameter_value(volumes):
    with pytest.raises(AwsError) as err:
        run([{"Name": "colour", "Values": ["red"]}])
    assert (err.value.code, err.value.message) == (
        "InvalidParameterValue",
        "The filter 'colour' is invalid",
    )


def test_describe_volumes_uses_the_same_filters(ctx, volumes):
    out = operations.call(
        ctx, "ec2", "DescribeVolumes", {"Filters": [{"Name": "tag:Name", "Values": ["web*"]}]}
    )
    assert sorted(v["VolumeId"] for v in out["Volumes"]) == sorted(
        [volumes["web-1"].resource_id, volumes["web-2"].resource_id]
    )


# --- paging ---------------------------------------------------------------------------


def test_pages_follow_the_token_to_the_end(volumes):
    seen, token = [], None
    for _ in range(5):
        rows, token = describe.paginate(Volume.objects.all(), 5, token)
        seen += rows
        if token is None:
            break
    assert len(seen) == 4 and token is None
    many = [
        Volume.objects.create(account=seen[0].account, region="us-east-1", size=1, state="x")
        for _ in range(8)
    ]
    first, token = describe.paginate(Volume.objects.all(), 5, None)
    second, last = describe.paginate(Volume.objects.all(), 5, token)
    assert len(first) == 5 and len(second) == 5 and last is not None
    third, end = describe.paginate(Volume.objects.all(), 5, last)
    assert len(third) == 2 and end is None
    assert {v.pk for v in first + second + third} == {v.pk for v in seen + many}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (4, "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
        (0, "Value ( 0 ) for parameter maxResults is invalid. Expecting a value greater than 5."),
        (
            1001,
            "Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.",
        ),
    ],
)
def test_max_results_outside_5_to_1000_is_refused(db, value, message):
    with pytest.raises(AwsError) as err:
        describe.paginate(Volume.objects.all(), value, None)
    assert (err.value.code, err.value.message, err.value.status) == (
        "InvalidParameterValue",
        message,
        400,
    )


def test_the_bounds_themselves_are_allowed(volumes):
    assert len(describe.paginate(Volume.objects.all(), 5, None)[0]) == 4
    assert len(describe.paginate(Volume.objects.all(), 1000, None)[0]) == 4


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(json.dumps({"after": "x"}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"after": -5}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({"before": 3}).encode()).decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_garbage_token_is_invalid_pagination_token(db, token):
    with pytest.raises(AwsError) as err:
        describe.paginate(Volume.objects.all(), 5, token)
    assert err.value.code == "InvalidPaginationToken"
    assert err.value.message == "The specified pagination token is not valid or is expired."


def test_describe_volumes_reports_paging_errors(ctx):
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "DescribeVolumes", {"MaxResults": 2})
    assert err.value.code == "InvalidParameterValue"
    with pytest.raises(AwsError) as err:
        operations.call(ctx, "ec2", "DescribeVolumes", {"NextToken": "nope"})
    assert err.value.code == "InvalidPaginationToken"


# --- tags in create requests ------------------------------------------------------------


def test_tag_specifications_pick_the_resource_type():
    params = {
        "TagSpecifications": [
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "other"}]},
        ]
    }
    assert describe.tags_from_specifications(params, "volume") == {"Name": "data"}
    assert describe.tags_from_specifications({}, "volume") == {}


@pytest.mark.parametrize(
    ("key", "value"),
    [("", "x"), ("k" * 129, "x"), ("aws:cloudformation", "x"), ("AWS:x", "x"), ("k", "v" * 257)],
)
def test_bad_tags_are_refused(key, value):
    with pytest.raises(AwsError) as err:
        describe.validate_tag(key, value)
    assert err.value.code == "InvalidParameterValue"


def test_tags_at_the_limits_are_fine():
    describe.validate_tag("k" * 128, "v" * 256)
    describe.validate_tag("k", "")


@pytest.mark.parametrize(
    ("action", "name"),
    [
        ("DescribeNetworkInterfaces", "private-ip-address"),
        ("DescribeNetworkInterfaces", "association.public-ip"),
        ("DescribeAddresses", "public-ip"),
        ("DescribeInstances", "private-ip-address"),  # through a relation
        ("DescribeInstances", "launch-time"),
        ("DescribeSnapshots", "start-time"),
    ],
)
def test_a_value_that_is_no_address_or_time_matches_nothing(ctx, action, name):
    """Sibling of issue 12's PublicIp=x: such text reached an inet or timestamp column
    and failed the query (a 500); like a number filter's "abc" it matches nothing."""
    for value in ("x", "10.0.0.300", "2024-13-45"):
        out = operations.call(ctx, "ec2", action, {"Filters": [{"Name": name, "Values": [value]}]})
        assert not any(isinstance(v, list) and v for v in out.values())
