"""The query language of lab checks, and the refusal of badly written labs."""

from __future__ import annotations

import pytest

from services.classrooms import labs, query

GROUP = {
    "GroupId": "sg-1",
    "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "1.2.3.4/32"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ],
}


def test_paths_flatten_lists():
    assert query.values(GROUP, "IpPermissions.IpRanges.CidrIp") == ["1.2.3.4/32", "0.0.0.0/0"]
    assert query.values(GROUP, "Missing.Path") == []


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"GroupId": "sg-1"}, True),
        ({"GroupId": {"ne": "sg-1"}}, False),
        ({"IpPermissions.FromPort": {"gte": 80}}, True),
        ({"IpPermissions": {"count": 2}}, True),
        ({"IpPermissions.IpRanges.CidrIp": {"all": {"matches": "/32$"}}}, False),
        ({"IpPermissions": {"none": {"FromPort": 443}}}, True),
        ({"IpPermissions": {"any": {"FromPort": 22, "IpRanges.CidrIp": "0.0.0.0/0"}}}, False),
        ({"any_of": [{"GroupId": "x"}, {"GroupId": "sg-1"}]}, True),
        ({"Tags": {"exists": False}}, True),
        ({"GroupId": {"in_set": "mine"}}, True),
        ({"GroupId": {"in_set": "theirs"}}, False),
    ],
)
def test_where(conditions, expected):
    sets = {"mine": {"sg-1"}, "theirs": {"sg-2"}}
    assert query.where(GROUP, conditions, sets) is expected


def test_all_is_false_on_nothing():
    assert not query.where({"Rules": []}, {"Rules": {"all": {"Port": 22}}}, {})


def test_an_unknown_operator_is_an_error():
    with pytest.raises(query.QueryError):
        query.where(GROUP, {"GroupId": {"equals": "sg-1"}}, {})


def _lab(tmp_path, body: str) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "lab.toml").write_text(
        'title = "x"\nfidelity_rules = ["VPC-01"]\n' + body
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('[[steps]]\ntitle = "a"\n[[steps.checks]]\nresource = "ec2.nope"\n', "unknown resource"),
        (
            '[[steps]]\ntitle = "a"\n[[steps.checks]]\nresource = "ec2.vpcs"\n'
            'where = { CidrBlock = { equals = "10.0.0.0/16" } }\n',
            "unknown operator",
        ),
        (
            '[[steps]]\ntitle = "a"\n[[steps.checks]]\nresource = "ec2.vpcs"\n'
            'where = { VpcId = { in_set = "nowhere" } }\n',
            "no set named",
        ),
        ('[[steps]]\ntitle = "a"\n', "has no checks"),
        ('[[steps]]\ntitle = "a"\n[[steps.checks]]\nsays = "?"\n', "exactly one of"),
    ],
)
def test_a_badly_written_lab_is_refused_when_it_loads(tmp_path, body, says):
    _lab(tmp_path, body)
    with pytest.raises(labs.LabError, match=says):
        labs.load("broken", root=tmp_path)


def test_an_unknown_lab_is_refused():
    with pytest.raises(labs.LabError, match="no lab named"):
        labs.load("no_such_lab")
    with pytest.raises(labs.LabError):
        labs.load("../etc")
