"""EC2 through the AWS door: the ec2 protocol's Filter.N, paging, DryRun and errors, read
back by botocore's own parser as boto3 reads them."""

from __future__ import annotations

from services.core.models import Event
from services.ec2.models import Volume

AZ = "us-east-1a"


def _volume(aws, size=8, **extra) -> str:
    out = aws.parsed("ec2", "CreateVolume", {"AvailabilityZone": AZ, "Size": size, **extra})
    assert out["status"] == 200, out
    return out["VolumeId"]


def test_create_volume_answers_the_volume_with_its_tags(aws):
    out = aws.parsed(
        "ec2",
        "CreateVolume",
        {
            "AvailabilityZone": AZ,
            "Size": 8,
            "VolumeType": "gp3",
            "TagSpecifications": [
                {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "data"}]}
            ],
        },
    )
    assert out["VolumeId"].startswith("vol-")
    assert out["Size"] == 8 and out["VolumeType"] == "gp3" and out["Iops"] == 3000
    assert out["Encrypted"] is False
    assert out["Tags"] == [{"Key": "Name", "Value": "data"}]
    assert out["CreateTime"].tzinfo is not None
    assert out["ResponseMetadata"]["RequestId"]


def test_describe_volumes_with_filters(aws):
    small = _volume(aws, 8, VolumeType="gp2")
    _volume(aws, 20, VolumeType="gp3")
    aws.parsed(
        "ec2", "CreateTags", {"Resources": [small], "Tags": [{"Key": "team", "Value": "blue"}]}
    )
    out = aws.parsed(
        "ec2",
        "DescribeVolumes",
        {
            "Filters": [
                {"Name": "volume-type", "Values": ["gp2", "io1"]},
                {"Name": "tag:team", "Values": ["blue"]},
            ]
        },
    )
    assert [v["VolumeId"] for v in out["Volumes"]] == [small]
    assert out["Volumes"][0]["Tags"] == [{"Key": "team", "Value": "blue"}]


def test_describe_volumes_pages_with_max_results_and_next_token(aws):
    made = [_volume(aws) for _ in range(7)]
    first = aws.parsed("ec2", "DescribeVolumes", {"MaxResults": 5})
    assert len(first["Volumes"]) == 5 and first["NextToken"]
    second = aws.parsed(
        "ec2", "DescribeVolumes", {"MaxResults": 5, "NextToken": first["NextToken"]}
    )
    assert "NextToken" not in second
    seen = [v["VolumeId"] for v in first["Volumes"] + second["Volumes"]]
    assert sorted(seen) == sorted(made)


def test_dry_run_answers_dry_run_operation_and_creates_nothing(aws):
    out = aws.parsed("ec2", "CreateVolume", {"AvailabilityZone": AZ, "Size": 8, "DryRun": True})
    assert out["status"] == 412
    assert out["Error"] == {
        "Code": "DryRunOperation",
        "Message": "Request would have succeeded, but DryRun flag is set.",
    }
    assert not Volume.objects.exists()


def test_delete_volume_answers_true(aws):
    volume = _volume(aws)
    out = aws.parsed("ec2", "DeleteVolume", {"VolumeId": volume})
    assert out["status"] == 200
    assert Volume.objects.get(resource_id=volume).state == "deleting"


def test_an_error_of_the_operation_is_an_ec2_error_with_the_request_id(aws):
    out = aws.parsed("ec2", "DeleteVolume", {"VolumeId": "vol-0123456789abcdef0"})
    assert out["status"] == 400
    assert out["Error"]["Code"] == "InvalidVolume.NotFound"
    assert out["ResponseMetadata"]["RequestId"]
    event = Event.objects.get(event_name="DeleteVolume")
    assert event.error_code == "InvalidVolume.NotFound" and event.door == "aws"


def test_an_operation_stratolab_does_not_simulate_is_a_clear_501(aws):
    out = aws.parsed("ec2", "DescribeHosts", {})
    assert out["status"] == 501
    assert out["Error"] == {
        "Code": "NotImplemented",
        "Message": "Stratolab does not simulate ec2:DescribeHosts yet.",
    }


def test_an_action_ec2_does_not_have_is_invalid_action(aws):
    response = aws.raw(
        "ec2",
        body=b"Action=LaunchRocket&Version=2016-11-15",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    out = _error(response)
    assert response.status_code == 400
    assert out == ("InvalidAction", "The action LaunchRocket is not valid for this web service.")


def test_a_missing_required_parameter_is_missing_parameter(aws):
    response = aws.raw(
        "ec2",
        body=b"Action=DeleteVolume&Version=2016-11-15",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert _error(response)[0] == "MissingParameter"


def test_a_parameter_of_the_wrong_type_is_invalid_parameter_value(aws):
    body = b"Action=DescribeVolumes&Version=2016-11-15&MaxResults=lots"
    response = aws.raw(
        "ec2", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert _error(response)[0] == "InvalidParameterValue"


def test_an_unknown_parameter_is_refused_as_ec2_does(aws):
    body = b"Action=DescribeVolumes&Version=2016-11-15&Colour=red"
    response = aws.raw(
        "ec2", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert _error(response) == ("UnknownParameter", "The parameter Colour is not recognized")


def _error(response) -> tuple[str, str]:
    from xml.etree import ElementTree as ET

    found = {el.tag.rsplit("}", 1)[-1]: el.text for el in ET.fromstring(response.content).iter()}
    return found.get("Code"), found.get("Message")
