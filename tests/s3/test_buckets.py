"""Buckets: names (S3-01), regions, ownership, deleting."""

import pytest

from services.core.errors import AwsError
from services.s3 import names
from services.s3.models import Bucket


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # too short
        "a" * 64,  # too long
        "My-Bucket",  # uppercase
        "my_bucket",  # underscore
        "-bucket",  # must start with a letter or number
        "bucket-",  # must end with a letter or number
        "my..bucket",  # adjacent periods
        "my.-bucket",  # period next to hyphen
        "192.168.5.4",  # an IP address
        "xn--bucket",  # reserved prefix
        "sthree-bucket",
        "bucket-s3alias",  # reserved suffix
        "bucket--ol-s3",
    ],
)
def test_s3_01_invalid_bucket_names_are_refused(s3, name):
    with pytest.raises(AwsError) as err:
        s3("CreateBucket", Bucket=name)
    assert err.value.code == "InvalidBucketName"
    assert err.value.message == "The specified bucket is not valid."
    assert err.value.status == 400
    assert not Bucket.objects.exists()
    assert names.problem(name)  # the console names the rule


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket-1", "logs-2024.example"])
def test_s3_01_valid_bucket_names(s3, name):
    out = s3("CreateBucket", Bucket=name)
    assert out["Location"] == f"/{name}"
    assert names.problem(name) is None


def test_s3_01_bucket_names_are_global(s3, other_s3):
    s3("CreateBucket", Bucket="shared-name")
    with pytest.raises(AwsError) as err:
        other_s3("CreateBucket", Bucket="shared-name")
    assert (err.value.code, err.value.status) == ("BucketAlreadyExists", 409)
    # Even from another region, the name is taken.
    with pytest.raises(AwsError) as err:
        other_s3.region("eu-west-1")(
            "CreateBucket",
            Bucket="shared-name",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
    assert err.value.code == "BucketAlreadyExists"


def test_recreating_your_own_bucket(s3):
    s3("CreateBucket", Bucket="mine")
    # us-east-1 keeps its legacy answer: 200 OK.
    assert s3("CreateBucket", Bucket="mine")["Location"] == "/mine"
    eu = s3.region("eu-west-1")
    eu(
        "CreateBucket",
        Bucket="mine-eu",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    with pytest.raises(AwsError) as err:
        eu("CreateBucket", Bucket="mine-eu",
           CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})  # fmt: skip
    assert (err.value.code, err.value.status) == ("BucketAlreadyOwnedByYou", 409)


def test_location_constraints(s3):
    eu = s3.region("eu-west-1")
    with pytest.raises(AwsError) as err:
        eu("CreateBucket", Bucket="no-constraint")
    assert err.value.code == "IllegalLocationConstraintException"
    assert "unspecified location constraint" in err.value.message
    with pytest.raises(AwsError) as err:
        eu("CreateBucket", Bucket="wrong-one",
           CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})  # fmt: skip
    assert err.value.code == "IllegalLocationConstraintException"
    with pytest.raises(AwsError) as err:
        s3("CreateBucket", Bucket="explicit-east",
           CreateBucketConfiguration={"LocationConstraint": "us-east-1"})  # fmt: skip
    assert err.value.code == "InvalidLocationConstraint"
    with pytest.raises(AwsError) as err:
        s3(
            "CreateBucket",
            Bucket="mars",
            CreateBucketConfiguration={"LocationConstraint": "mars-1"},
        )
    assert err.value.code == "InvalidLocationConstraint"
    assert not Bucket.objects.exists()
    eu(
        "CreateBucket",
        Bucket="in-eu",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    assert s3("GetBucketLocation", Bucket="in-eu") == {"LocationConstraint": "eu-west-1"}
    s3("CreateBucket", Bucket="in-east")
    assert s3("GetBucketLocation", Bucket="in-east") == {"LocationConstraint": None}
    assert s3("HeadBucket", Bucket="in-eu")["BucketRegion"] == "eu-west-1"


def test_list_buckets_shows_every_region_and_only_the_account(s3, other_s3):
    s3("CreateBucket", Bucket="b-east")
    eu = {"LocationConstraint": "eu-west-1"}
    s3.region("eu-west-1")("CreateBucket", Bucket="a-eu", CreateBucketConfiguration=eu)
    other_s3("CreateBucket", Bucket="not-mine")
    out = s3.region("ap-south-1")("ListBuckets")
    assert [(b["Name"], b["BucketRegion"]) for b in out["Buckets"]] == [
        ("a-eu", "eu-west-1"),
        ("b-east", "us-east-1"),
    ]
    assert len(out["Owner"]["ID"]) == 64


def test_new_buckets_are_private_and_encrypted(s3):
    s3("CreateBucket", Bucket="defaults")
    pab = s3("GetPublicAccessBlock", Bucket="defaults")["PublicAccessBlockConfiguration"]
    assert pab == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    rule = s3("GetBucketEncryption", Bucket="defaults")["ServerSideEncryptionConfiguration"]
    assert rule["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    ownership = s3("GetBucketOwnershipControls", Bucket="defaults")["OwnershipControls"]
    assert ownership == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_delete_bucket_only_when_empty(s3):
    s3("CreateBucket", Bucket="full")
    s3("PutObject", Bucket="full", Key="a.txt", Body=b"a")
    with pytest.raises(AwsError) as err:
        s3("DeleteBucket", Bucket="full")
    assert (err.value.code, err.value.status) == ("BucketNotEmpty", 409)
    s3("DeleteObject", Bucket="full", Key="a.txt")
    s3("DeleteBucket", Bucket="full")
    with pytest.raises(AwsError) as err:
        s3("HeadBucket", Bucket="full")
    assert (err.value.code, err.value.status) == ("NoSuchBucket", 404)


def test_another_accounts_bucket_is_access_denied(s3, other_s3):
    s3("CreateBucket", Bucket="private-one")
    s3("PutObject", Bucket="private-one", Key="secret", Body=b"x")
    for action, params in [
        ("ListObjectsV2", {}),
        ("GetObject", {"Key": "secret"}),
        ("PutObject", {"Key": "x", "Body": b"y"}),
        ("DeleteBucket", {}),
    ]:
        with pytest.raises(AwsError) as err:
            other_s3(action, Bucket="private-one", **params)
        assert (err.value.code, err.value.status) == ("AccessDenied", 403), action
