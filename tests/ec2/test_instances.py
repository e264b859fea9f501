"""Instances: launch, lifecycle, state changes, attributes, quotas, isolation."""

import base64
import re

import pytest

from services.core import lifecycle
from services.core.errors import AwsError
from services.ec2 import ami_catalog, quotas
from services.ec2.models import Instance, Volume
from services.vpc.models import NetworkInterface, Subnet

AL2023 = ami_catalog.default_image().image_id("us-east-1")
AL2023_ARM = ami_catalog.default_image("Amazon Linux", "arm64").image_id("us-east-1")


def launch(ec2, count=1, **params):
    params = {"ImageId": AL2023, "InstanceType": "t2.micro", **params}
    out = ec2("RunInstances", MinCount=count, MaxCount=count, **params)
    return out["Instances"] if count > 1 else out["Instances"][0]


def state(ec2, instance_id):
    (res,) = ec2("DescribeInstances", InstanceIds=[instance_id])["Reservations"]
    return res["Instances"][0]


def step():
    """One sweep: every overdue row moves one state (STRATOLAB_TIME_SCALE=0)."""
    lifecycle.sweep()


def test_ec2_01_ids_and_state_codes(ec2):
    out = ec2("RunInstances", ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    assert out["ReservationId"].startswith("r-") and out["OwnerId"] == ec2.ctx.account.id
    (inst,) = out["Instances"]
    assert re.fullmatch(r"i-[0-9a-f]{17}", inst["InstanceId"])
    assert inst["State"] == {"Code": 0, "Name": "pending"}
    assert inst["StateReason"] == {"Code": "pending", "Message": "pending"}
    step()
    running = state(ec2, inst["InstanceId"])
    assert running["State"] == {"Code": 16, "Name": "running"}
    assert "StateReason" not in running and running["StateTransitionReason"] == ""
    ec2("StopInstances", InstanceIds=[inst["InstanceId"]])
    assert state(ec2, inst["InstanceId"])["State"] == {"Code": 64, "Name": "stopping"}
    step()
    assert state(ec2, inst["InstanceId"])["State"] == {"Code": 80, "Name": "stopped"}
    ec2("TerminateInstances", InstanceIds=[inst["InstanceId"]])
    assert state(ec2, inst["InstanceId"])["State"] == {"Code": 32, "Name": "shutting-down"}
    step()
    assert state(ec2, inst["InstanceId"])["State"] == {"Code": 48, "Name": "terminated"}


def test_launch_uses_default_vpc_and_creates_root_volume(ec2):
    inst = launch(ec2, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]},
        {"ResourceType": "volume", "Tags": [{"Key": "team", "Value": "blue"}]},
    ])  # fmt: skip
    subnet = Subnet.objects.get(resource_id=inst["SubnetId"])
    assert (
        subnet.default_for_az and subnet.availability_zone == inst["Placement"]["AvailabilityZone"]
    )
    assert inst["PublicIpAddress"]  # default subnets map public IPs on launch (VPC-05)
    assert inst["SecurityGroups"][0]["GroupName"] == "default"
    assert inst["Tags"] == [{"Key": "Name", "Value": "web"}]
    (mapping,) = inst["BlockDeviceMappings"]
    assert mapping["DeviceName"] == "/dev/xvda" and mapping["Ebs"]["DeleteOnTermination"]
    volume = Volume.objects.get(resource_id=mapping["Ebs"]["VolumeId"])
    assert (volume.size, volume.volume_type, volume.state) == (8, "gp3", "in-use")
    assert volume.tags == {"team": "blue"}
    assert volume.snapshot_id == ami_catalog.default_image().snapshot_id("us-east-1")
    step()
    (vol,) = ec2("DescribeVolumes", VolumeIds=[volume.resource_id])["Volumes"]
    assert vol["Attachments"][0]["State"] == "attached"
    assert vol["Attachments"][0]["InstanceId"] == inst["InstanceId"]


