"""The Describe calls' plain-row read path (values() rows turned into the AWS shape, no
model object per row) answers the very item each model's describe() gives, for
resources in every state and with every kind of relation, and its statements do not
grow with the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.core import lifecycle, operations
from services.ec2 import ami_catalog, instance_rows, quotas, volumes
from services.ec2.instances import reservations
from services.ec2.models import Instance, Volume
from services.vpc.models import SecurityGroup, Subnet
from services.vpc.operations import security_groups, subnets

AL2023 = ami_catalog.default_image().image_id("us-east-1")


@pytest.fixture(autouse=True)
def room(monkeypatch):
    monkeypatch.setitem(quotas.VCPU_QUOTAS, "standard", 1000)
    monkeypatch.setattr(quotas, "RUNNING_INSTANCES", 1000)


def call(ctx, action: str, **params) -> dict:
    return operations.call(ctx, "ec2", action, params)


def launch(ctx, count: int = 1, **params) -> list[str]:
    out = call(ctx, "RunInstances", ImageId=AL2023, InstanceType="t3.micro", MinCount=count,
               MaxCount=count, **params)  # fmt: skip
    return [i["InstanceId"] for i in out["Instances"]]


@pytest.fixture
def estate(ctx) -> dict[str, str]:
    """Instances in every state, with and without tags, key, extra groups, an Elastic
    IP, an extra volume, a placement group and a public address."""
    vpc = call(ctx, "CreateVpc", CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = call(ctx, "CreateSubnet", VpcId=vpc, CidrBlock="10.9.1.0/24",
                  AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]  # fmt: skip
    web = call(ctx, "CreateSecurityGroup", GroupName="web", Description="web", VpcId=vpc)
    db = call(ctx, "CreateSecurityGroup", GroupName="db", Description="db", VpcId=vpc)
    call(ctx, "AuthorizeSecurityGroupIngress", GroupId=db["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": web["GroupId"], "Description": "from web"}],
         "IpRanges": [{"CidrIp": "10.9.0.0/16", "Description": "vpc"}]},
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ])  # fmt: skip
    call(ctx, "CreateKeyPair", KeyName="k")
    call(ctx, "CreatePlacementGroup", GroupName="pg", Strategy="spread")
    ids: dict[str, str] = {}
    ids["pending"] = launch(ctx, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "a & <b>"},
                                              {"Key": "env", "Value": ""}]}])[0]  # fmt: skip
    lifecycle.settle()
    ids["running"], ids["eip"], ids["stopped"], ids["terminated"] = launch(ctx, 4)
    ids["private"] = launch(ctx, SubnetId=subnet, KeyName="k",
                            SecurityGroupIds=[web["GroupId"], db["GroupId"]],
                            Placement={"GroupName": "pg"})[0]  # fmt: skip
    lifecycle.settle()
    eip = call(ctx, "AllocateAddress", Domain="vpc")
    call(ctx, "AssociateAddress", AllocationId=eip["AllocationId"], InstanceId=ids["eip"])
    volume = call(ctx, "CreateVolume", AvailabilityZone="us-east-1b", Size=4)["VolumeId"]
    lifecycle.settle()
    call(ctx, "AttachVolume", VolumeId=volume, InstanceId=ids["private"], Device="/dev/sdf")
    call(ctx, "StopInstances", InstanceIds=[ids["stopped"], ids["eip"]])
    lifecycle.settle()
    call(ctx, "TerminateInstances", InstanceIds=[ids["terminated"]])
    lifecycle.sweep()  # shutting-down -> terminated; not on to gone (deleted) yet
    call(ctx, "CreateVolume", AvailabilityZone="us-east-1b", Size=4, VolumeType="io1",
         Iops=100, TagSpecifications=[{"ResourceType": "volume",
                                       "Tags": [{"Key": "k", "Value": "v"}]}])  # fmt: skip
    ids["launching"] = launch(ctx)[0]  # left pending
    return ids


def test_instance_rows_describe_what_the_model_does(ctx, estate):
    states = {}
    for name, instance_id in estate.items():
        model = Instance.objects.get(resource_id=instance_id)  # no prefetch: its own reads
        (item,) = instance_rows.items(
            list(instance_rows.values(Instance.objects.filter(pk=model.pk)))
        )
        assert item == model.describe(), name
        states[name] = item["State"]["Name"]
    assert states["pending"] == "running" and states["launching"] == "pending"
    assert states["stopped"] == states["eip"] == "stopped"
    assert states["terminated"] == "terminated"
    private = Instance.objects.get(resource_id=estate["private"]).describe()
    assert len(private["BlockDeviceMappings"]) == 2 and len(private["SecurityGroups"]) == 2
    assert private["Placement"]["GroupName"] == "pg" and private["KeyName"] == "k"
    eip = Instance.objects.get(resource_id=estate["eip"]).describe()
    assert eip["NetworkInterfaces"][0]["Association"]["IpOwnerId"] == ctx.account.id
    gone = Instance.objects.get(resource_id=estate["terminated"]).describe()
    assert gone["NetworkInterfaces"] == [] and "SubnetId" not in gone


def test_describe_instances_answers_the_models_reservations(ctx, estate):
    models = list(Instance.objects.filter(account_id=ctx.account.id).order_by("pk"))
    expected = reservations(ctx, models)
    assert call(ctx, "DescribeInstances")["Reservations"] == expected
    # A filter on the described item (not a column) reads rows too.
    found = call(
        ctx,
        "DescribeInstances",
        Filters=[{"Name": "network-interface.association.ip-owner-id", "Values": [ctx.account.id]}],
    )
    assert [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]] == [
        estate["eip"]
    ]


def test_volume_rows_describe_what_the_model_does(ctx, estate):
    rows = list(Volume.objects.filter(account_id=ctx.account.id).order_by("pk"))
    assert len(rows) >= 8
    assert volumes.items(list(Volume.objects.filter(account_id=ctx.account.id)
                              .order_by("pk").values(*volumes.VOLUME_FIELDS))) == [
        v.describe() for v in rows
    ]  # fmt: skip
    answer = call(ctx, "DescribeVolumes", Filters=[{"Name": "attachment.device",
                                                    "Values": ["/dev/sdf"]}])  # fmt: skip
    assert [v["Attachments"][0]["InstanceId"] for v in answer["Volumes"]] == [estate["private"]]


def test_security_group_and_subnet_rows_describe_what_the_models_do(ctx, estate):
    groups = list(
        SecurityGroup.objects.filter(account_id=ctx.account.id, region="us-east-1").order_by("pk")
    )
    answer = call(ctx, "DescribeSecurityGroups")["SecurityGroups"]
    assert answer == [g.describe() for g in groups]
    db = next(g for g in answer if g["GroupName"] == "db")
    assert [len(p["IpRanges"]) + len(p["UserIdGroupPairs"]) for p in db["IpPermissions"]] == [
        2, 1,
    ]  # fmt: skip
    nets = list(Subnet.objects.filter(account_id=ctx.account.id, region="us-east-1").order_by("pk"))
    answer = call(ctx, "DescribeSubnets")["Subnets"]
    assert answer == [s.describe() for s in nets]
    used = next(s for s in answer if s["CidrBlock"] == "10.9.1.0/24")
    assert used["AvailableIpAddressCount"] == 251 - 1
    kept = call(ctx, "DescribeSubnets", Filters=[{"Name": "available-ip-address-count",
                                                  "Values": ["250"]}])["Subnets"]  # fmt: skip
    assert kept == [used]
    assert security_groups.FILTERS.items and subnets.FILTERS.items


def _statements(ctx, action: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        call(ctx, action, **params)
    return len(queries)


@pytest.mark.parametrize(
    ("action", "filters"),
    [
        ("DescribeInstances", []),
        ("DescribeInstances", [{"Name": "network-interface.status", "Values": ["in-use"]}]),
        ("DescribeVolumes", []),
        ("DescribeVolumes", [{"Name": "attachment.status", "Values": ["attached"]}]),
        ("DescribeSecurityGroups", [{"Name": "ip-permission.from-port", "Values": ["*"]}]),
        ("DescribeSubnets", [{"Name": "available-ip-address-count", "Values": ["*"]}]),
    ],
)
def test_a_page_costs_the_same_statements_whatever_its_size(ctx, action, filters):
    vpc = call(ctx, "CreateVpc", CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]

    def grow(n: int) -> None:
        launch(ctx, n)
        for k in range(n):
            call(ctx, "CreateSecurityGroup", GroupName=f"g{n}-{k}", Description="d", VpcId=vpc)
            call(ctx, "CreateSubnet", VpcId=vpc, CidrBlock=f"10.8.{n * 10 + k}.0/24")
        lifecycle.settle()

    grow(2)
    small = _statements(ctx, action, Filters=filters)
    grow(7)
    assert _statements(ctx, action, Filters=filters) == small
