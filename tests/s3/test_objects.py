"""Objects: bodies stored and returned byte for byte, ETags, digests, metadata, ranges,
conditional requests, copies, deletes, storage classes (S3-02, S3-05)."""

import base64
import datetime as dt
import hashlib

import pytest

from services.core.errors import AwsError
from services.s3 import storage
from services.s3.models import ObjectVersion


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="objects")
    return "objects"


def test_put_and_get_byte_for_byte(s3, bucket):
    body = bytes(range(256)) * 1000
    out = s3("PutObject", Bucket=bucket, Key="dir/data.bin", Body=body,
             ContentType="application/x-test", Metadata={"Owner": "Ada"})  # fmt: skip
    assert out["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert out["ServerSideEncryption"] == "AES256"
    assert "VersionId" not in out  # never-versioned bucket
    got = s3("GetObject", Bucket=bucket, Key="dir/data.bin")
    assert got["Body"].read() == body
    got["Body"].close()
    assert got["ContentLength"] == len(body)
    assert got["ContentType"] == "application/x-test"
    assert got["Metadata"] == {"owner": "Ada"}
    # The bytes live in a file under the home folder, not in the database.
    row = ObjectVersion.objects.get(key="dir/data.bin")
    assert storage.path_of(row.blob).read_bytes() == body


def test_default_content_type_and_empty_objects(s3, bucket):
    s3("PutObject", Bucket=bucket, Key="folder/")
    head = s3("HeadObject", Bucket=bucket, Key="folder/")
    assert head["ContentLength"] == 0
    assert head["ContentType"] == "binary/octet-stream"
    assert head["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert s3.read(bucket, "folder/") == b""


def test_missing_key_is_no_such_key(s3, bucket):
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="nope.txt")
    assert (err.value.code, err.value.status) == ("NoSuchKey", 404)
    assert err.value.message == "The specified key does not exist."
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket="no-such-bucket-here", Key="x")
    assert err.value.code == "NoSuchBucket"


def test_content_md5_bad_digest_and_invalid_digest(s3, bucket):
    body = b"hello world"
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(AwsError) as err:
        s3("PutObject", Bucket=bucket, Key="h.txt", Body=body, ContentMD5=wrong)
    assert (err.value.code, err.value.status) == ("BadDigest", 400)
    with pytest.raises(AwsError) as err:
        s3("PutObject", Bucket=bucket, Key="h.txt", Body=body, ContentMD5="not-base64!")
    assert err.value.code == "InvalidDigest"
    assert not ObjectVersion.objects.exists()
    right = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3("PutObject", Bucket=bucket, Key="h.txt", Body=body, ContentMD5=right)
    assert s3.read(bucket, "h.txt") == body


def test_checksum_headers_are_checked(s3, bucket):
    import zlib

    body = b"checksummed"
    good = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    out = s3("PutObject", Bucket=bucket, Key="c", Body=body, ChecksumCRC32=good)
    assert out["ChecksumCRC32"] == good
    with pytest.raises(AwsError) as err:
        s3("PutObject", Bucket=bucket, Key="c", Body=body, ChecksumCRC32="AAAAAA==")
    assert err.value.code == "BadDigest"
    assert "CRC32" in err.value.message
    sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
    out = s3("PutObject", Bucket=bucket, Key="s", Body=body, ChecksumSHA256=sha)
    assert out["ChecksumSHA256"] == sha
    head = s3("HeadObject", Bucket=bucket, Key="s", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == sha


def test_range_gets(s3, bucket):
    body = b"0123456789"
    s3("PutObject", Bucket=bucket, Key="r", Body=body)
    for header, expected, content_range in [
        ("bytes=0-3", b"0123", "bytes 0-3/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=-2", b"89", "bytes 8-9/10"),
        ("bytes=5-100", b"56789", "bytes 5-9/10"),
    ]:
        out = s3("GetObject", Bucket=bucket, Key="r", Range=header)
        assert out["Body"].read() == expected
        out["Body"].close()
        assert out["StatusCode"] == 206
        assert out["ContentRange"] == content_range
        assert out["ContentLength"] == len(expected)
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="r", Range="bytes=10-20")
    assert (err.value.code, err.value.status) == ("InvalidRange", 416)
    # A header S3 does not understand is ignored: the whole object.
    out = s3("GetObject", Bucket=bucket, Key="r", Range="lines=1-2")
    assert out["Body"].read() == body
    out["Body"].close()


