"""EBS: volumes, attachments and snapshots (the EBS rules of FIDELITY.md)."""

import pytest

from services.core import lifecycle
from services.core.errors import AwsError
from services.ec2 import ami_catalog
from services.ec2.models import Image, Snapshot, Volume, VolumeAttachment

AL2023 = ami_catalog.default_image().image_id("us-east-1")


def volume(ec2, zone="us-east-1a", size=10, **params):
    out = ec2("CreateVolume", AvailabilityZone=zone, Size=size, **params)
    lifecycle.settle()
    return out["VolumeId"]


def instance(ec2, zone="us-east-1a"):
    out = ec2(
        "RunInstances",
        ImageId=AL2023,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        Placement={"AvailabilityZone": zone},
    )
    lifecycle.settle()
    return out["Instances"][0]["InstanceId"]


def test_ebs_01_attach_only_in_the_same_az(ec2):
    iid = instance(ec2, "us-east-1a")
    other_zone = volume(ec2, "us-east-1b")
    with pytest.raises(AwsError) as err:
        ec2("AttachVolume", VolumeId=other_zone, InstanceId=iid, Device="/dev/sdf")
    assert err.value.code == "InvalidVolume.ZoneMismatch"
    assert Volume.objects.get(resource_id=other_zone).state == "available"
    same_zone = volume(ec2, "us-east-1a")
    out = ec2("AttachVolume", VolumeId=same_zone, InstanceId=iid, Device="/dev/sdf")
    assert out["State"] == "attaching" and out["Device"] == "/dev/sdf"
    assert out["DeleteOnTermination"] is False
    (vol,) = ec2("DescribeVolumes", VolumeIds=[same_zone])["Volumes"]
    assert vol["State"] == "in-use" and vol["Attachments"][0]["State"] == "attaching"
    lifecycle.settle()
    (vol,) = ec2("DescribeVolumes", VolumeIds=[same_zone])["Volumes"]
    assert vol["Attachments"][0]["State"] == "attached"
    devices = [m["DeviceName"] for m in ec2("DescribeInstances", InstanceIds=[iid])[
        "Reservations"][0]["Instances"][0]["BlockDeviceMappings"]]  # fmt: skip
    assert devices == ["/dev/xvda", "/dev/sdf"]


def test_ebs_02_one_instance_at_a_time_unless_multi_attach(ec2):
    first, second = instance(ec2), instance(ec2)
    vol = volume(ec2)
    ec2("AttachVolume", VolumeId=vol, InstanceId=first, Device="/dev/sdf")
    with pytest.raises(AwsError) as err:
        ec2("AttachVolume", VolumeId=vol, InstanceId=second, Device="/dev/sdf")
    assert err.value.code == "VolumeInUse"
    shared = volume(ec2, size=10, VolumeType="io2", Iops=1000, MultiAttachEnabled=True)
    ec2("AttachVolume", VolumeId=shared, InstanceId=first, Device="/dev/sdg")
    ec2("AttachVolume", VolumeId=shared, InstanceId=second, Device="/dev/sdg")
    assert VolumeAttachment.objects.filter(volume__resource_id=shared).count() == 2


def test_attach_errors(ec2):
    iid = instance(ec2)
    vol = volume(ec2)
    with pytest.raises(AwsError) as err:
        ec2("AttachVolume", VolumeId=vol, InstanceId=iid, Device="/dev/xvda")
    assert err.value.code == "InvalidParameterValue"  # the root device is taken
    with pytest.raises(AwsError) as err:
        ec2("AttachVolume", VolumeId=vol, InstanceId=iid, Device="disk2")
    assert err.value.code == "InvalidParameterValue"
    with pytest.raises(AwsError) as err:
        ec2("AttachVolume", VolumeId=vol, InstanceId="i-0123456789abcdef0", Device="/dev/sdf")
    assert err.value.code == "InvalidInstanceID.NotFound"
    assert Volume.objects.get(resource_id=vol).state == "available"


def test_detach_and_delete(ec2):
    iid = instance(ec2)
    vol = volume(ec2)
    with pytest.raises(AwsError) as err:
        ec2("DetachVolume", VolumeId=vol)
    assert err.value.code == "IncorrectState"
    ec2("AttachVolume", VolumeId=vol, InstanceId=iid, Device="/dev/sdf")
    lifecycle.settle()
    with pytest.raises(AwsError) as err:
        ec2("DeleteVolume", VolumeId=vol)
    assert err.value.code == "VolumeInUse"
    out = ec2("DetachVolume", VolumeId=vol)
    assert out["State"] == "detaching"
    lifecycle.settle()
    (desc,) = ec2("DescribeVolumes", VolumeIds=[vol])["Volumes"]
    assert desc["State"] == "available" and desc["Attachments"] == []
    ec2("DeleteVolume", VolumeId=vol)
    lifecycle.settle()
    assert not Volume.objects.filter(resource_id=vol).exists()


def test_root_volume_detaches_only_when_stopped(ec2):
    iid = instance(ec2)
    root = Volume.objects.get(attachments__device="/dev/xvda").resource_id
    with pytest.raises(AwsError) as err:
        ec2("DetachVolume", VolumeId=root)
    assert err.value.code == "OperationNotPermitted"
    ec2("StopInstances", InstanceIds=[iid])
    lifecycle.settle()
    ec2("DetachVolume", VolumeId=root)
    lifecycle.settle()
    assert Volume.objects.get(resource_id=root).state == "available"


