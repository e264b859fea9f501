"""Bad S3 input found by a hand fuzz of the S3 door (issue 12, "siblings"): each got a 500
before; each now gets what S3 answers."""

import json

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HUGE_EPOCH = "99999999999999999999"  # a number botocore reads as a date past year 9999


@pytest.fixture
def s3c(student):
    client = student.client("s3")
    client.create_bucket(Bucket="bad-input")
    client.put_object(Bucket="bad-input", Key="k", Body=b"0123456789")
    return client


def send(student, method: str, path: str, body: bytes = b"", headers=None, query: str = ""):
    url = student.endpoint + path + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    credentials = Credentials(student.access_key_id, student.secret_access_key)
    S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
    return requests.request(method, url, data=body, headers=dict(request.headers.items()),
                            timeout=30)  # fmt: skip


def error_of(answer) -> tuple[int, str]:
    import xml.etree.ElementTree as ET

    return answer.status_code, ET.fromstring(answer.content).findtext("Code")


@pytest.mark.parametrize("value", [HUGE_EPOCH, "garbage"])
def test_unreadable_dates_are_ignored_as_s3_does(student, s3c, value):
    for method in ("GET", "HEAD"):
        for header in ("If-Modified-Since", "If-Unmodified-Since"):
            answer = send(student, method, "/bad-input/k", headers={header: value})
            assert answer.status_code == 200, (method, header, answer.content)
    assert send(student, "PUT", "/bad-input/new", b"x", {"Expires": value}).status_code == 200
    copy = {"x-amz-copy-source": "bad-input/k", "x-amz-copy-source-if-modified-since": value}
    assert send(student, "PUT", "/bad-input/copy", headers=copy).status_code == 200
    answer = send(student, "POST", "/bad-input/mp", headers={"Expires": value}, query="uploads")
    assert answer.status_code == 200


@pytest.mark.parametrize("tagging", ["%00=1", "k=a%00b", "a,b=c", "k=<v>"])
def test_tags_outside_s3s_alphabet(student, s3c, tagging):
    answer = send(student, "PUT", "/bad-input/tagged", b"x", {"x-amz-tagging": tagging})
    assert error_of(answer) == (400, "InvalidTag")
    assert send(student, "PUT", "/bad-input/tagged", b"x",
                {"x-amz-tagging": "team=data+ops&path=a/b:c@d"}).status_code == 200  # fmt: skip
    assert s3c.get_object_tagging(Bucket="bad-input", Key="tagged")["TagSet"] == [
        {"Key": "path", "Value": "a/b:c@d"}, {"Key": "team", "Value": "data ops"}]  # fmt: skip


def test_a_copy_source_naming_a_nul(student, s3c):
    source = {"x-amz-copy-source": "bad-input/k%00"}
    answer = send(student, "PUT", "/bad-input/copy", headers=source)
    assert error_of(answer) == (400, "InvalidArgument")


def test_a_continuation_token_that_decodes_to_nul_bytes(student, s3c):
    answer = send(student, "GET", "/bad-input", query="list-type=2&continuation-token=" + "A" * 400)
    assert error_of(answer) == (400, "InvalidArgument")
    assert b"The continuation token provided is incorrect" in answer.content


@pytest.mark.parametrize("policy", ["[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000])
def test_a_policy_nested_too_deep(student, s3c, policy):
    answer = send(student, "PUT", "/bad-input", policy.encode(), query="policy")
    assert error_of(answer) == (400, "MalformedPolicy")
    valid = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
             "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::bad-input"}]}  # fmt: skip
    s3c.put_bucket_policy(Bucket="bad-input", Policy=json.dumps(valid))
