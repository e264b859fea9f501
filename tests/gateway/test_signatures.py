"""Signature Version 4 at the AWS door: good requests run, bad ones are refused with
the service's own error and run nothing."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from services.core.models import AccessKey, Event
from services.ec2.models import Volume


def _xml_error(response) -> tuple[str, str]:
    root = ET.fromstring(response.content)
    found = {el.tag.rsplit("}", 1)[-1]: el.text for el in root.iter()}
    return found.get("Code"), found.get("Message")


def test_it_answers_a_signed_sts_call(aws, account):
    response = aws("sts", "GetCallerIdentity")
    assert response.status_code == 200, response.content
    root = ET.fromstring(response.content)
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert root.findtext("s:GetCallerIdentityResult/s:Account", namespaces=ns) == account.id
    assert root.findtext("s:GetCallerIdentityResult/s:Arn", namespaces=ns) == (
        f"arn:aws:iam::{account.id}:root"
    )
    assert root.findtext("s:ResponseMetadata/s:RequestId", namespaces=ns)


def test_it_refuses_a_wrong_secret_with_signature_does_not_match(aws):
    response = aws("sts", "GetCallerIdentity", secret="not-the-secret")
    assert response.status_code == 403
    assert _xml_error(response) == (
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service "
        "documentation for details.",
    )


def test_it_refuses_an_unknown_key_with_invalid_client_token_id(aws):
    response = aws("sts", "GetCallerIdentity", key_id="AKIAUNKNOWNUNKNOWN00")
    assert response.status_code == 403
    assert _xml_error(response) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )


def test_it_refuses_an_inactive_key(aws, root_key):
    AccessKey.objects.filter(pk=root_key.pk).update(status="Inactive")
    response = aws("sts", "GetCallerIdentity")
    assert response.status_code == 403
    assert _xml_error(response)[0] == "InvalidClientTokenId"


def test_ec2_says_auth_failure_for_a_bad_signature_and_runs_nothing(aws):
    response = aws(
        "ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8}, secret="wrong"
    )
    assert response.status_code == 401
    assert _xml_error(response) == (
        "AuthFailure",
        "AWS was not able to validate the provided access credentials",
    )
    assert not Volume.objects.exists()
    assert not Event.objects.exists()


def test_a_clock_skew_over_15_minutes_is_request_expired_for_ec2(aws, clock):
    clock(minutes=-16)
    response = aws("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    assert response.status_code == 400
    assert _xml_error(response) == ("RequestExpired", "Request has expired.")
    assert not Volume.objects.exists()


def test_a_clock_skew_is_signature_expired_for_query_services(aws, clock):
    clock(minutes=20)
    response = aws("sts", "GetCallerIdentity")
    code, message = _xml_error(response)
    assert response.status_code == 403
    assert code == "SignatureDoesNotMatch"
    assert message.startswith("Signature not yet current: ")


def test_a_skew_under_15_minutes_is_accepted(aws, clock):
    clock(minutes=-14)
    assert aws("sts", "GetCallerIdentity").status_code == 200


def test_json_services_speak_json_errors(aws):
    response = aws("cloudtrail", "LookupEvents", {}, secret="wrong")
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "__type": "InvalidSignatureException",
        "message": "The request signature we calculated does not match the signature you "
        "provided. Check your AWS Secret Access Key and signing method. Consult the service "
        "documentation for details.",
    }
    assert response["x-amzn-RequestId"]


def test_a_tampered_body_fails_the_signature(aws):
    prepared = aws.prepared("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    prepared.body = prepared.body.replace("Size=8", "Size=9")
    response = aws.send(prepared)
    assert _xml_error(response)[0] == "AuthFailure"
    assert not Volume.objects.exists()


def test_the_region_of_the_scope_selects_the_region(aws):
    response = aws(
        "ec2", "CreateVolume", {"AvailabilityZone": "eu-west-1a", "Size": 8}, region="eu-west-1"
    )
    assert response.status_code == 200, response.content
    assert Volume.objects.get().region == "eu-west-1"


def test_ct_01_the_call_is_audited_with_door_aws(aws, root_key):
    """CT-01: an AWS-door call is in the event history with who, what and from where."""
    aws("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    event = Event.objects.get(event_name="CreateVolume")
    assert event.door == "aws"
    assert event.access_key_id == root_key.access_key_id
    assert event.error_code == ""
    root_key.refresh_from_db()
    assert root_key.last_used_at is not None and root_key.last_used_service == "ec2"


def test_an_unsigned_aws_call_gets_missing_authentication_token_and_runs_nothing(client, db):
    # An AWS call without any signature is refused as AWS refuses it, in the service's
    # own format, rather than falling through to the console.
    response = client.post(
        "/",
        "Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Size=8",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 401
    assert _xml_error(response)[0] == "MissingAuthenticationToken"
    assert not Volume.objects.exists()
    assert not Event.objects.exists()


def test_console_forms_are_not_taken_for_unsigned_aws_calls(client, db):
    response = client.post("/signin", "email=a%40example.com&password=x",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert b"MissingAuthenticationToken" not in response.content
