"""Every answer of the AWS door is in the error format of the service the request is
addressed to, whatever is wrong with it: content type, Action, Version, X-Amz-Target,
body, signature. Each answer is read by botocore's own parser for that service, as
boto3 would read it."""

from __future__ import annotations

import json

import pytest

from services.core.gateway.protocols import cbor
from services.iam.models import User
from tests.gateway.live import error_problems

TRAIL = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def _headers(response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.items()}


def _error(service: str, response, operation: str | None = None, protocol: str | None = None):
    """(code, message) of an error answer, after checking it is well-formed."""
    from botocore.awsrequest import HeadersDict
    from botocore.parsers import create_parser

    from tests.gateway.live import model

    problems = error_problems(service, operation, response.status_code, _headers(response),
                              response.content, protocol=protocol)  # fmt: skip
    assert not problems, (problems, response.content)
    m = model(service)
    op = m.operation_model(operation or m.operation_names[0])
    parsed = create_parser(protocol or m.resolved_protocol).parse(
        {"status_code": response.status_code, "headers": HeadersDict(_headers(response)),
         "body": response.content, "context": {"operation_name": op.name}},
        op.output_shape,
    )  # fmt: skip
    return parsed["Error"]["Code"], parsed["Error"]["Message"]


# --- IAM and the other query services ------------------------------------------------------


def test_iam_called_with_a_json_content_type_answers_in_iams_xml(aws):
    response = aws.raw("iam", body=b'{"Action": "ListUsers"}',
                       headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"] == "text/xml"
    assert _error("iam", response) == ("MissingAction", "Missing Action")


def test_iam_with_an_x_amz_target_header_still_reads_the_form(aws):
    aws.parsed("iam", "CreateUser", {"UserName": "alice"})
    response = aws.raw("iam", body=b"Action=ListUsers&Version=2010-05-08",
                       headers={**FORM, "X-Amz-Target": "Foo.ListUsers"})  # fmt: skip
    assert response.status_code == 200, response.content
    assert b"<UserName>alice</UserName>" in response.content


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"Version=2010-05-08", "MissingAction"),
        (b"Action=Fly&Version=2010-05-08", "InvalidAction"),
        (b"Action=&Version=2010-05-08", "MissingAction"),
        (b"Action=ListUsers&Version=2010-05-08&Name=\xff\xfe", "MissingAction"),
    ],
)
def test_iam_refuses_a_missing_or_unknown_action_in_its_xml(aws, body, code):
    response = aws.raw("iam", body=body, headers=FORM)
    assert response.status_code == 400
    assert _error("iam", response)[0] == code


def test_an_unknown_ec2_action_is_answered_in_ec2s_xml(aws):
    response = aws.raw("ec2", body=b"Action=Fly&Version=2016-11-15", headers=FORM)
    assert response.status_code == 400
    assert _error("ec2", response) == (
        "InvalidAction",
        "The action Fly is not valid for this web service.",
    )


def test_control_characters_echoed_in_an_error_keep_the_xml_readable(aws):
    # XML 1.0 cannot hold U+0001 at all, not even as &#1;: botocore could not read the
    # answer and reported a bare 400. The character now arrives as U+FFFD.
    response = aws("ec2", "DeleteVolume", {"VolumeId": "vol-\x01\x1f"})
    assert response.status_code == 400
    code, message = _error("ec2", response)
    assert code == "InvalidVolume.NotFound"
    assert "\ufffd" in message


# --- JSON and CBOR -----------------------------------------------------------------------


def _trail(aws, body: bytes, target: str = f"{TRAIL}.LookupEvents"):
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
    return aws.raw("cloudtrail", body=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "target"),
    [
        (b'{"a":' + b"[" * 100000 + b"]" * 100000 + b"}", f"{TRAIL}.LookupEvents"),
        (b'{"LookupAttributes": [{"AttributeKey": "\\ud800"}]}', f"{TRAIL}.LookupEvents"),
        (b"{}", "Wrong.LookupEvents"),
        (b"{}", f"{TRAIL}."),
    ],
    ids=["nested-100000-deep", "lone-surrogate", "wrong-prefix", "no-action"],
)
def test_cloudtrail_refuses_bodies_and_targets_it_cannot_read_in_json(aws, body, target):
    response = _trail(aws, body, target)
    assert response.status_code == 400
    code, _ = _error("cloudtrail", response)
    assert code in ("SerializationException", "UnknownOperationException")


