"""S3's door finds who signs a request the way the gateway does, through the hook IAM
fills (`services.core.hooks.access_key_owner`): an IAM user's long-term key and its
temporary (ASIA) session credentials sign S3 calls; a key nobody owns or a session
token that is not the key's is refused in S3's words."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

S3_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "sts:GetSessionToken"], "Resource": "*"}
        ],
    }
)


def _s3(student, key_id: str, secret: str, token: str | None = None):
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=student.endpoint,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def user_key(student) -> dict:
    iam = student.client("iam")
    iam.create_user(UserName="ada")
    iam.put_user_policy(UserName="ada", PolicyName="s3", PolicyDocument=S3_POLICY)
    return iam.create_access_key(UserName="ada")["AccessKey"]


def test_an_iam_users_key_and_session_sign_s3_calls(student, user_key):
    key = _s3(student, user_key["AccessKeyId"], user_key["SecretAccessKey"])
    key.create_bucket(Bucket="ada-door-bucket")
    key.put_object(Bucket="ada-door-bucket", Key="a.txt", Body=b"hello")

    sts = student.client("sts", key_id=user_key["AccessKeyId"], secret=user_key["SecretAccessKey"])
    session = sts.get_session_token()["Credentials"]
    assert session["AccessKeyId"].startswith("ASIA")
    temporary = _s3(
        student, session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"]
    )
    assert [b["Name"] for b in temporary.list_buckets()["Buckets"]] == ["ada-door-bucket"]
    body = temporary.get_object(Bucket="ada-door-bucket", Key="a.txt")["Body"].read()
    assert body == b"hello"

    # The same ASIA key with a token that is not its own signs nothing.
    forged = _s3(student, session["AccessKeyId"], session["SecretAccessKey"], "not-the-token")
    with pytest.raises(ClientError) as refused:
        forged.list_buckets()
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_key_nobody_owns_is_s3s_invalid_access_key_id(student):
    stranger = _s3(student, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    with pytest.raises(ClientError) as refused:
        stranger.list_buckets()
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidAccessKeyId"
    assert error["Message"] == "The AWS Access Key Id you provided does not exist in our records."
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
