"""Lifecycle rules (S3-05): transitions move objects between storage classes,
expirations delete them (or add delete markers), applied by the lifecycle engine's
beat sweep. Tests run at STRATOLAB_TIME_SCALE=0, where every rule-day is due at once."""

import time

import pytest

from services.core import lifecycle as engine
from services.core.errors import AwsError
from services.s3.models import Bucket, MultipartUpload, ObjectVersion


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="aging")
    return "aging"


def rules(*items):
    return {"Rules": list(items)}


def test_s3_05_transitions_and_expiration(s3, bucket):
    s3("PutObject", Bucket=bucket, Key="logs/a.log", Body=b"a")
    s3("PutObject", Bucket=bucket, Key="tmp/x", Body=b"x")
    s3("PutObject", Bucket=bucket, Key="keep.txt", Body=b"k")
    s3("PutBucketLifecycleConfiguration", Bucket=bucket, LifecycleConfiguration=rules(
        {"ID": "archive-logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                         {"Days": 90, "StorageClass": "GLACIER"}]},
        {"ID": "clean-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
         "Expiration": {"Days": 7}},
        {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": ""},
         "Expiration": {"Days": 1}},
    ))  # fmt: skip
    engine.settle()
    head = s3("HeadObject", Bucket=bucket, Key="logs/a.log")
    assert head["StorageClass"] == "GLACIER"
    with pytest.raises(AwsError) as err:
        s3("HeadObject", Bucket=bucket, Key="tmp/x")
    assert err.value.status == 404
    assert s3.read(bucket, "keep.txt") == b"k"  # the disabled rule did nothing
    got = s3("GetBucketLifecycleConfiguration", Bucket=bucket)
    assert [r["ID"] for r in got["Rules"]] == ["archive-logs", "clean-tmp", "off"]


def test_s3_05_expiration_in_a_versioned_bucket_adds_a_delete_marker(s3, bucket):
    s3("PutBucketVersioning", Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3("PutObject", Bucket=bucket, Key="old", Body=b"1")
    s3("PutObject", Bucket=bucket, Key="old", Body=b"2")
    s3("PutBucketLifecycleConfiguration", Bucket=bucket, LifecycleConfiguration=rules(
        {"ID": "expire", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}},
    ))  # fmt: skip
    engine.settle()
    listed = s3("ListObjectVersions", Bucket=bucket)
    assert len(listed["Versions"]) == 2 and len(listed["DeleteMarkers"]) == 1
    s3("PutBucketLifecycleConfiguration", Bucket=bucket, LifecycleConfiguration=rules(
        {"ID": "noncurrent", "Status": "Enabled", "Filter": {},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
         "Expiration": {"ExpiredObjectDeleteMarker": True}},
    ))  # fmt: skip
    engine.settle()
    engine.settle()
    assert not ObjectVersion.objects.filter(bucket__resource_id=bucket).exists()


def test_abort_incomplete_multipart_uploads(s3, bucket):
    s3("CreateMultipartUpload", Bucket=bucket, Key="left-behind")
    s3("PutBucketLifecycleConfiguration", Bucket=bucket, LifecycleConfiguration=rules(
        {"ID": "abort", "Status": "Enabled", "Filter": {},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
    ))  # fmt: skip
    engine.settle()
    assert not MultipartUpload.objects.exists()


@pytest.mark.parametrize(
    "rule, code",
    [
        ({"ID": "x", "Status": "Enabled", "Filter": {}}, "MalformedXML"),
        ({"ID": "x", "Status": "Maybe", "Filter": {}, "Expiration": {"Days": 1}}, "MalformedXML"),
        ({"ID": "x", "Status": "Enabled", "Filter": {},
          "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}, "InvalidArgument"),
        ({"ID": "x", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 0}},
         "InvalidArgument"),
    ],
)  # fmt: skip
def test_bad_lifecycle_rules(s3, bucket, rule, code):
    with pytest.raises(AwsError) as err:
        s3("PutBucketLifecycleConfiguration", Bucket=bucket, LifecycleConfiguration=rules(rule))
    assert err.value.code == code
    with pytest.raises(AwsError) as err:
        s3("GetBucketLifecycleConfiguration", Bucket=bucket)
    assert err.value.code == "NoSuchLifecycleConfiguration"


@pytest.mark.worker
def test_s3_05_the_beat_sweep_applies_rules(worker, transactional_db, s3):
    s3("CreateBucket", Bucket="beat-aging")
    s3("PutObject", Bucket="beat-aging", Key="logs/a", Body=b"a")
    s3("PutBucketLifecycleConfiguration", Bucket="beat-aging", LifecycleConfiguration=rules(
        {"ID": "ia", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]},
    ))  # fmt: skip
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        row = ObjectVersion.objects.get(key="logs/a")
        if row.storage_class == "STANDARD_IA":
            break
        time.sleep(0.1)
    assert row.storage_class == "STANDARD_IA"
    assert Bucket.objects.get(resource_id="beat-aging").next_state == ""
