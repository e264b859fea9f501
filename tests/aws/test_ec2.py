"""EC2 with unmodified boto3 and the AWS CLI against a live server, real SigV4."""

from __future__ import annotations

import pytest

from services.core.models import Event

SERVICE_ERROR = {254, 255}  # the AWS CLI's exit status for a service error (v1: 255)


def test_cli_create_describe_with_filters_and_delete_a_volume(student):
    made = student.cli(
        "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "8",
        "--volume-type", "gp3",
        "--tag-specifications", "ResourceType=volume,Tags=[{Key=Name,Value=lab}]",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    volume_id = made.data["VolumeId"]
    assert made.data["State"] == "creating" and made.data["Size"] == 8

    found = student.cli(
        "ec2", "describe-volumes", "--filters", "Name=tag:Name,Values=lab",
        "Name=volume-type,Values=gp3",
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert [v["VolumeId"] for v in found.data["Volumes"]] == [volume_id]

    none = student.cli("ec2", "describe-volumes", "--filters", "Name=tag:Name,Values=other")
    assert none.data == {"Volumes": []}

    deleted = student.cli("ec2", "delete-volume", "--volume-id", volume_id)
    assert deleted.returncode == 0, deleted.stderr

    event = Event.objects.get(event_name="CreateVolume")
    assert event.door == "aws"
    assert event.access_key_id == student.access_key_id
    assert event.user_agent.startswith("aws-cli/")


def test_cli_dry_run_says_dry_run_operation(student):
    done = student.cli("ec2", "create-volume", "--availability-zone", "us-east-1a",
                       "--size", "8", "--dry-run")  # fmt: skip
    assert done.returncode in SERVICE_ERROR
    assert (
        "An error occurred (DryRunOperation) when calling the CreateVolume operation: "
        "Request would have succeeded, but DryRun flag is set." in done.stderr
    )


def test_cli_an_operation_stratolab_does_not_simulate_names_itself(student):
    done = student.cli("ec2", "describe-hosts")
    assert done.returncode in SERVICE_ERROR
    assert (
        "An error occurred (NotImplemented) when calling the DescribeHosts operation: "
        "Stratolab does not simulate ec2:DescribeHosts yet." in done.stderr
    )


def test_cli_with_a_wrong_secret_ec2_says_auth_failure(student):
    done = student.cli("ec2", "describe-volumes", secret="y" * 40)
    assert done.returncode in SERVICE_ERROR
    assert (
        "An error occurred (AuthFailure) when calling the DescribeVolumes operation: "
        "AWS was not able to validate the provided access credentials" in done.stderr
    )


@pytest.mark.worker
def test_cli_waiter_volume_available(student, aws_worker):
    made = student.cli("ec2", "create-volume", "--availability-zone", "us-east-1b", "--size", "4")
    volume_id = made.data["VolumeId"]
    waited = student.cli("ec2", "wait", "volume-available", "--volume-ids", volume_id)
    assert waited.returncode == 0, waited.stderr
    shown = student.cli("ec2", "describe-volumes", "--volume-ids", volume_id)
    assert shown.data["Volumes"][0]["State"] == "available"


def test_boto3_paginator_walks_next_tokens(student):
    ec2 = student.client("ec2")
    made = {ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"] for _ in range(7)}
    pages = list(ec2.get_paginator("describe_volumes").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Volumes"]) for p in pages] == [5, 2]
    assert {v["VolumeId"] for p in pages for v in p["Volumes"]} == made


def test_boto3_errors_are_client_errors_with_code_and_request_id(student):
    from botocore.exceptions import ClientError

    ec2 = student.client("ec2")
    with pytest.raises(ClientError) as caught:
        ec2.delete_volume(VolumeId="vol-0123456789abcdef0")
    error = caught.value.response
    assert error["Error"]["Code"] == "InvalidVolume.NotFound"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ResponseMetadata"]["RequestId"]


@pytest.mark.worker
def test_boto3_instance_lifecycle_with_waiters(student, aws_worker):
    ec2 = student.client("ec2")
    image = ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}]
    )["Images"][0]["ImageId"]
    launched = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2,
                                 ClientToken="lab-1")  # fmt: skip
    ids = [i["InstanceId"] for i in launched["Instances"]]
    assert [i["State"]["Name"] for i in launched["Instances"]] == ["pending", "pending"]
    again = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2,
                              ClientToken="lab-1")  # fmt: skip
    assert [i["InstanceId"] for i in again["Instances"]] == ids

    ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig={"Delay": 1})
    running = ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["running"]}]
    )
    assert sorted(i["InstanceId"] for r in running["Reservations"] for i in r["Instances"]) == (
        sorted(ids)
    )
    ec2.stop_instances(InstanceIds=ids)
    ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig={"Delay": 1})
    ec2.terminate_instances(InstanceIds=ids)
    ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig={"Delay": 1})
