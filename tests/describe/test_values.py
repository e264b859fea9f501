"""AWS's value semantics of filters matched on described items (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.core import filters
from services.core.errors import AwsError

WHEN = dt.datetime(2021, 9, 29, 11, 4, 43, 305000, tzinfo=dt.UTC)
VOLUME = {
    "VolumeId": "vol-1",
    "Size": 8,
    "CreateTime": WHEN,
    "Encrypted": False,
    "Attachments": [
        {"InstanceId": "i-1", "Device": "/dev/xvda", "DeleteOnTermination": True},
        {"InstanceId": "i-2", "Device": "/dev/sdf", "DeleteOnTermination": False},
    ],
}


def _keeps(name: str, *values: str) -> bool:
    return filters.check("ec2", "DescribeVolumes", name, list(values))(VOLUME)


@pytest.mark.parametrize(
    ("name", "values", "kept"),
    [
        ("attachment.instance-id", ["i-2"], True),
        ("attachment.instance-id", ["i-3", "i-1"], True),  # values are ORed
        ("attachment.instance-id", ["i-?"], True),
        ("attachment.instance-id", ["i-3"], False),
        ("attachment.device", ["/dev/s*"], True),
        ("attachment.device", ["/DEV/SDF"], False),  # case matters, as in AWS
        ("attachment.delete-on-termination", ["false"], True),
        ("attachment.delete-on-termination", ["True"], True),
        ("encrypted", ["true"], False),
        ("size", ["8"], True),
        ("size", ["8.0"], True),
        ("size", ["08"], True),
        ("size", ["9"], False),
        ("size", ["eight"], False),  # no number: matches nothing, no error
        ("size", ["*"], True),
        ("create-time", ["2021-09-29T11:04:43.305Z"], True),
        ("create-time", ["2021-09-29T11:04:43.305+00:00"], True),
        ("create-time", ["2021-09-29T13:04:43.305+02:00"], True),  # the same instant
        ("create-time", ["2021-09-29T*"], True),  # a whole day
        ("create-time", ["2021-09-30T*"], False),
        ("create-time", ["yesterday"], False),
        ("attachment.instance-id", [], False),  # no values: nothing
    ],
)
def test_values(name: str, values: list[str], kept: bool) -> None:
    assert _keeps(name, *values) is kept


def test_a_long_failing_wildcard_value_is_cheap() -> None:
    # Backtracking regular expressions take for ever on this; Wildcard does not.
    assert not _keeps("attachment.device", "*/" * 5000 + "x")


def test_unknown_and_undocumented_names_are_rejected_as_aws_does() -> None:
    for name in ("attachment.nonsense", "attachments.instance-id", "Size", ""):
        with pytest.raises(AwsError) as info:
            filters.check("ec2", "DescribeVolumes", name, ["x"])
        assert (info.value.code, info.value.message, info.value.status) == (
            "InvalidParameterValue",
            f"The filter '{name}' is invalid",
            400,
        )


def test_an_alias_for_data_no_resource_has_matches_nothing() -> None:
    test = filters.check("ec2", "DescribeInstances", "network-interface.outpost-arn", ["*"])
    assert test({"InstanceId": "i-1"}) is False
