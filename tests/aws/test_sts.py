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


def test_a_chunked_request_body_is_read(student):
    """gunicorn hands the gateway a chunked body (no Content-Length); it is read whole."""
    import http.client
    from urllib.parse import urlsplit

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(method="POST", url=student.endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    credentials = Credentials(student.access_key_id, student.secret_access_key)
    SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
    endpoint = urlsplit(student.endpoint)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    connection.putrequest("POST", "/", skip_accept_encoding=True)
    for name, value in request.headers.items():
        connection.putheader(name, value)
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    for piece in (body[:10], body[10:]):
        connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    text = response.read().decode()
    assert response.status == 200, text
    assert f"<Account>{student.account_id}</Account>" in text
