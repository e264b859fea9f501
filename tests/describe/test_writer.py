"""The XML writers of the Describe answers (a generated function per structure, members
written in line) write what the ElementTree path writes for the same value, text for
text: escapes, empty elements, booleans, numbers, timestamps, nested lists."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from services.core import filters, shapes
from services.core.gateway.protocols import xmlshape
from tests.gateway.examples import Examples

ACTIONS = ["DescribeInstances", "DescribeVolumes", "DescribeSecurityGroups", "DescribeSubnets",
           "DescribeNetworkInterfaces", "DescribeVpcs", "DescribeImages"]  # fmt: skip


def _text_path(shape, value: dict) -> str:
    out: list[str] = []
    xmlshape.emitter(shape)(out, value, "item")
    return "".join(out)


def _tree_path(shape, value: dict) -> str:
    node = ET.Element("item")
    xmlshape.write_members(node, shape, value)
    return xmlshape.to_bytes(node).decode().split("?>", 1)[1]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_item_is_written_as_the_tree_writes_it(action, seed):
    shape = filters.item_shape("ec2", action)
    value = Examples(seed).structure(shape)
    assert _text_path(shape, value) == _tree_path(shape, value)


def test_awkward_values_are_written_as_the_tree_writes_them():
    shape = filters.item_shape("ec2", "DescribeInstances")
    value = {
        "InstanceId": "i-1",
        "Tags": [{"Key": "a&b", "Value": "<x>\r\n\"'"}, {"Key": "", "Value": ""}],
        "EbsOptimized": False,
        "EnaSupport": True,
        "AmiLaunchIndex": 0,
        "LaunchTime": dt.datetime(2021, 9, 29, 11, 4, 43, 305000, tzinfo=dt.UTC),
        "ProductCodes": [],
        "Monitoring": {},
        "State": {"Code": 16, "Name": "running"},
        "KeyName": "bad \x01 control",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}}],
    }
    text = _text_path(shape, value)
    assert text == _tree_path(shape, value)
    assert "<productCodes/>" in text and "<monitoring/>" in text
    assert "<ebsOptimized>false</ebsOptimized>" in text


def test_the_output_shapes_of_the_calls_exist():
    for action in ACTIONS:
        assert shapes.operation_model("ec2", action).output_shape is not None
