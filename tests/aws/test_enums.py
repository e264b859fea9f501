"""Enumerated parameters (VolumeType, KeyType, ShutdownBehavior, ObjectOwnership, IAM's
status, CloudTrail's lookup keys) are the values of botocore's model, checked through
every door, and a value outside the model's set gets the protocol's own AWS error and
changes nothing (issue 13 "Enums and errors")."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from services.core import operations, shapes
from services.core.errors import AwsError
from services.ec2 import ami_catalog, enums, forms, resources, volumes
from services.ec2.models import Instance


def error_of(call, **params) -> dict:
    with pytest.raises(ClientError) as info:
        call(**params)
    response = info.value.response
    return {**response["Error"], "Status": response["ResponseMetadata"]["HTTPStatusCode"]}


def test_ec2_value_sets_and_console_choices_come_from_the_model():
    assert enums.VOLUME_TYPES == shapes.enum_values("ec2", "VolumeType")
    assert enums.SHUTDOWN_BEHAVIORS == ["stop", "terminate"]
    assert enums.KEY_TYPES == ["rsa", "ed25519"]
    # Every volume type of the model has EC2's size limits (a new one fails here, not as
    # a KeyError in a request).
    assert set(volumes.SIZE_LIMITS) == set(enums.VOLUME_TYPES)
    launch = dict(forms.LaunchForm.base_fields["root_type"].choices)
    create = dict(resources.VolumeForm.base_fields["VolumeType"].choices)
    assert set(launch) == set(create) == set(enums.VOLUME_TYPES)
    assert create["gp3"] == "General Purpose SSD (gp3)"
    key_types = forms.CreateKeyPairForm.base_fields["KeyType"].choices
    assert key_types == [("rsa", "RSA"), ("ed25519", "ED25519")]


def test_a_label_for_a_value_the_model_lacks_is_refused():
    with pytest.raises(ValueError, match="gp9"):
        shapes.enum_choices("ec2", "VolumeType", {"gp9": "Imaginary SSD"})
    assert shapes.enum_choices("ec2", "ShutdownBehavior", {"stop": "Stop"}, others=True) == [
        ("stop", "Stop"),
        ("terminate", "terminate"),
    ]


# --- the ec2 protocol: each operation words its parameter as EC2 does ----------------------


def test_ec2_enums_through_the_aws_door(student):
    ec2 = student.client("ec2")
    err = error_of(ec2.create_key_pair, KeyName="k", KeyType="dsa")
    assert err == {
        "Code": "InvalidParameterValue",
        "Message": "Value (dsa) for parameter keyType is invalid. Valid values: rsa, ed25519",
        "Status": 400,
    }
    err = error_of(ec2.create_volume, AvailabilityZone="us-east-1a", Size=8, VolumeType="gp9")
    assert (err["Code"], err["Status"]) == ("InvalidParameterValue", 400)
    assert err["Message"].startswith("Value (gp9) for parameter volumeType is invalid.")
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    assert ec2.describe_volumes()["Volumes"] == []
    # Every value of the model is accepted.
    for key_type in enums.KEY_TYPES:
        ec2.create_key_pair(KeyName=f"k-{key_type}", KeyType=key_type)


def test_ec2_shutdown_behavior_outside_the_model_through_operations(ctx):
    params = {
        "ImageId": ami_catalog.default_image().image_id("us-east-1"),
        "MinCount": 1,
        "MaxCount": 1,
        "InstanceType": "t2.micro",
        "InstanceInitiatedShutdownBehavior": "hibernate",
    }
    with pytest.raises(AwsError) as info:
        operations.call(ctx, "ec2", "RunInstances", params)
    assert (info.value.code, info.value.message) == (
        "InvalidParameterValue",
        "Value (hibernate) for parameter instanceInitiatedShutdownBehavior is invalid.",
    )
    assert not Instance.objects.exists()


def test_ec2_enum_through_the_rest_door(account):
    from services.core.models import AccessKey
    from tests.api.conftest import key_client

    api = key_client(AccessKey.objects.get(account=account, user_name=""))
    body = {"AvailabilityZone": "us-east-1a", "Size": 8, "VolumeType": "gp9"}
    response = api.post("/api/v1/ec2/volumes/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "InvalidParameterValue"


# --- the query protocol (IAM) --------------------------------------------------------------


def test_iam_enum_through_the_aws_door(student):
    iam = student.client("iam")
    iam.create_user(UserName="u")
    key = iam.create_access_key(UserName="u")["AccessKey"]["AccessKeyId"]
    err = error_of(iam.update_access_key, UserName="u", AccessKeyId=key, Status="On")
    assert err == {
        "Code": "ValidationError",
        "Message": "1 validation error detected: Value 'On' at 'status' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
        "Type": "Sender",
        "Status": 400,
    }
    status = iam.list_access_keys(UserName="u")["AccessKeyMetadata"][0]["Status"]
    assert status == "Active"


# --- the rest-xml protocol (S3) ------------------------------------------------------------


def test_s3_object_ownership_outside_the_model(student):
    s3 = student.client("s3")
    err = error_of(s3.create_bucket, Bucket="enum-ownership", ObjectOwnership="Nobody")
    assert (err["Code"], err["Status"]) == ("InvalidArgument", 400)
    assert err["Message"] == "Invalid x-amz-object-ownership header: Nobody"
    assert s3.list_buckets()["Buckets"] == []
    for ownership in shapes.enum_values("s3", "ObjectOwnership"):
        name = f"enum-{ownership.lower()}"
        s3.create_bucket(Bucket=name, ObjectOwnership=ownership)
        rules = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
        assert rules == [{"ObjectOwnership": ownership}]


def test_s3_versioning_status_outside_the_model(student):
    s3 = student.client("s3")
    s3.create_bucket(Bucket="enum-versioning")
    err = error_of(s3.put_bucket_versioning, Bucket="enum-versioning",
                   VersioningConfiguration={"Status": "Off"})  # fmt: skip
    assert (err["Code"], err["Status"]) == ("MalformedXML", 400)
    assert "Status" not in s3.get_bucket_versioning(Bucket="enum-versioning")


# --- the json protocol (CloudTrail) --------------------------------------------------------


def test_cloudtrail_lookup_key_outside_the_model(student):
    trail = student.client("cloudtrail")
    attributes = [{"AttributeKey": "Colour", "AttributeValue": "x"}]
    err = error_of(trail.lookup_events, LookupAttributes=attributes)
    allowed = ", ".join(shapes.enum_values("cloudtrail", "LookupAttributeKey"))
    assert (err["Code"], err["Status"]) == ("ValidationException", 400)
    assert err["Message"] == (
        "1 validation error detected: Value 'Colour' at 'lookupAttributes.1.member."
        "attributeKey' failed to satisfy constraint: Member must satisfy enum value set: "
        f"[{allowed}]"
    )
    trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "x"}])
