"""What the AWS door does besides EC2: the other protocols, routing by credential
scope, and the Django machinery it must stay out of."""

from __future__ import annotations

import gzip
import json
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import botocore.session
from botocore.credentials import Credentials
from botocore.signers import RequestSigner
from django.test import Client

from services.core.models import Event
from services.ec2.models import Volume
from tests.gateway.conftest import Sender, parse

TRAIL = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"


def _error(response) -> tuple[str, str]:
    found = {el.tag.rsplit("}", 1)[-1]: el.text for el in ET.fromstring(response.content).iter()}
    return found.get("Code"), found.get("Message")


def test_cloudtrail_lookup_events_over_json_shows_aws_door_calls(aws):
    aws.parsed("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    out = aws.parsed(
        "cloudtrail",
        "LookupEvents",
        {
            "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CreateVolume"}],
        },
    )
    assert out["status"] == 200
    [event] = out["Events"]
    assert event["EventName"] == "CreateVolume"
    record = json.loads(event["CloudTrailEvent"])
    assert record["stratolabDoor"] == "aws"
    assert event["EventTime"].tzinfo is not None


def test_iam_over_the_query_protocol(aws):
    created = aws.parsed("iam", "CreateUser", {"UserName": "alice", "Path": "/staff/"})
    assert created["User"]["Arn"].endswith(":user/staff/alice")
    listed = aws.parsed("iam", "ListUsers", {})
    assert [u["UserName"] for u in listed["Users"]] == ["alice"]
    assert listed["IsTruncated"] is False


def test_a_service_listing_several_protocols_is_answered_in_each(aws):
    # CloudWatch speaks json to boto3 and query to older clients: both reach the
    # operation layer, and each gets the error in its own format.
    over_json = aws("cloudwatch", "ListDashboards", {})
    assert over_json.status_code == 501
    assert json.loads(over_json.content)["__type"] == "NotImplemented"
    over_query = aws.raw(
        "monitoring",
        body=b"Action=ListDashboards&Version=2010-08-01",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert over_query.status_code == 501
    assert _error(over_query) == (
        "NotImplemented",
        "Stratolab does not simulate cloudwatch:ListDashboards yet.",
    )


def test_cloudwatch_over_smithy_rpc_v2_cbor_answers_in_cbor(aws):
    from services.core.gateway.protocols.cbor import loads

    response = aws("cloudwatch", "ListDashboards", {}, protocol="smithy-rpc-v2-cbor")
    assert response.status_code == 501
    assert response["Content-Type"] == "application/cbor"
    assert response["smithy-protocol"] == "rpc-v2-cbor"
    assert loads(response.content) == {
        "__type": "NotImplemented",
        "message": "Stratolab does not simulate cloudwatch:ListDashboards yet.",
    }


def test_services_sharing_a_signing_name_are_told_apart_by_version(aws):
    # elb and elbv2 both sign as elasticloadbalancing and both have DescribeTags.
    classic = aws("elb", "DescribeTags", {"LoadBalancerNames": ["web"]})
    v2 = aws("elbv2", "DescribeTags", {"ResourceArns": ["arn:aws:elasticloadbalancing:x"]})
    assert _error(classic)[1] == "Stratolab does not simulate elb:DescribeTags yet."
    assert _error(v2)[1] == "Stratolab does not simulate elbv2:DescribeTags yet."


def test_gzip_request_compression_is_undone_where_the_model_allows_it(aws):
    body = gzip.compress(json.dumps({"Namespace": "Lab", "MetricData": []}).encode())
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "Content-Encoding": "gzip",
        "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
    }
    response = aws.raw("monitoring", body=body, headers=headers)
    # Read as JSON and handed to the operation layer, which does not simulate it yet.
    assert json.loads(response.content)["__type"] == "NotImplemented"
    broken = aws.raw("monitoring", body=body[:-8] + b"garbage!", headers=headers)
    assert json.loads(broken.content)["__type"] == "MalformedHttpRequestException"


