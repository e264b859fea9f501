"""AMIs: the quick-start catalog, DescribeImages filters, attributes, deregistering."""

import pytest

from services.core.errors import AwsError
from services.ec2 import ami_catalog
from services.ec2.models import Image


def _names(out):
    return sorted(i["Name"] for i in out["Images"])


def test_catalog_has_the_quick_start_images(ec2):
    images = ec2("DescribeImages", Owners=["amazon"])["Images"]
    names = [i["Name"] for i in images]
    assert any(n.startswith("al2023-ami-") and n.endswith("x86_64") for n in names)
    assert any(n.startswith("Windows_Server-2022-English-Full-Base") for n in names)
    assert any(n.startswith("suse-sles-15") for n in names)
    assert any(i["Architecture"] == "arm64_mac" for i in images)
    # Canonical publishes Ubuntu under its own account id, without the amazon alias.
    assert not any("ubuntu" in n for n in names)
    ubuntu = ec2("DescribeImages", Owners=["099720109477"])["Images"]
    assert {i["Description"].split(",")[2].strip() for i in ubuntu} == {"24.04 LTS", "22.04 LTS"}
    assert all(i["RootDeviceName"] == "/dev/sda1" for i in ubuntu)


def test_name_wildcards_and_architecture(ec2):
    out = ec2(
        "DescribeImages",
        Owners=["amazon"],
        Filters=[
            {"Name": "name", "Values": ["al2023-ami-2023.*-kernel-6.1-*"]},
            {"Name": "architecture", "Values": ["arm64"]},
        ],
    )
    (image,) = out["Images"]
    assert image["Name"].endswith("-arm64")
    assert image["ImageOwnerAlias"] == "amazon" and image["OwnerId"] == "137112412989"
    assert image["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 8
    assert image["FreeTierEligible"] is True
    windows = ec2("DescribeImages", Filters=[{"Name": "platform", "Values": ["windows"]}])
    (win,) = windows["Images"]
    assert win["PlatformDetails"] == "Windows" and win["UsageOperation"] == "RunInstances:0002"
    alias = ec2("DescribeImages", Filters=[{"Name": "owner-alias", "Values": ["amazon"]}])
    assert _names(alias) == _names(ec2("DescribeImages", Owners=["amazon"]))


def test_ids_are_deterministic_and_regional(ec2):
    al = ami_catalog.default_image()
    east, west = al.image_id("us-east-1"), al.image_id("eu-west-1")
    assert east != west and east.startswith("ami-0") and len(east) == 21
    assert ec2("DescribeImages", ImageIds=[east])["Images"][0]["Name"] == al.name
    # GLB-03: an AMI id is regional; the us-east-1 id does not exist in eu-west-1.
    with pytest.raises(AwsError) as err:
        ec2.region("eu-west-1")("DescribeImages", ImageIds=[east])
    assert err.value.code == "InvalidAMIID.NotFound"


def test_bad_ids_and_owners(ec2):
    with pytest.raises(AwsError) as err:
        ec2("DescribeImages", ImageIds=["ami-nothex"])
    assert err.value.code == "InvalidAMIID.Malformed"
    with pytest.raises(AwsError) as err:
        ec2("DescribeImages", ImageIds=["ami-0123456789abcdef0"])
    assert err.value.code == "InvalidAMIID.NotFound"
    with pytest.raises(AwsError) as err:
        ec2("DescribeImages", Owners=["somebody"])
    assert err.value.code == "InvalidUserID.Malformed"


def test_self_owned_images_paging_and_catalog_attributes(ec2, account):
    for n in range(3):
        Image.objects.create(
            account=account, region="us-east-1", image_name=f"golden-{n}", state="available"
        )
    assert _names(ec2("DescribeImages", Owners=["self"])) == ["golden-0", "golden-1", "golden-2"]
    page = ec2("DescribeImages", Owners=["self"], MaxResults=2)
    assert len(page["Images"]) == 2 and page["NextToken"]
    rest = ec2("DescribeImages", Owners=["self"], MaxResults=2, NextToken=page["NextToken"])
    assert len(rest["Images"]) == 1 and "NextToken" not in rest

    al = ami_catalog.default_image().image_id("us-east-1")
    out = ec2("DescribeImageAttribute", ImageId=al, Attribute="description")
    assert out["Description"]["Value"].startswith("Amazon Linux 2023 AMI")
    with pytest.raises(AwsError) as err:
        ec2("DescribeImageAttribute", ImageId=al, Attribute="launchPermission")
    assert err.value.code == "AuthFailure"
    with pytest.raises(AwsError) as err:
        ec2("DeregisterImage", ImageId=al)
    assert err.value.code == "AuthFailure"
    assert err.value.message == f"Not authorized for image:{al}"


def test_sharing_and_deregistering(ec2, other_ec2, account, other_account):
    image = Image.objects.create(
        account=account, region="us-east-1", image_name="shared-one", state="available"
    )
    assert other_ec2("DescribeImages", Owners=[account.id])["Images"] == []
    ec2(
        "ModifyImageAttribute",
        ImageId=image.resource_id,
        LaunchPermission={"Add": [{"UserId": other_account.id}]},
    )
    perms = ec2("DescribeImageAttribute", ImageId=image.resource_id, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == [{"UserId": other_account.id}]
    assert _names(other_ec2("DescribeImages", Owners=[account.id])) == ["shared-one"]
    assert _names(other_ec2("DescribeImages", ExecutableUsers=["self"])) == ["shared-one"]
    # The other account may launch it but not deregister it.
    with pytest.raises(AwsError) as err:
        other_ec2("DeregisterImage", ImageId=image.resource_id)
    assert err.value.code == "AuthFailure"

    ec2("ModifyImageAttribute", ImageId=image.resource_id, Description={"Value": "v2"})
    assert ec2("DescribeImages", ImageIds=[image.resource_id])["Images"][0]["Description"] == "v2"
    assert ec2("DeregisterImage", ImageId=image.resource_id) == {"Return": True}
    assert not Image.objects.exists()
    with pytest.raises(AwsError) as err:
        ec2("DeregisterImage", ImageId=image.resource_id)
    assert err.value.code == "InvalidAMIID.NotFound"


def test_ec2_15_copy_image_to_another_region(ec2):
    from services.core.lifecycle import settle

    al = ami_catalog.default_image().image_id("us-east-1")
    west = ec2.region("eu-west-1")
    copied = west("CopyImage", SourceImageId=al, SourceRegion="us-east-1", Name="my-al2023")
    image = Image.objects.get(resource_id=copied["ImageId"])
    assert image.region == "eu-west-1" and image.state == "pending"
    settle()
    (out,) = west("DescribeImages", Owners=["self"])["Images"]
    assert out["State"] == "available" and out["SourceImageId"] == al
    snap_id = out["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    (snap,) = west("DescribeSnapshots", SnapshotIds=[snap_id])["Snapshots"]
    assert snap["State"] == "completed" and copied["ImageId"] in snap["Description"]
    # Only the copy lives in eu-west-1 (GLB-03): us-east-1 has no image of ours.
    assert ec2("DescribeImages", Owners=["self"])["Images"] == []
    with pytest.raises(AwsError) as err:
        west("CopyImage", SourceImageId=al, SourceRegion="us-east-1", Name="my-al2023")
    assert err.value.code == "InvalidAMIName.Duplicate"
