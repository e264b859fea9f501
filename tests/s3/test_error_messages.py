"""S3 error documents as S3 writes them (issue 12 item 5). A bad canned ACL is S3's one
InvalidArgument with an empty message: <Message></Message> is present (botocore reads it),
and ArgumentName/ArgumentValue name the header and its value."""

import xml.etree.ElementTree as ET

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError


@pytest.fixture
def s3c(student):
    client = student.client("s3")
    client.create_bucket(Bucket="acl-errors", ObjectOwnership="ObjectWriter")
    client.put_object(Bucket="acl-errors", Key="k", Body=b"k")
    return client


@pytest.mark.parametrize(
    "call, params",
    [
        ("put_object", {"Key": "new", "Body": b"x"}),
        ("put_object_acl", {"Key": "k"}),
        ("put_bucket_acl", {}),
        ("create_multipart_upload", {"Key": "mp"}),
        ("copy_object", {"Key": "copy", "CopySource": "acl-errors/k"}),
    ],
)
def test_a_bad_canned_acl(s3c, call, params):
    with pytest.raises(ClientError) as err:
        getattr(s3c, call)(Bucket="acl-errors", ACL="publik", **params)
    answer = err.value.response
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 400
    error = answer["Error"]
    assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == (
        "InvalidArgument", "x-amz-acl", "publik")  # fmt: skip
    assert "Message" in error  # the element is there, empty as S3 sends it


def test_the_raw_document(student, s3c):
    url = f"{student.endpoint}/acl-errors/raw"
    request = AWSRequest(method="PUT", url=url, data=b"x",
                         headers={"x-amz-acl": "publik"})  # fmt: skip
    credentials = Credentials(student.access_key_id, student.secret_access_key)
    S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
    answer = requests.put(url, data=b"x", headers=dict(request.headers.items()), timeout=10)
    assert answer.status_code == 400
    root = ET.fromstring(answer.content)
    assert [child.tag for child in root][:4] == ["Code", "Message", "ArgumentName", "ArgumentValue"]
    assert root.findtext("Message") == ""
    assert root.findtext("ArgumentValue") == "publik"