def test_ebs_03_root_deleted_extra_volumes_kept(ec2):
    inst = launch(
        ec2,
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20, "VolumeType": "gp2"}},
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 50}},
        ],
    )
    by_device = {m["DeviceName"]: m["Ebs"] for m in inst["BlockDeviceMappings"]}
    assert by_device["/dev/xvda"]["DeleteOnTermination"] is True
    assert by_device["/dev/sdf"]["DeleteOnTermination"] is False
    root = Volume.objects.get(resource_id=by_device["/dev/xvda"]["VolumeId"])
    assert (root.size, root.volume_type) == (20, "gp2")
    lifecycle.settle()
    ec2("TerminateInstances", InstanceIds=[inst["InstanceId"]])
    step()  # shutting-down -> terminated: volumes released
    assert state(ec2, inst["InstanceId"])["State"]["Name"] == "terminated"
    extra = Volume.objects.get(resource_id=by_device["/dev/sdf"]["VolumeId"])
    assert extra.state == "available"
    assert Volume.objects.get(resource_id=root.resource_id).state == "deleting"
    step()
    assert not Volume.objects.filter(resource_id=root.resource_id).exists()


def test_bad_block_device_mappings(ec2):
    cases = [
        ([{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 4}}], "InvalidBlockDeviceMapping"),
        ([{"DeviceName": "/dev/xvda", "Ebs": {"VolumeType": "st1", "VolumeSize": 500}}],
         "InvalidBlockDeviceMapping"),
        ([{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 100000}}], "InvalidParameterValue"),
        ([{"DeviceName": "disk2", "Ebs": {"VolumeSize": 10}}], "InvalidBlockDeviceMapping"),
    ]  # fmt: skip
    for mappings, code in cases:
        with pytest.raises(AwsError) as err:
            launch(ec2, BlockDeviceMappings=mappings)
        assert err.value.code == code, mappings
    assert not Instance.objects.exists() and not Volume.objects.exists()
    assert (
        not NetworkInterface.objects.exclude(interface_type="nat_gateway")
        .filter(instance_id__startswith="i-")
        .exists()
    )


