"""EC2 placement groups: the proof of docs/ADDING_A_SERVICE.md. The type is declared in
services/ec2 only (model, operations, registration); what is checked here beyond the
AWS door (console pages, REST, IAM resource ARNs, tags, audit, lab checks) comes from
the generic parts."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from django.test import Client
from rest_framework.test import APIClient

from services.core import lifecycle
from services.core.models import Account, Event

PASSWORD = "correct horse battery"
COMBINATION = "InvalidParameterCombination"


def _error(call, **params) -> dict:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]


def test_create_describe_tag_and_delete_with_boto3(student):
    ec2 = student.client("ec2")
    made = ec2.create_placement_group(
        GroupName="hpc",
        Strategy="cluster",
        TagSpecifications=[
            {"ResourceType": "placement-group", "Tags": [{"Key": "team", "Value": "a"}]}
        ],
    )["PlacementGroup"]
    assert made["State"] == "pending"
    assert made["GroupId"].startswith("pg-")
    assert made["GroupArn"] == f"arn:aws:ec2:us-east-1:{student.account_id}:placement-group/hpc"
    assert made["Tags"] == [{"Key": "team", "Value": "a"}]
    ec2.create_placement_group(GroupName="wide", Strategy="spread")
    ec2.create_placement_group(GroupName="parts", Strategy="partition", PartitionCount=5)
    lifecycle.settle()

    groups = {g["GroupName"]: g for g in ec2.describe_placement_groups()["PlacementGroups"]}
    assert set(groups) == {"hpc", "wide", "parts"}
    assert {g["State"] for g in groups.values()} == {"available"}
    assert groups["wide"]["SpreadLevel"] == "rack"
    assert groups["parts"]["PartitionCount"] == 5
    assert "PartitionCount" not in groups["hpc"] and "SpreadLevel" not in groups["hpc"]

    def names(**params) -> list[str]:
        found = ec2.describe_placement_groups(**params)["PlacementGroups"]
        return sorted(g["GroupName"] for g in found)

    assert names(GroupNames=["wide"]) == ["wide"]
    assert names(GroupIds=[made["GroupId"]]) == ["hpc"]
    assert names(Filters=[{"Name": "strategy", "Values": ["spread", "partition"]}]) == [
        "parts",
        "wide",
    ]
    assert names(Filters=[{"Name": "group-name", "Values": ["h*"]}]) == ["hpc"]
    assert names(Filters=[{"Name": "group-arn", "Values": [made["GroupArn"]]}]) == ["hpc"]
    assert names(Filters=[{"Name": "spread-level", "Values": ["rack"]}]) == ["wide"]
    assert names(Filters=[{"Name": "state", "Values": ["available"]}]) == ["hpc", "parts", "wide"]
    assert names(Filters=[{"Name": "tag:team", "Values": ["a"]}]) == ["hpc"]

    # Tags through CreateTags/DeleteTags, found by the pg- id like every EC2 resource.
    ec2.create_tags(Resources=[made["GroupId"]], Tags=[{"Key": "Name", "Value": "fast"}])
    assert names(Filters=[{"Name": "tag-key", "Values": ["Name"]}]) == ["hpc"]
    ec2.delete_tags(Resources=[made["GroupId"]], Tags=[{"Key": "team"}])
    (hpc,) = ec2.describe_placement_groups(GroupNames=["hpc"])["PlacementGroups"]
    assert hpc["Tags"] == [{"Key": "Name", "Value": "fast"}]

    ec2.delete_placement_group(GroupName="wide")
    (wide,) = ec2.describe_placement_groups(GroupNames=["wide"])["PlacementGroups"]
    assert wide["State"] == "deleting"
    lifecycle.settle()
    assert names() == ["hpc", "parts"]

    # Every call is audited, with the group as its resource.
    event = Event.objects.get(
        event_name="CreatePlacementGroup", request_parameters__GroupName="hpc"
    )
    assert event.door == "aws" and event.resources[0]["ARN"] == made["GroupArn"]
    assert Event.objects.filter(event_name="DeletePlacementGroup").count() == 1


def test_bad_requests_get_ec2s_errors_and_change_nothing(student):
    ec2 = student.client("ec2")
    ec2.create_placement_group(GroupName="one", Strategy="cluster")

    duplicate = _error(ec2.create_placement_group, GroupName="one", Strategy="spread")
    assert duplicate["Code"] == "InvalidPlacementGroup.Duplicate"
    assert "one" in duplicate["Message"]
    unknown = _error(ec2.describe_placement_groups, GroupNames=["nope"])
    assert unknown["Code"] == "InvalidPlacementGroup.Unknown"
    assert _error(ec2.delete_placement_group, GroupName="nope")["Code"] == (
        "InvalidPlacementGroup.Unknown"
    )
    assert _error(ec2.describe_placement_groups, GroupIds=["pg-0123456789abcdef0"])["Code"] == (
        "InvalidPlacementGroup.Unknown"
    )
    bad = [
        ({"GroupName": "a", "Strategy": "partition", "PartitionCount": 8}, "InvalidParameterValue"),
        ({"GroupName": "a", "Strategy": "partition", "PartitionCount": 0}, "InvalidParameterValue"),
        ({"GroupName": "a", "Strategy": "cluster", "PartitionCount": 2}, COMBINATION),
        ({"GroupName": "a", "Strategy": "cluster", "SpreadLevel": "rack"}, COMBINATION),
        ({"GroupName": "a", "Strategy": "spread", "SpreadLevel": "host"}, "InvalidParameterValue"),
        ({"GroupName": "a", "Strategy": "precision-time"}, "InvalidParameterValue"),
        ({"GroupName": "a"}, "MissingParameter"),
        ({"Strategy": "cluster"}, "MissingParameter"),
        ({"GroupName": "x" * 256, "Strategy": "cluster"}, "InvalidParameterValue"),
    ]  # fmt: skip
    for params, code in bad:
        assert _error(ec2.create_placement_group, **params)["Code"] == code, params
    filtered = _error(
        ec2.describe_placement_groups, Filters=[{"Name": "colour", "Values": ["red"]}]
    )
    assert filtered["Code"] == "InvalidParameterValue"
    groups = ec2.describe_placement_groups()["PlacementGroups"]
    assert [g["GroupName"] for g in groups] == ["one"]


def test_iam_policies_name_the_group_by_its_arn(student):
    iam, ec2 = student.client("iam"), student.client("ec2")
    ec2.create_placement_group(GroupName="keep", Strategy="cluster")
    ec2.create_placement_group(GroupName="scratch", Strategy="cluster")
    iam.create_user(UserName="ops")
    arn = f"arn:aws:ec2:us-east-1:{student.account_id}:placement-group/keep"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:DeletePlacementGroup", "Resource": arn},
        ],
    }
    iam.put_user_policy(UserName="ops", PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    ops = student.client("ec2", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])

    denied = _error(ops.delete_placement_group, GroupName="keep")
    assert denied["Code"] == "UnauthorizedOperation"
    assert f"on resource: {arn}" in denied["Message"]
    ops.delete_placement_group(GroupName="scratch")


def test_rest_console_and_lab_checks_come_from_the_registration(student):
    rest = APIClient()
    rest.credentials(
        HTTP_AUTHORIZATION=f"Token {student.access_key_id}:{student.secret_access_key}"
    )
    made = rest.post(
        "/api/v1/ec2/placement-groups/",
        {"GroupName": "api", "Strategy": "partition", "PartitionCount": 3},
        format="json",
    )
    assert made.status_code == 201, made.content
    group = made.json()
    assert group["id"].startswith("pg-") and group["partition_count"] == 3
    assert group["arn"].endswith(":placement-group/api")
    lifecycle.settle()
    listed = rest.get("/api/v1/ec2/placement-groups/?strategy=partition").json()
    assert [g["group_name"] for g in listed["results"]] == ["api"]
    assert rest.get(f"/api/v1/ec2/placement-groups/{group['id']}/").json()["state"] == "available"
    schema = rest.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/ec2/placement-groups/{resource_id}/" in schema["paths"]

    # The lab checks' name for them, read through DescribePlacementGroups.
    from services.classrooms.catalog import Reader

    items = Reader(Account.objects.get(pk=student.account_id), "us-east-1").items(
        "ec2.placement_groups"
    )
    assert [i["GroupName"] for i in items] == ["api"]

    # The console: listed under Network & Security, created from its form, deleted.
    console = Client()
    account = Account.objects.get(pk=student.account_id)
    signed = console.post("/signin", {"email": account.root_email, "password": PASSWORD})
    assert signed.status_code == 302
    page = console.get("/us-east-1/ec2/placement-groups/")
    assert page.status_code == 200
    assert b"Placement groups" in page.content and b"api" in page.content
    created = console.post(
        "/us-east-1/ec2/placement-groups/create/",
        {"GroupName": "web", "Strategy": "spread", "SpreadLevel": "rack"},
    )
    assert created.status_code == 302, created.content[:2000]
    detail = console.get(created["Location"])
    assert b"web" in detail.content and b"placement-group/web" in detail.content
    lifecycle.settle()
    web = rest.get("/api/v1/ec2/placement-groups/?group-name=web").json()["results"][0]
    gone = console.post(
        "/us-east-1/ec2/placement-groups/actions/DeletePlacementGroup/",
        {"ids": [web["id"]], "confirmation": "delete"},
    )
    assert gone.status_code == 302
    lifecycle.settle()
    assert rest.get("/api/v1/ec2/placement-groups/?group-name=web").json()["results"] == []


# --- instances in groups ----------------------------------------------------------------


def _image(ec2) -> str:
    return ec2.describe_images(
        Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}]
    )["Images"][0]["ImageId"]


def _subnet(ec2, zone: str) -> str:
    subnets = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [zone]}])
    return subnets["Subnets"][0]["SubnetId"]


def _run(ec2, image: str, **params) -> dict:
    return ec2.run_instances(
        ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, **params
    )["Instances"][0]


def test_an_instance_launched_into_a_group_names_it(student):
    ec2 = student.client("ec2")
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    lifecycle.settle()
    image = _image(ec2)
    inside = _run(ec2, image, Placement={"GroupName": "hpc"})
    outside = _run(ec2, image)
    assert inside["Placement"]["GroupName"] == "hpc"
    assert outside["Placement"]["GroupName"] == ""

    def placed(**params) -> list[str]:
        found = ec2.describe_instances(**params)["Reservations"]
        return [i["InstanceId"] for r in found for i in r["Instances"]]

    described = ec2.describe_instances(InstanceIds=[inside["InstanceId"]])
    assert described["Reservations"][0]["Instances"][0]["Placement"]["GroupName"] == "hpc"
    by_group = [{"Name": "placement-group-name", "Values": ["hpc"]}]
    assert placed(Filters=by_group) == [inside["InstanceId"]]
    assert placed(Filters=[{"Name": "placement-group-name", "Values": ["h*"]}]) == [
        inside["InstanceId"]
    ]
    assert placed(Filters=[{"Name": "placement-group-name", "Values": ["other"]}]) == []


def test_a_launch_into_an_unknown_group_is_refused_and_launches_nothing(student):
    ec2 = student.client("ec2")
    image = _image(ec2)
    error = _error(ec2.run_instances, ImageId=image, InstanceType="t3.micro", MinCount=1,
                   MaxCount=1, Placement={"GroupName": "nowhere"})  # fmt: skip
    assert error == {
        "Code": "InvalidPlacementGroup.Unknown",
        "Message": "The Placement Group 'nowhere' is unknown.",
    }
    assert ec2.describe_instances()["Reservations"] == []


def test_a_cluster_group_holds_instances_of_one_zone(student):
    ec2 = student.client("ec2")
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    ec2.create_placement_group(GroupName="wide", Strategy="spread")
    lifecycle.settle()
    image = _image(ec2)
    a, b = _subnet(ec2, "us-east-1a"), _subnet(ec2, "us-east-1b")
    _run(ec2, image, Placement={"GroupName": "hpc"}, SubnetId=a)
    _run(ec2, image, Placement={"GroupName": "hpc"}, SubnetId=a)  # the same zone: fine
    error = _error(ec2.run_instances, ImageId=image, InstanceType="t3.micro", MinCount=1,
                   MaxCount=1, Placement={"GroupName": "hpc"}, SubnetId=b)  # fmt: skip
    assert error == {
        "Code": "InvalidPlacementGroup.InUse",
        "Message": "The placement group 'hpc' is in use in another availability zone: us-east-1a",
    }
    in_group = [{"Name": "placement-group-name", "Values": ["hpc"]}]
    found = ec2.describe_instances(Filters=in_group)["Reservations"]
    assert {i["Placement"]["AvailabilityZone"] for r in found for i in r["Instances"]} == {
        "us-east-1a"
    }
    # A spread group spans zones.
    _run(ec2, image, Placement={"GroupName": "wide"}, SubnetId=a)
    _run(ec2, image, Placement={"GroupName": "wide"}, SubnetId=b)


def test_a_group_in_use_cannot_be_deleted_until_its_instances_are_terminated(student):
    ec2 = student.client("ec2")
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    lifecycle.settle()
    instance = _run(ec2, _image(ec2), Placement={"GroupName": "hpc"})["InstanceId"]
    lifecycle.settle()
    error = _error(ec2.delete_placement_group, GroupName="hpc")
    assert error == {
        "Code": "InvalidPlacementGroup.InUse",
        "Message": "The placement group 'hpc' is in use and may not be deleted.",
    }
    groups = ec2.describe_placement_groups(GroupNames=["hpc"])["PlacementGroups"]
    assert groups[0]["State"] == "available"  # unchanged

    ec2.terminate_instances(InstanceIds=[instance])  # shutting-down still holds it
    going = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]
    assert going["State"]["Name"] == "shutting-down"
    assert going["Placement"]["GroupName"] == "hpc"
    assert _error(ec2.delete_placement_group, GroupName="hpc")["Code"] == (
        "InvalidPlacementGroup.InUse"
    )
    lifecycle.settle()
    ec2.delete_placement_group(GroupName="hpc")
    lifecycle.settle()
    assert ec2.describe_placement_groups()["PlacementGroups"] == []


def test_placement_groups_ship_lifecycle_durations(settings):
    from services.ec2.models import PlacementGroup

    settings.STRATOLAB_TIME_SCALE = 1
    settings.STRATOLAB_LIFECYCLE_SECONDS = {}
    life = PlacementGroup.lifecycle
    assert life.duration("pending").total_seconds() == 2
    assert life.duration("deleting").total_seconds() == 3
    settings.STRATOLAB_LIFECYCLE_SECONDS = {"ec2.placement-group.pending": 7}
    assert life.duration("pending").total_seconds() == 7


def test_the_launch_wizard_offers_the_accounts_placement_groups(student):
    ec2 = student.client("ec2")
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    lifecycle.settle()
    console = Client()
    account = Account.objects.get(pk=student.account_id)
    signed = console.post("/signin", {"email": account.root_email, "password": PASSWORD})
    assert signed.status_code == 302
    page = console.get("/us-east-1/ec2/launch/").content.decode()
    assert 'name="placement_group"' in page and '<option value="hpc">hpc (cluster)' in page
