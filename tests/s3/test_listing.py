"""Listing: prefixes, delimiters rolled up into CommonPrefixes, paging with
continuation tokens, StartAfter, v1 markers, byte order."""

import pytest

from services.core.errors import AwsError

KEYS = ["a.txt", "docs/2024/jan.pdf", "docs/2024/feb.pdf", "docs/readme.md", "img/cat.png",
        "img/dog.png", "z/deep/er/file", "Zebra", "é-accent"]  # fmt: skip


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="listing")
    for key in KEYS:
        s3("PutObject", Bucket="listing", Key=key, Body=key.encode())
    return "listing"


def test_keys_in_utf8_byte_order(s3, bucket):
    keys = [c["Key"] for c in s3("ListObjectsV2", Bucket=bucket)["Contents"]]
    assert keys == sorted(KEYS, key=lambda k: k.encode("utf-8"))
    assert keys[0] == "Zebra"  # upper case sorts before lower case


def test_delimiter_and_prefix(s3, bucket):
    top = s3("ListObjectsV2", Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["docs/", "img/", "z/"]
    assert [c["Key"] for c in top["Contents"]] == ["Zebra", "a.txt", "é-accent"]
    assert top["KeyCount"] == 6
    docs = s3("ListObjectsV2", Bucket=bucket, Prefix="docs/", Delimiter="/")
    assert [p["Prefix"] for p in docs["CommonPrefixes"]] == ["docs/2024/"]
    assert [c["Key"] for c in docs["Contents"]] == ["docs/readme.md"]


def test_paging_with_continuation_tokens(s3, bucket):
    seen, token = [], None
    while True:
        params = {"MaxKeys": 2, "Delimiter": "/"}
        if token:
            params["ContinuationToken"] = token
        page = s3("ListObjectsV2", Bucket=bucket, **params)
        assert page["KeyCount"] <= 2
        seen += [c["Key"] for c in page.get("Contents", [])]
        seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == sorted(["Zebra", "a.txt", "é-accent", "docs/", "img/", "z/"])
    after = s3("ListObjectsV2", Bucket=bucket, StartAfter="img/cat.png")
    assert [c["Key"] for c in after["Contents"]][:2] == ["img/dog.png", "z/deep/er/file"]
    with pytest.raises(AwsError) as err:
        s3("ListObjectsV2", Bucket=bucket, ContinuationToken="!!!")
    assert err.value.code == "InvalidArgument"


def test_list_objects_v1_markers(s3, bucket):
    page = s3("ListObjects", Bucket=bucket, MaxKeys=3)
    assert page["IsTruncated"] is True and "NextMarker" not in page
    rest = s3("ListObjects", Bucket=bucket, Marker=page["Contents"][-1]["Key"])
    assert len(page["Contents"]) + len(rest["Contents"]) == len(KEYS)
    with_delimiter = s3("ListObjects", Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert with_delimiter["NextMarker"] == "a.txt"


def test_max_keys_zero_and_encoding(s3, bucket):
    out = s3("ListObjectsV2", Bucket=bucket, MaxKeys=0)
    assert out["KeyCount"] == 0 and out["IsTruncated"] is True
    encoded = s3("ListObjectsV2", Bucket=bucket, Prefix="é", EncodingType="url")
    assert encoded["Contents"][0]["Key"] == "%C3%A9-accent"
    with pytest.raises(AwsError) as err:
        s3("ListObjectsV2", Bucket=bucket, EncodingType="base64")
    assert err.value.code == "InvalidArgument"
