"""Versioning (S3-04): every version kept, delete markers, suspend but never off."""

import pytest

from services.core.errors import AwsError


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="versioned")
    s3("PutBucketVersioning", Bucket="versioned",
       VersioningConfiguration={"Status": "Enabled"})  # fmt: skip
    return "versioned"


def test_s3_04_every_write_keeps_a_version(s3, bucket):
    first = s3("PutObject", Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    second = s3("PutObject", Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert first != second and len(first) == 32
    assert s3.read(bucket, "k") == b"two"
    assert s3.read(bucket, "k", VersionId=first) == b"one"
    listed = s3("ListObjectVersions", Bucket=bucket)
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [
        (second, True),
        (first, False),
    ]


def test_s3_04_delete_adds_a_delete_marker_and_old_versions_restore(s3, bucket):
    first = s3("PutObject", Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    out = s3("DeleteObject", Bucket=bucket, Key="k")
    assert out["DeleteMarker"] is True
    marker = out["VersionId"]
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="k")
    assert err.value.code == "NoSuchKey"
    assert err.value.headers["x-amz-delete-marker"] == "true"
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="k", VersionId=marker)
    assert (err.value.code, err.value.status) == ("MethodNotAllowed", 405)
    assert "Contents" not in s3("ListObjectsV2", Bucket=bucket)
    listed = s3("ListObjectVersions", Bucket=bucket)
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [marker]
    assert listed["DeleteMarkers"][0]["IsLatest"] is True
    # Restoring an old version: copy it over the key (the console's way) ...
    s3("CopyObject", Bucket=bucket, Key="k", CopySource=f"{bucket}/k?versionId={first}")
    assert s3.read(bucket, "k") == b"one"
    # ... or remove the delete marker.
    s3("PutObject", Bucket=bucket, Key="j", Body=b"j1")
    gone = s3("DeleteObject", Bucket=bucket, Key="j")["VersionId"]
    s3("DeleteObject", Bucket=bucket, Key="j", VersionId=gone)
    assert s3.read(bucket, "j") == b"j1"


def test_s3_04_deleting_a_version_for_good(s3, bucket):
    first = s3("PutObject", Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    second = s3("PutObject", Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    out = s3("DeleteObject", Bucket=bucket, Key="k", VersionId=second)
    assert out == {"VersionId": second}
    assert s3.read(bucket, "k") == b"one"  # the older version is the latest again
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="k", VersionId=second)
    assert err.value.code == "NoSuchVersion"
    with pytest.raises(AwsError) as err:
        s3("GetObject", Bucket=bucket, Key="k", VersionId="bogus")
    assert err.value.code == "InvalidArgument"
    assert s3("ListObjectVersions", Bucket=bucket)["Versions"][0]["VersionId"] == first


def test_s3_04_suspended_not_off(s3, bucket):
    kept = s3("PutObject", Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
    s3("PutBucketVersioning", Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3("GetBucketVersioning", Bucket=bucket) == {"Status": "Suspended"}
    assert s3("PutObject", Bucket=bucket, Key="k", Body=b"n1")["VersionId"] == "null"
    assert s3("PutObject", Bucket=bucket, Key="k", Body=b"n2")["VersionId"] == "null"
    versions = s3("ListObjectVersions", Bucket=bucket)["Versions"]
    # The null version is replaced, the versions with ids stay.
    assert [v["VersionId"] for v in versions] == ["null", kept]
    assert s3.read(bucket, "k") == b"n2"
    out = s3("DeleteObject", Bucket=bucket, Key="k")
    assert out == {"DeleteMarker": True, "VersionId": "null"}
    with pytest.raises(AwsError) as err:
        s3("PutBucketVersioning", Bucket=bucket, VersioningConfiguration={"Status": "Off"})
    assert err.value.code == "MalformedXML"
    assert s3("GetBucketVersioning", Bucket=bucket)["Status"] == "Suspended"


def test_never_versioned_bucket(s3):
    s3("CreateBucket", Bucket="plain")
    assert s3("GetBucketVersioning", Bucket="plain") == {}
    out = s3("PutObject", Bucket="plain", Key="k", Body=b"x")
    assert "VersionId" not in out
    assert s3("ListObjectVersions", Bucket="plain")["Versions"][0]["VersionId"] == "null"
    assert s3("DeleteObject", Bucket="plain", Key="k") == {}
    assert "Versions" not in s3("ListObjectVersions", Bucket="plain")


def test_versions_listing_pages(s3, bucket):
    for i in range(3):
        s3("PutObject", Bucket=bucket, Key="a", Body=str(i).encode())
    s3("PutObject", Bucket=bucket, Key="b", Body=b"b")
    seen, params = [], {"MaxKeys": 2}
    while True:
        page = s3("ListObjectVersions", Bucket=bucket, **params)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        params = {"MaxKeys": 2, "KeyMarker": page["NextKeyMarker"],
                  "VersionIdMarker": page["NextVersionIdMarker"]}  # fmt: skip
    assert [k for k, _ in seen] == ["a", "a", "a", "b"]
    assert len(set(seen)) == 4
