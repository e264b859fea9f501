"""S3 through the wire with boto3 against the live server."""

import hashlib

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def s3c(student):
    return student.client("s3")


def test_boto3_round_trip(s3c):
    client = s3c
    client.create_bucket(Bucket="wire-one")
    body = b"hello " * 1000
    out = client.put_object(
        Bucket="wire-one", Key="a b/c+d.txt", Body=body, ContentType="text/plain"
    )
    assert out["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = client.get_object(Bucket="wire-one", Key="a b/c+d.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain"
    listed = client.list_objects_v2(Bucket="wire-one")
    assert [c["Key"] for c in listed["Contents"]] == ["a b/c+d.txt"]
    with pytest.raises(ClientError) as err:
        client.get_object(Bucket="wire-one", Key="missing")
    assert err.value.response["Error"]["Code"] == "NoSuchKey"