@pytest.mark.parametrize(
    ("volume_type", "size", "ok"),
    [
        ("gp3", 1, True),
        ("gp3", 16384, True),
        ("gp3", 16385, False),
        ("io1", 3, False),
        ("st1", 124, False),
        ("st1", 125, True),
        ("sc1", 16384, True),
    ],
)
def test_ebs_04_volume_type_sizes(ec2, volume_type, size, ok):
    params = {"Iops": 100} if volume_type == "io1" else {}
    if ok:
        volume(ec2, size=size, VolumeType=volume_type, **params)
    else:
        with pytest.raises(AwsError) as err:
            volume(ec2, size=size, VolumeType=volume_type, **params)
        assert err.value.code == "InvalidParameterValue"
        assert not Volume.objects.exists()


def test_snapshot_lifecycle_and_delete(ec2):
    vol = volume(ec2, size=20)
    snap = ec2(
        "CreateSnapshot",
        VolumeId=vol,
        Description="before upgrade",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    assert snap["State"] == "pending" and snap["Progress"] == "0%"
    assert snap["VolumeSize"] == 20 and snap["OwnerId"] == ec2.ctx.account.id
    lifecycle.settle()
    (done,) = ec2("DescribeSnapshots", OwnerIds=["self"])["Snapshots"]
    assert done["State"] == "completed" and done["Progress"] == "100%"
    assert done["Tags"] == [{"Key": "k", "Value": "v"}]
    assert (
        ec2("DescribeSnapshots", Filters=[{"Name": "volume-id", "Values": [vol]}])["Snapshots"][0][
            "SnapshotId"
        ]
        == snap["SnapshotId"]
    )
    ec2("DeleteSnapshot", SnapshotId=snap["SnapshotId"])
    assert ec2("DescribeSnapshots", OwnerIds=["self"])["Snapshots"] == []
    with pytest.raises(AwsError) as err:
        ec2("DeleteSnapshot", SnapshotId=snap["SnapshotId"])
    assert err.value.code == "InvalidSnapshot.NotFound"


def test_ebs_05_volume_from_snapshot_in_any_az(ec2):
    vol = volume(ec2, "us-east-1a", size=30)
    snap = ec2("CreateSnapshot", VolumeId=vol)["SnapshotId"]
    with pytest.raises(AwsError) as err:
        ec2("CreateVolume", AvailabilityZone="us-east-1c", SnapshotId=snap)
    assert err.value.code == "IncorrectState"  # still pending
    lifecycle.settle()
    restored = ec2("CreateVolume", AvailabilityZone="us-east-1c", SnapshotId=snap)
    assert restored["Size"] == 30 and restored["SnapshotId"] == snap
    assert restored["AvailabilityZone"] == "us-east-1c"
    with pytest.raises(AwsError) as err:
        ec2("CreateVolume", AvailabilityZone="us-east-1c", SnapshotId=snap, Size=10)
    assert err.value.code == "InvalidParameterValue"
    # Snapshots are regional: eu-west-1 does not see it until it is copied there.
    west = ec2.region("eu-west-1")
    with pytest.raises(AwsError) as err:
        west("CreateVolume", AvailabilityZone="eu-west-1a", SnapshotId=snap)
    assert err.value.code == "InvalidSnapshot.NotFound"
    copy = west("CopySnapshot", SourceRegion="us-east-1", SourceSnapshotId=snap)["SnapshotId"]
    lifecycle.settle()
    assert west("CreateVolume", AvailabilityZone="eu-west-1b", SnapshotId=copy)["Size"] == 30


def test_ebs_06_encryption_follows_snapshots(ec2):
    vol = volume(ec2, Encrypted=True)
    snap = ec2("CreateSnapshot", VolumeId=vol)
    assert snap["Encrypted"] is True
    lifecycle.settle()
    restored = ec2("CreateVolume", AvailabilityZone="us-east-1b", SnapshotId=snap["SnapshotId"])
    assert restored["Encrypted"] is True


def test_ec2_15_image_from_instance_and_snapshot_in_use(ec2):
    iid = instance(ec2)
    out = ec2("CreateImage", InstanceId=iid, Name="web-golden", Description="v1")
    image = Image.objects.get(resource_id=out["ImageId"])
    assert image.state == "pending"
    (snap,) = Snapshot.objects.all()
    assert snap.description == f"Created by CreateImage({iid}) for {out['ImageId']}"
    with pytest.raises(AwsError) as err:
        ec2("RunInstances", ImageId=out["ImageId"], InstanceType="t3.micro", MinCount=1, MaxCount=1)
    assert err.value.code == "InvalidAMIID.Unavailable"
    lifecycle.settle()
    (desc,) = ec2("DescribeImages", Owners=["self"])["Images"]
    assert desc["State"] == "available" and desc["SourceInstanceId"] == iid
    assert desc["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == snap.resource_id
    launched = ec2(
        "RunInstances", ImageId=out["ImageId"], InstanceType="t3.micro", MinCount=1, MaxCount=1
    )["Instances"][0]
    assert launched["ImageId"] == out["ImageId"]
    with pytest.raises(AwsError) as err:
        ec2("DeleteSnapshot", SnapshotId=snap.resource_id)
    assert err.value.code == "InvalidSnapshot.InUse"
    with pytest.raises(AwsError) as err:
        ec2("CreateImage", InstanceId=iid, Name="web-golden")
    assert err.value.code == "InvalidAMIName.Duplicate"
    ec2("DeregisterImage", ImageId=out["ImageId"])
    ec2("DeleteSnapshot", SnapshotId=snap.resource_id)
    assert not Snapshot.objects.exists()