def test_an_iam_user_key_signs_as_the_user(aws, account):
    aws.parsed("iam", "CreateUser", {"UserName": "bob"})
    key = aws.parsed("iam", "CreateAccessKey", {"UserName": "bob"})["AccessKey"]
    bob = Sender(aws.client, key["AccessKeyId"], key["SecretAccessKey"])
    identity = bob.parsed("sts", "GetCallerIdentity")
    assert identity["Arn"] == f"arn:aws:iam::{account.id}:user/bob"
    assert identity["UserId"].startswith("AIDA") and identity["Account"] == account.id
    # IAM-01: a new user may call GetCallerIdentity (AWS needs no permission for it) but
    # nothing else until a policy allows it.
    denied = bob.parsed("ec2", "DescribeVolumes")
    assert denied["status"] == 403
    assert denied["Error"]["Code"] == "UnauthorizedOperation"


def test_malformed_json_is_a_serialization_exception(aws):
    response = aws.raw(
        "cloudtrail",
        body=b'{"MaxResults": ',
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"{TRAIL}.LookupEvents",
        },
    )
    assert response.status_code == 400
    assert json.loads(response.content)["__type"] == "SerializationException"


def test_an_unknown_json_target_is_unknown_operation(aws):
    response = aws.raw(
        "cloudtrail",
        body=b"{}",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{TRAIL}.Fly"},
    )
    assert response.status_code == 400
    assert json.loads(response.content)["__type"] == "UnknownOperationException"


def test_an_unknown_service_in_the_scope_is_refused(aws):
    response = aws.raw("teleport", body=b"Action=Go")
    assert response.status_code == 400
    assert _error(response)[0] == "InvalidAction"


def test_the_aws_door_is_exempt_from_csrf(account, root_key):
    strict = Sender(
        Client(enforce_csrf_checks=True), root_key.access_key_id, root_key.secret_access_key
    )
    out = strict.parsed("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    assert out["status"] == 200


def test_the_aws_door_ignores_djangos_upload_limit(aws, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    out = aws.parsed("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "Size": 8})
    assert out["status"] == 200


def test_an_oversized_body_is_refused_and_runs_nothing(aws, settings):
    settings.STRATOLAB_GATEWAY_MAX_BODY = 100
    tags = [{"Key": f"k{i}", "Value": "v" * 50} for i in range(10)]
    response = aws(
        "ec2",
        "CreateVolume",
        {
            "AvailabilityZone": "us-east-1a",
            "Size": 8,
            "TagSpecifications": [{"ResourceType": "volume", "Tags": tags}],
        },
    )
    assert response.status_code == 413
    assert _error(response)[0] == "RequestEntityTooLarge"
    assert not Volume.objects.exists()
    assert not Event.objects.exists()


def test_a_presigned_url_is_verified_like_a_signed_header(client, root_key, account):
    session = botocore.session.get_session()
    model = session.get_service_model("sts")
    signer = RequestSigner(
        model.service_id,
        "us-east-1",
        "sts",
        "v4",
        Credentials(root_key.access_key_id, root_key.secret_access_key),
        session.get_component("event_emitter"),
    )
    url = signer.generate_presigned_url(
        {
            "method": "GET",
            "url_path": "/",
            "query_string": {},
            "headers": {},
            "body": b"",
            "url": "http://testserver/?Action=GetCallerIdentity&Version=2011-06-15",
            "context": {},
        },
        operation_name="GetCallerIdentity",
    )
    parts = urlsplit(url)
    response = client.get(f"{parts.path}?{parts.query}", HTTP_HOST="testserver")
    assert parse("sts", "GetCallerIdentity", response).get("Account") == account.id, (
        response.content
    )
    query = parts.query.replace("GetCallerIdentity", "GetSessionToken")
    tampered = client.get(f"{parts.path}?{query}", HTTP_HOST="testserver")
    assert _error(tampered)[0] == "SignatureDoesNotMatch"