def test_conditional_gets(s3, bucket):
    s3("PutObject", Bucket=bucket, Key="c", Body=b"v1")
    head = s3("HeadObject", Bucket=bucket, Key="c")
    etag, modified = head["ETag"], head["LastModified"]
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert err.value.status == 304
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="c", IfMatch='"0000"')
    assert (err.value.code, err.value.status) == ("PreconditionFailed", 412)
    later = modified + dt.timedelta(hours=1)
    earlier = modified - dt.timedelta(hours=1)
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="c", IfModifiedSince=later)
    assert err.value.status == 304
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="c", IfUnmodifiedSince=earlier)
    assert err.value.status == 412
    # If-Match that holds wins over a failing If-Unmodified-Since (S3's rule).
    assert s3.read(bucket, "c", IfMatch=etag, IfUnmodifiedSince=earlier) == b"v1"
    assert s3.read(bucket, "c", IfModifiedSince=earlier) == b"v1"
    # Conditional writes.
    with pytest.raises(AwsError) as err:
        s3("PutObject", Bucket=bucket, Key="c", Body=b"v2", IfNoneMatch="*")
    assert err.value.status == 412
    s3("PutObject", Bucket=bucket, Key="c", Body=b"v2", IfMatch=etag)
    assert s3.read(bucket, "c") == b"v2"


def test_copy_object_with_metadata_directive(s3, bucket):
    s3("PutObject", Bucket=bucket, Key="src", Body=b"payload", ContentType="text/plain",
       Metadata={"a": "1"})  # fmt: skip
    out = s3("CopyObject", Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    assert out["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    head = s3("HeadObject", Bucket=bucket, Key="dst")
    assert (head["ContentType"], head["Metadata"]) == ("text/plain", {"a": "1"})
    s3("CopyObject", Bucket=bucket, Key="dst2", CopySource=f"/{bucket}/src",
       MetadataDirective="REPLACE", ContentType="text/csv", Metadata={"b": "2"})  # fmt: skip
    head = s3("HeadObject", Bucket=bucket, Key="dst2")
    assert (head["ContentType"], head["Metadata"]) == ("text/csv", {"b": "2"})
    assert s3.read(bucket, "dst2") == b"payload"
    with pytest.raises(AwsError) as err:
        s3("CopyObject", Bucket=bucket, Key="src", CopySource=f"{bucket}/src")
    assert err.value.code == "InvalidRequest"
    # Copying in place with a new storage class is allowed.
    s3("CopyObject", Bucket=bucket, Key="src", CopySource=f"{bucket}/src",
       StorageClass="STANDARD_IA")  # fmt: skip
    assert s3("HeadObject", Bucket=bucket, Key="src")["StorageClass"] == "STANDARD_IA"


def test_delete_objects(s3, bucket):
    for key in ("a", "b", "c"):
        s3("PutObject", Bucket=bucket, Key=key, Body=key.encode())
    out = s3("DeleteObjects", Bucket=bucket,
             Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "missing"}]})  # fmt: skip
    assert sorted(d["Key"] for d in out["Deleted"]) == ["a", "b", "missing"]
    left = s3("ListObjectsV2", Bucket=bucket)
    assert [c["Key"] for c in left["Contents"]] == ["c"]


def test_s3_02_single_put_limit(s3, bucket):
    from services.s3 import objects

    assert objects.MAX_PUT == 5 * 1024**3
    assert objects.MAX_OBJECT == 5 * 1024**4