def test_launch_errors_change_nothing(ec2):
    cases = [
        ({"ImageId": "ami-0123456789abcdef0"}, "InvalidAMIID.NotFound"),
        ({"InstanceType": "t2.gigantic"}, "InvalidParameterValue"),
        ({"InstanceType": "t4g.micro"}, "InvalidParameterValue"),  # arm64 type, x86 AMI
        ({"KeyName": "nope"}, "InvalidKeyPair.NotFound"),
        ({"SubnetId": "subnet-0123456789abcdef0"}, "InvalidSubnetID.NotFound"),
        ({"SecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidGroup.NotFound"),
        ({"UserData": "not base64!"}, "InvalidParameterValue"),
        ({"Placement": {"AvailabilityZone": "us-east-1e"}, "InstanceType": "t3.micro"},
         "Unsupported"),
        ({"InstanceType": "g4dn.xlarge"}, "VcpuLimitExceeded"),
    ]  # fmt: skip
    for params, code in cases:
        with pytest.raises(AwsError) as err:
            launch(ec2, **params)
        assert err.value.code == code, params
    with pytest.raises(AwsError) as err:
        ec2("RunInstances", ImageId=AL2023, InstanceType="t2.micro", MinCount=3, MaxCount=2)
    assert err.value.code == "InvalidParameterValue"
    assert not Instance.objects.exists() and not Volume.objects.exists()


def test_arm_image_on_graviton_and_mac_only_on_mac(ec2):
    inst = launch(ec2, ImageId=AL2023_ARM, InstanceType="t4g.small")
    assert inst["Architecture"] == "arm64"
    mac = ami_catalog.default_image("macOS", "arm64_mac").image_id("us-east-1")
    with pytest.raises(AwsError):
        launch(ec2, ImageId=mac, InstanceType="t3.micro")
    assert launch(ec2, ImageId=mac, InstanceType="mac2.metal")["Architecture"] == "arm64_mac"


def test_ec2_03_incorrect_instance_state(ec2):
    inst = launch(ec2)
    iid = inst["InstanceId"]
    with pytest.raises(AwsError) as err:
        ec2("StopInstances", InstanceIds=[iid])  # still pending
    assert err.value.code == "IncorrectInstanceState"
    assert state(ec2, iid)["State"]["Name"] == "pending"
    lifecycle.settle()
    ec2("TerminateInstances", InstanceIds=[iid])
    step()
    for action in ("StopInstances", "StartInstances"):
        with pytest.raises(AwsError) as err:
            ec2(action, InstanceIds=[iid])
        assert err.value.code == "IncorrectInstanceState"
    assert state(ec2, iid)["State"]["Name"] == "terminated"
    # Terminating again is harmless and says so.
    again = ec2("TerminateInstances", InstanceIds=[iid])["TerminatingInstances"][0]
    assert again["PreviousState"]["Name"] == again["CurrentState"]["Name"] == "terminated"


def test_ec2_04_stop_start_new_public_ip_same_private(ec2):
    inst = launch(ec2)
    iid = inst["InstanceId"]
    lifecycle.settle()
    before = state(ec2, iid)
    out = ec2("StopInstances", InstanceIds=[iid])["StoppingInstances"][0]
    assert out["PreviousState"] == {"Code": 16, "Name": "running"}
    assert out["CurrentState"] == {"Code": 64, "Name": "stopping"}
    stopping = state(ec2, iid)
    assert re.fullmatch(
        r"User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)",
        stopping["StateTransitionReason"],
    )
    assert stopping["StateReason"] == {
        "Code": "Client.UserInitiatedShutdown",
        "Message": "Client.UserInitiatedShutdown: User initiated shutdown",
    }
    step()
    stopped = state(ec2, iid)
    assert "PublicIpAddress" not in stopped
    assert stopped["PrivateIpAddress"] == before["PrivateIpAddress"]
    started = ec2("StartInstances", InstanceIds=[iid])["StartingInstances"][0]
    assert started["CurrentState"] == {"Code": 0, "Name": "pending"}
    assert started["PreviousState"] == {"Code": 80, "Name": "stopped"}
    step()
    after = state(ec2, iid)
    assert after["State"]["Name"] == "running"
    assert after["PrivateIpAddress"] == before["PrivateIpAddress"]
    assert after["PublicIpAddress"] and after["PublicIpAddress"] != before["PublicIpAddress"]


def test_ec2_10_elastic_ip_survives_stop_start(ec2):
    inst = launch(ec2)
    iid = inst["InstanceId"]
    lifecycle.settle()
    eip = ec2("AllocateAddress", Domain="vpc")
    eni_id = inst["NetworkInterfaces"][0]["NetworkInterfaceId"]
    ec2("AssociateAddress", AllocationId=eip["AllocationId"], NetworkInterfaceId=eni_id)
    assert state(ec2, iid)["PublicIpAddress"] == eip["PublicIp"]
    ec2("StopInstances", InstanceIds=[iid])
    lifecycle.settle()
    ec2("StartInstances", InstanceIds=[iid])
    lifecycle.settle()
    assert state(ec2, iid)["PublicIpAddress"] == eip["PublicIp"]


def test_ec2_02_reboot_keeps_running(ec2):
    iid = launch(ec2)["InstanceId"]
    lifecycle.settle()
    assert ec2("RebootInstances", InstanceIds=[iid]) == {}
    assert state(ec2, iid)["State"]["Name"] == "running"
    assert Instance.objects.get(resource_id=iid).boot_count == 2


def test_ec2_05_terminated_instances_stay_then_disappear(ec2):
    iid = launch(ec2)["InstanceId"]
    lifecycle.settle()
    ec2("TerminateInstances", InstanceIds=[iid])
    step()
    terminated = state(ec2, iid)
    assert terminated["State"]["Name"] == "terminated"
    assert terminated["NetworkInterfaces"] == [] and "PrivateIpAddress" not in terminated
    # EC2-13: the primary interface went with the instance; its address is free again.
    assert not NetworkInterface.objects.filter(instance_id=iid).exists()
    step()  # the hour is over (time scale 0)
    assert ec2("DescribeInstances")["Reservations"] == []
    with pytest.raises(AwsError) as err:
        ec2("DescribeInstances", InstanceIds=[iid])
    assert err.value.code == "InvalidInstanceID.NotFound"


def test_ec2_06_termination_protection(ec2):
    iid = launch(ec2, DisableApiTermination=True)["InstanceId"]
    lifecycle.settle()
    with pytest.raises(AwsError) as err:
        ec2("TerminateInstances", InstanceIds=[iid])
    assert err.value.code == "OperationNotPermitted"
    assert "disableApiTermination" in err.value.message
    assert state(ec2, iid)["State"]["Name"] == "running"
    attr = ec2("DescribeInstanceAttribute", InstanceId=iid, Attribute="disableApiTermination")
    assert attr["DisableApiTermination"] == {"Value": True}
    ec2("ModifyInstanceAttribute", InstanceId=iid, DisableApiTermination={"Value": False})
    ec2("TerminateInstances", InstanceIds=[iid])
    assert state(ec2, iid)["State"]["Name"] == "shutting-down"


def test_ec2_07_type_changes_only_when_stopped(ec2):
    iid = launch(ec2)["InstanceId"]
    lifecycle.settle()
    with pytest.raises(AwsError) as err:
        ec2("ModifyInstanceAttribute", InstanceId=iid, InstanceType={"Value": "t2.small"})
    assert err.value.code == "IncorrectInstanceState"
    assert state(ec2, iid)["InstanceType"] == "t2.micro"
    ec2("StopInstances", InstanceIds=[iid])
    lifecycle.settle()
    with pytest.raises(AwsError):
        ec2("ModifyInstanceAttribute", InstanceId=iid, InstanceType={"Value": "t4g.small"})
    ec2("ModifyInstanceAttribute", InstanceId=iid, InstanceType={"Value": "m5.2xlarge"})
    assert state(ec2, iid)["InstanceType"] == "m5.2xlarge"


def test_ec2_08_user_data_runs_at_first_boot_only(ec2):
    script = "#!/bin/bash\nyum install -y httpd\n"
    iid = launch(ec2, UserData=base64.b64encode(script.encode()).decode())["InstanceId"]
    lifecycle.settle()
    attr = ec2("DescribeInstanceAttribute", InstanceId=iid, Attribute="userData")
    assert base64.b64decode(attr["UserData"]["Value"]).decode() == script
    first = base64.b64decode(ec2("GetConsoleOutput", InstanceId=iid)["Output"]).decode()
    assert "Running user data script" in first and "yum install -y httpd" in first
    ec2("StopInstances", InstanceIds=[iid])
    lifecycle.settle()
    ec2("StartInstances", InstanceIds=[iid])
    lifecycle.settle()
    second = base64.b64decode(ec2("GetConsoleOutput", InstanceId=iid)["Output"]).decode()
    assert "Running user data script" not in second and "already ran" in second


def test_client_token_idempotency(ec2):
    first = ec2(
        "RunInstances",
        ImageId=AL2023,
        InstanceType="t2.micro",
        MinCount=2,
        MaxCount=2,
        ClientToken="lab-1",
    )
    again = ec2(
        "RunInstances",
        ImageId=AL2023,
        InstanceType="t2.micro",
        MinCount=2,
        MaxCount=2,
        ClientToken="lab-1",
    )
    assert again["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in again["Instances"]] == [
        i["InstanceId"] for i in first["Instances"]
    ]
    assert Instance.objects.count() == 2
    with pytest.raises(AwsError) as err:
        ec2(
            "RunInstances",
            ImageId=AL2023_ARM,
            InstanceType="t4g.micro",
            MinCount=1,
            MaxCount=1,
            ClientToken="lab-1",
        )
    assert err.value.code == "IdempotentParameterMismatch"


def test_quotas(ec2):
    # 32 standard vCPUs: four m5.2xlarge (8 each) fit, a fifth does not.
    launch(ec2, count=4, InstanceType="m5.2xlarge")
    with pytest.raises(AwsError) as err:
        launch(ec2, InstanceType="t2.micro")
    assert err.value.code == "VcpuLimitExceeded"
    assert Instance.objects.count() == 4
    lifecycle.settle()
    ids = [i.resource_id for i in Instance.objects.all()]
    ec2("StopInstances", InstanceIds=ids[:1])
    lifecycle.settle()  # a stopped instance does not count
    # MinCount 1, MaxCount 20: as many as the quota allows are launched.
    out = ec2("RunInstances", ImageId=AL2023, InstanceType="t3.micro", MinCount=1, MaxCount=20)
    assert len(out["Instances"]) == 4  # 8 free vCPUs / 2 per t3.micro
    assert quotas.VCPU_QUOTAS["standard"] == 32


def test_instance_count_quota(ec2, monkeypatch):
    monkeypatch.setattr(quotas, "RUNNING_INSTANCES", 3)
    launch(ec2, count=3)
    with pytest.raises(AwsError) as err:
        launch(ec2)
    assert err.value.code == "InstanceLimitExceeded"
    assert "0 more running instance(s)" in err.value.message


def test_describe_filters_and_paging(ec2):
    web = launch(ec2, count=3, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}])  # fmt: skip
    db = launch(ec2, InstanceType="t3.small", Placement={"AvailabilityZone": "us-east-1b"})
    lifecycle.settle()
    ec2("StopInstances", InstanceIds=[db["InstanceId"]])

    def ids(**kw):
        out = ec2("DescribeInstances", **kw)
        return sorted(i["InstanceId"] for r in out["Reservations"] for i in r["Instances"])

    web_ids = sorted(i["InstanceId"] for i in web)
    assert ids(Filters=[{"Name": "tag:role", "Values": ["web"]}]) == web_ids
    assert ids(Filters=[{"Name": "tag-key", "Values": ["role"]}]) == web_ids
    assert ids(Filters=[{"Name": "instance-state-name", "Values": ["stopping"]}]) == [
        db["InstanceId"]
    ]
    assert ids(Filters=[{"Name": "availability-zone", "Values": ["us-east-1b"]}]) == [
        db["InstanceId"]
    ]
    assert ids(Filters=[{"Name": "instance-type", "Values": ["t2.*"]}]) == web_ids
    assert ids(Filters=[{"Name": "vpc-id", "Values": [db["VpcId"]]}]) == sorted(
        web_ids + [db["InstanceId"]]
    )
    assert ids(Filters=[{"Name": "subnet-id", "Values": [db["SubnetId"]]}]) == [db["InstanceId"]]
    assert ids(Filters=[{"Name": "private-ip-address", "Values": [db["PrivateIpAddress"]]}]) == [
        db["InstanceId"]
    ]
    # One reservation per RunInstances call.
    out = ec2("DescribeInstances")
    assert sorted(len(r["Instances"]) for r in out["Reservations"]) == [1, 3]
    page = ec2("DescribeInstances", MaxResults=5)
    assert "NextToken" not in page
    seen, token = [], None
    for _ in range(3):
        kw = {"MaxResults": 5, **({"NextToken": token} if token else {})}
        out = ec2("DescribeInstances", **kw)
        seen += [i["InstanceId"] for r in out["Reservations"] for i in r["Instances"]]
        token = out.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(web_ids + [db["InstanceId"]])
    with pytest.raises(AwsError) as err:
        ec2("DescribeInstances", InstanceIds=["i-0123456789abcdef0", "i-0123456789abcdef1"])
    assert err.value.code == "InvalidInstanceID.NotFound"
    with pytest.raises(AwsError) as err:
        ec2("DescribeInstances", InstanceIds=["web-1"])
    assert err.value.code == "InvalidInstanceID.Malformed"


