"""Multipart upload: parts, ETags, the size and order rules."""

import hashlib

import pytest

from services.core.errors import AwsError
from services.s3.models import MultipartUpload, UploadPart

MiB = 1024 * 1024


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="parts")
    return "parts"


def _start(s3, bucket, key="big"):
    return s3("CreateMultipartUpload", Bucket=bucket, Key=key, ContentType="video/mp4")["UploadId"]


def test_multipart_etag_and_body(s3, bucket):
    upload = _start(s3, bucket)
    chunks = [b"a" * (5 * MiB), b"b" * (5 * MiB), b"tail"]
    etags = [
        s3("UploadPart", Bucket=bucket, Key="big", UploadId=upload, PartNumber=i + 1, Body=chunk)[
            "ETag"
        ]  # fmt: skip
        for i, chunk in enumerate(chunks)
    ]
    listed = s3("ListParts", Bucket=bucket, Key="big", UploadId=upload)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2, 3]
    out = s3("CompleteMultipartUpload", Bucket=bucket, Key="big", UploadId=upload,
             MultipartUpload={"Parts": [{"PartNumber": i + 1, "ETag": e}
                                        for i, e in enumerate(etags)]})  # fmt: skip
    expected = hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks)).hexdigest()
    assert out["ETag"] == f'"{expected}-3"'
    assert s3.read(bucket, "big") == b"".join(chunks)
    head = s3("HeadObject", Bucket=bucket, Key="big", PartNumber=2)
    assert (head["ContentLength"], head["PartsCount"]) == (5 * MiB, 3)
    assert head["ContentType"] == "video/mp4"
    assert not MultipartUpload.objects.exists() and not UploadPart.objects.exists()


def test_entity_too_small_invalid_part_and_order(s3, bucket):
    upload = _start(s3, bucket)
    small = s3("UploadPart", Bucket=bucket, Key="big", UploadId=upload, PartNumber=1,
               Body=b"x" * 100)["ETag"]  # fmt: skip
    last = s3("UploadPart", Bucket=bucket, Key="big", UploadId=upload, PartNumber=2,
              Body=b"y")["ETag"]  # fmt: skip
    parts = [{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}]
    with pytest.raises(AwsError) as err:
        s3("CompleteMultipartUpload", Bucket=bucket, Key="big", UploadId=upload,
           MultipartUpload={"Parts": parts})  # fmt: skip
    assert err.value.code == "EntityTooSmall"
    with pytest.raises(AwsError) as err:
        s3("CompleteMultipartUpload", Bucket=bucket, Key="big", UploadId=upload,
           MultipartUpload={"Parts": list(reversed(parts))})  # fmt: skip
    assert err.value.code == "InvalidPartOrder"
    with pytest.raises(AwsError) as err:
        s3("CompleteMultipartUpload", Bucket=bucket, Key="big", UploadId=upload,
           MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})  # fmt: skip
    assert err.value.code == "InvalidPart"
    # A single small part is a valid (last) part.
    out = s3("CompleteMultipartUpload", Bucket=bucket, Key="big", UploadId=upload,
             MultipartUpload={"Parts": [parts[0]]})  # fmt: skip
    assert out["ETag"].endswith('-1"')
    with pytest.raises(AwsError) as err:
        s3("UploadPart", Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"z")
    assert (err.value.code, err.value.status) == ("NoSuchUpload", 404)


def test_part_numbers_abort_and_listing_uploads(s3, bucket):
    upload = _start(s3, bucket, "a")
    other = _start(s3, bucket, "b")
    with pytest.raises(AwsError) as err:
        s3("UploadPart", Bucket=bucket, Key="a", UploadId=upload, PartNumber=10001, Body=b"x")
    assert err.value.code == "InvalidArgument"
    s3("UploadPart", Bucket=bucket, Key="a", UploadId=upload, PartNumber=1, Body=b"x")
    listed = s3("ListMultipartUploads", Bucket=bucket)
    assert [(u["Key"], u["UploadId"]) for u in listed["Uploads"]] == [("a", upload), ("b", other)]
    s3("AbortMultipartUpload", Bucket=bucket, Key="a", UploadId=upload)
    assert [u["Key"] for u in s3("ListMultipartUploads", Bucket=bucket)["Uploads"]] == ["b"]
    with pytest.raises(AwsError) as err:
        s3("ListParts", Bucket=bucket, Key="a", UploadId=upload)
    assert err.value.code == "NoSuchUpload"


def test_upload_part_copy(s3, bucket):
    s3("PutObject", Bucket=bucket, Key="src", Body=b"0123456789" * (MiB // 2))
    upload = _start(s3, bucket, "dst")
    first = s3("UploadPartCopy", Bucket=bucket, Key="dst", UploadId=upload, PartNumber=1,
               CopySource=f"{bucket}/src", CopySourceRange=f"bytes=0-{5 * MiB - 1}")  # fmt: skip
    second = s3("UploadPartCopy", Bucket=bucket, Key="dst", UploadId=upload, PartNumber=2,
                CopySource=f"{bucket}/src", CopySourceRange="bytes=0-9")  # fmt: skip
    s3("CompleteMultipartUpload", Bucket=bucket, Key="dst", UploadId=upload,
       MultipartUpload={"Parts": [
           {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
           {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})  # fmt: skip
    assert s3.read(bucket, "dst") == (b"0123456789" * (MiB // 2)) + b"0123456789"
