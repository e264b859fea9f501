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