def test_instance_status(ec2, settings):
    iid = launch(ec2)["InstanceId"]
    assert ec2("DescribeInstanceStatus")["InstanceStatuses"] == []
    pending = ec2("DescribeInstanceStatus", IncludeAllInstances=True)["InstanceStatuses"]
    assert pending[0]["InstanceState"]["Name"] == "pending"
    lifecycle.settle()
    (status,) = ec2("DescribeInstanceStatus", InstanceIds=[iid])["InstanceStatuses"]
    assert status["InstanceStatus"]["Status"] == "ok"
    assert status["SystemStatus"]["Details"] == [{"Name": "reachability", "Status": "passed"}]
    instance = Instance.objects.get(resource_id=iid)
    assert instance.status_check_label == "2/2 checks passed"


def test_isolation_between_accounts_and_regions(ec2, other_ec2):
    iid = launch(ec2)["InstanceId"]
    assert other_ec2("DescribeInstances")["Reservations"] == []
    for action in ("StopInstances", "TerminateInstances", "DescribeInstances"):
        with pytest.raises(AwsError) as err:
            other_ec2(action, InstanceIds=[iid])
        assert err.value.code == "InvalidInstanceID.NotFound"
    west = ec2.region("eu-west-1")
    assert west("DescribeInstances")["Reservations"] == []
    with pytest.raises(AwsError) as err:
        west("DescribeInstances", InstanceIds=[iid])
    assert err.value.code == "InvalidInstanceID.NotFound"
    assert state(ec2, iid)["State"]["Name"] == "pending"


def test_ec2_13_primary_interface_goes_with_the_instance(ec2):
    inst = launch(ec2)
    eni_id = inst["NetworkInterfaces"][0]["NetworkInterfaceId"]
    eni = NetworkInterface.objects.get(resource_id=eni_id)
    assert (
        eni.instance_id == inst["InstanceId"]
        and eni.availability_zone == inst["Placement"]["AvailabilityZone"]
    )
    lifecycle.settle()
    ec2("TerminateInstances", InstanceIds=[inst["InstanceId"]])
    step()
    assert not NetworkInterface.objects.filter(resource_id=eni_id).exists()
    # Its private address is free for the next launch into the same subnet.
    again = launch(ec2, SubnetId=inst["SubnetId"])
    assert again["PrivateIpAddress"] == inst["PrivateIpAddress"]
