"""S3 request headers at and over their limits (issue 12 item 4): S3 keeps any
Content-Type, Cache-Control, Content-Disposition, Content-Encoding or Content-Language
that fits in its 8 KB header section, refuses a larger header section
(RequestHeaderSectionTooLarge), user metadata over 2 KB (MetadataTooLarge) and a bad or
oversized website redirect (InvalidRedirectLocation). Never a 500."""

import pytest
from botocore.exceptions import ClientError

LONG = 3000  # characters: over every column width we used to have, under 8 KB


@pytest.fixture
def s3c(student):
    client = student.client("s3")
    client.create_bucket(Bucket="headers")
    client.put_object(Bucket="headers", Key="source", Body=b"s")
    return client


def refused(call, **params) -> dict:
    with pytest.raises(ClientError) as err:
        call(**params)
    answer = err.value.response
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400, answer
    return answer["Error"]


LONG_HEADERS = {
    "ContentType": "text/" + "x" * LONG,
    "CacheControl": "max-age=" + "9" * LONG,
    "ContentDisposition": "attachment; filename=" + "f" * LONG,
    "ContentEncoding": "e" * LONG,
    "ContentLanguage": "en-" + "l" * LONG,
}


@pytest.mark.parametrize("member", sorted(LONG_HEADERS))
def test_long_standard_headers_are_kept(s3c, member):
    value = LONG_HEADERS[member]
    s3c.put_object(Bucket="headers", Key="long", Body=b"x", **{member: value})
    assert s3c.head_object(Bucket="headers", Key="long")[member] == value
    upload = s3c.create_multipart_upload(Bucket="headers", Key="mp", **{member: value})
    s3c.abort_multipart_upload(Bucket="headers", Key="mp", UploadId=upload["UploadId"])
    s3c.copy_object(Bucket="headers", Key="copy", CopySource="headers/source",
                    MetadataDirective="REPLACE", **{member: value})  # fmt: skip
    assert s3c.head_object(Bucket="headers", Key="copy")[member] == value


def test_a_header_section_over_8_kb(s3c):
    headers = {"ContentType": "t/" + "x" * 4000, "CacheControl": "c" * 4000,
               "ContentDisposition": "d" * 1000}  # fmt: skip
    for call, params in (
        (s3c.put_object, {"Key": "big", "Body": b"x", **headers}),
        (s3c.create_multipart_upload, {"Key": "big", **headers}),
        (s3c.get_object, {"Key": "source", "IfMatch": "m" * 4500, "IfNoneMatch": "n" * 4500}),
    ):
        error = refused(call, Bucket="headers", **params)
        assert error == {
            "Code": "RequestHeaderSectionTooLarge",
            "Message": "Your request header section exceeds the maximum allowed size.",
            "MaxSizeAllowed": "8192",
        }
    with pytest.raises(ClientError):
        s3c.head_object(Bucket="headers", Key="big")


def test_user_metadata_over_2_kb(s3c):
    s3c.put_object(Bucket="headers", Key="meta", Body=b"x", Metadata={"k": "v" * 2047})
    assert s3c.head_object(Bucket="headers", Key="meta")["Metadata"] == {"k": "v" * 2047}
    too_big = {"k": "v" * 2000, "other": "o" * 100}
    for call, params in (
        (s3c.put_object, {"Key": "meta2", "Body": b"x"}),
        (s3c.create_multipart_upload, {"Key": "meta2"}),
        (s3c.copy_object, {"Key": "meta2", "CopySource": "headers/source",
                           "MetadataDirective": "REPLACE"}),
    ):  # fmt: skip
        error = refused(call, Bucket="headers", Metadata=too_big, **params)
        assert error["Code"] == "MetadataTooLarge"
        assert error["Message"] == "Your metadata headers exceed the maximum allowed metadata size."
        assert error["MaxSizeAllowed"] == "2048"
        assert error["Size"] == str(1 + 2000 + 5 + 100)
    assert "Contents" not in s3c.list_objects_v2(Bucket="headers", Prefix="meta2")


@pytest.mark.parametrize(
    "location, message",
    [
        ("docs/page.html",
         "The website redirect location must have a prefix of 'http://' or 'https://' or '/'."),
        ("/" + "p" * 2048,
         "The length of website redirect location cannot exceed 2,048 characters."),
    ],
)  # fmt: skip
def test_bad_website_redirect_locations(s3c, location, message):
    error = refused(s3c.put_object, Bucket="headers", Key="redirect", Body=b"",
                    WebsiteRedirectLocation=location)  # fmt: skip
    assert (error["Code"], error["Message"]) == ("InvalidRedirectLocation", message)
    s3c.put_object(Bucket="headers", Key="redirect", Body=b"",
                   WebsiteRedirectLocation="/" + "p" * 2047)  # fmt: skip
    head = s3c.head_object(Bucket="headers", Key="redirect")
    assert head["WebsiteRedirectLocation"] == "/" + "p" * 2047
