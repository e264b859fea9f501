"""STS through the AWS door with unmodified boto3 and the AWS CLI."""

from __future__ import annotations

# The AWS CLI's exit status for an error the service returned: 255 in v1 (the awscli
# package), 254 in v2.
SERVICE_ERROR = {254, 255}


def test_boto3_get_caller_identity(student):
    sts = student.client("sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] == student.account_id
    assert identity["UserId"] == student.account_id
    assert identity["Arn"] == f"arn:aws:iam::{student.account_id}:root"


def test_cli_get_caller_identity(student):
    done = student.cli("sts", "get-caller-identity")
    assert done.returncode == 0, done.stderr
    assert done.data == {
        "UserId": student.account_id,
        "Account": student.account_id,
        "Arn": f"arn:aws:iam::{student.account_id}:root",
    }


def test_cli_with_a_wrong_secret_says_signature_does_not_match(student):
    done = student.cli("sts", "get-caller-identity", secret="x" * 40)
    assert done.returncode in SERVICE_ERROR
    assert (
        "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity "
        "operation: The request signature we calculated does not match the signature you "
        "provided." in done.stderr
    )


def test_cli_with_an_unknown_key_says_invalid_client_token_id(student):
    done = student.cli("sts", "get-caller-identity", key_id="AKIAIOSFODNN7EXAMPLE")
    assert done.returncode in SERVICE_ERROR
    assert (
        "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity "
        "operation: The security token included in the request is invalid." in done.stderr
    )