@pytest.mark.parametrize(
    "storage_class",
    ["STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR"],
)
def test_s3_05_storage_classes_readable_at_once(s3, bucket, storage_class):
    s3("PutObject", Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    head = s3("HeadObject", Bucket=bucket, Key="k")
    assert head.get("StorageClass", "STANDARD") == storage_class
    assert s3.read(bucket, "k") == b"x"


def test_s3_05_invalid_storage_class(s3, bucket):
    with pytest.raises(AwsError) as err:
        s3("PutObject", Bucket=bucket, Key="k", Body=b"x", StorageClass="COLD")
    assert err.value.code == "InvalidStorageClass"


def test_s3_05_glacier_needs_a_restore(s3, bucket, settings):
    from services.core import lifecycle

    settings.STRATOLAB_TIME_SCALE = 1
    settings.STRATOLAB_LIFECYCLE_SECONDS = {
        **settings.STRATOLAB_LIFECYCLE_SECONDS,
        "s3.restore.Standard": 0,
        "s3.restore.deep-archive.Standard": 0,
        "s3.lifecycle.day": 3600,
    }
    for storage_class in ("GLACIER", "DEEP_ARCHIVE"):
        key = f"archive-{storage_class}"
        s3("PutObject", Bucket=bucket, Key=key, Body=b"cold", StorageClass=storage_class)
        with pytest.raises(AwsError) as err:
            s3("GetObject", Bucket=bucket, Key=key)
        assert (err.value.code, err.value.status) == ("InvalidObjectState", 403)
        request = {"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}}
        out = s3("RestoreObject", Bucket=bucket, Key=key, RestoreRequest=request)
        assert out["StatusCode"] == 202
        assert s3("HeadObject", Bucket=bucket, Key=key)["Restore"] == 'ongoing-request="true"'
        with pytest.raises(AwsError) as err:
            s3("RestoreObject", Bucket=bucket, Key=key, RestoreRequest={"Days": 2})
        assert err.value.code == "RestoreAlreadyInProgress"
        lifecycle.sweep()
        assert 'ongoing-request="false"' in s3("HeadObject", Bucket=bucket, Key=key)["Restore"]
        assert s3.read(bucket, key) == b"cold"
    with pytest.raises(AwsError) as err:
        s3("RestoreObject", Bucket=bucket, Key="archive-GLACIER-none",
           RestoreRequest={"Days": 1})  # fmt: skip
    assert err.value.code == "NoSuchKey"
    s3("PutObject", Bucket=bucket, Key="warm", Body=b"x")
    with pytest.raises(AwsError) as err:
        s3("RestoreObject", Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert err.value.code == "InvalidObjectState"


def test_object_tagging(s3, bucket):
    s3("PutObject", Bucket=bucket, Key="t", Body=b"x", Tagging="team=blue&env=dev")
    assert s3("GetObjectTagging", Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "env", "Value": "dev"},
        {"Key": "team", "Value": "blue"},
    ]
    assert s3("HeadObject", Bucket=bucket, Key="t")["TagCount"] == 2
    s3("PutObjectTagging", Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert s3("GetObjectTagging", Bucket=bucket, Key="t")["TagSet"] == [{"Key": "a", "Value": "b"}]
    s3("PutBucketTagging", Bucket=bucket, Tagging={"TagSet": [{"Key": "cost", "Value": "1"}]})
    assert s3("GetBucketTagging", Bucket=bucket)["TagSet"] == [{"Key": "cost", "Value": "1"}]


def test_orphaned_bodies_are_swept(s3, bucket):
    import os
    import time

    s3("PutObject", Bucket=bucket, Key="kept", Body=b"kept")
    kept = ObjectVersion.objects.get(key="kept").blob
    orphan = storage.path_of(f"{s3.ctx.account.id}/ab/orphan-from-a-crash")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"lost")
    old = time.time() - 2 * storage.ORPHAN_AGE_SECONDS
    for path in (orphan, storage.path_of(kept)):
        os.utime(path, (old, old))
    assert storage.sweep_orphans() >= 1
    assert not orphan.exists()
    assert storage.path_of(kept).exists()  # a body a row names stays