def test_a_cbor_body_nested_too_deep_is_a_serialization_exception_in_cbor(aws):
    body = b"\xa1\x61a" + b"\x81" * 100000 + b"\x80"  # {"a": [[[...]]]}
    response = aws.raw(
        "monitoring",
        path="/service/GraniteServiceVersion20100801/operation/ListDashboards",
        body=body,
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/cbor"
    assert cbor.loads(response.content)["__type"] == "SerializationException"


# --- signatures, in every protocol -------------------------------------------------------

# (service, operation, protocol botocore writes the request in, params)
PROTOCOL_CALLS = [
    ("ec2", "DescribeVolumes", "ec2", {}),
    ("iam", "ListUsers", "query", {}),
    ("sts", "GetCallerIdentity", "query", {}),
    ("cloudtrail", "LookupEvents", "json", {}),
    ("cloudwatch", "ListDashboards", "smithy-rpc-v2-cbor", {}),
    ("cloudwatch", "ListDashboards", "query", {}),
    ("lambda", "ListFunctions", "rest-json", {}),
    ("route53", "ListHostedZones", "rest-xml", {}),
    ("s3", "ListBuckets", "rest-xml", {}),
]


def _bend_authorization(prepared, how: str) -> None:
    auth = prepared.headers["Authorization"]
    if how == "no-signature":
        prepared.headers["Authorization"] = auth.split(", Signature=")[0]
    elif how == "no-credential":
        prepared.headers["Authorization"] = "AWS4-HMAC-SHA256 " + auth.split(", ", 1)[1]
    elif how == "bad-date":
        prepared.headers["X-Amz-Date"] = "yesterday"
    elif how == "short-scope":
        prepared.headers["Authorization"] = auth.replace("/aws4_request", "/aws4", 1)


@pytest.mark.parametrize(("service", "operation", "protocol", "params"), PROTOCOL_CALLS,
                         ids=[f"{c[0]}-{c[2]}" for c in PROTOCOL_CALLS])  # fmt: skip
@pytest.mark.parametrize(
    "how", ["unknown-key", "wrong-secret", "no-signature", "no-credential", "bad-date",
            "short-scope", "expired"],
)  # fmt: skip
def test_a_bad_signature_is_refused_in_the_services_own_format(
    aws, clock, service, operation, protocol, params, how
):
    if how == "no-credential" and service in ("lambda", "route53"):
        pytest.skip("without a credential scope nothing in a REST request names its service")
    kwargs = {}
    if how == "unknown-key":
        kwargs["key_id"] = "AKIAUNKNOWNUNKNOWN00"
    elif how == "wrong-secret":
        kwargs["secret"] = "not-the-secret"
    elif how == "expired":
        clock(minutes=-20)
    prepared = aws.prepared(service, operation, params, protocol=protocol, **kwargs)
    if service == "s3":
        # boto3 always sends it to S3 (and only to S3).
        prepared.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    _bend_authorization(prepared, how)
    response = aws.send(prepared)
    assert 400 <= response.status_code < 500, response.content
    code, message = _error(service, response, operation, protocol)
    assert code and message
    assert "Stratolab does not simulate" not in message


def test_a_bad_signature_runs_nothing(aws):
    response = aws("iam", "CreateUser", {"UserName": "mallory"}, secret="wrong")
    assert _error("iam", response, "CreateUser")[0] == "SignatureDoesNotMatch"
    assert not User.objects.filter(name="mallory").exists()


def test_a_json_error_names_the_target_it_could_not_find(aws):
    response = _trail(aws, b"{}", f"{TRAIL}.Fly")
    assert json.loads(response.content) == {
        "__type": "UnknownOperationException",
        "message": f"Unknown operation {TRAIL}.Fly",
    }


# --- unsigned requests ---------------------------------------------------------------------


def test_an_unsigned_iam_form_gets_missing_authentication_token_in_xml(client):
    response = client.post("/", "Action=ListUsers&Version=2010-05-08",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 403
    assert _error("iam", response)[0] == "MissingAuthenticationToken"


def test_an_unsigned_ec2_query_gets_ec2s_xml(client):
    response = client.get("/?Action=DescribeVolumes&Version=2016-11-15")
    assert response.status_code == 401
    assert _error("ec2", response)[0] == "MissingAuthenticationToken"


def test_an_unsigned_json_call_gets_its_services_json(client):
    response = client.post("/", b"{}", content_type="application/x-amz-json-1.1",
                           HTTP_X_AMZ_TARGET=f"{TRAIL}.LookupEvents")  # fmt: skip
    assert response.status_code == 403
    assert _error("cloudtrail", response) == (
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    )


def test_an_unsigned_cbor_call_gets_cbor(client):
    response = client.post(
        "/service/GraniteServiceVersion20100801/operation/ListDashboards",
        cbor.dumps({}),
        content_type="application/cbor",
        HTTP_SMITHY_PROTOCOL="rpc-v2-cbor",
    )
    assert response.status_code == 403
    assert cbor.loads(response.content)["__type"] == "MissingAuthenticationTokenException"


def test_the_console_is_not_taken_for_an_unsigned_aws_call(client):
    assert client.get("/signin").status_code == 200


def test_answers_echoing_caller_text_are_inert_in_a_browser(aws):
    """An IAM user named with markup comes back in ListUsers; a link to such an answer
    opened on the console's origin must not run it (services/core/tenant_content)."""
    aws.parsed("iam", "CreateUser", {"UserName": "a+b=c,d@e"})
    response = aws.raw("iam", body=b"Action=ListUsers&Version=2010-05-08", headers=FORM)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
