"""Lifecycle rules S3 accepts or refuses (issue 12 item 2): day counts up to S3's integer
limit, dates at midnight UTC stored as text, and a bucket whose rules lie far in the
future keeps taking objects and sweeping without an error."""

import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError

from services.core import lifecycle as engine
from services.core.errors import AwsError
from services.s3 import lifecycle
from services.s3.models import Bucket, ObjectVersion

FAR = 1_000_000_000  # days: far past the last datetime Python can hold
MIDNIGHT = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def bucket(s3):
    s3("CreateBucket", Bucket="limits")
    return "limits"


@pytest.fixture
def real_days(settings):
    """Real rule-days (time scale 1), so that rules far ahead are not due at once."""
    settings.STRATOLAB_TIME_SCALE = 1


def put_rules(s3, *rules):
    return s3("PutBucketLifecycleConfiguration", Bucket="limits",
              LifecycleConfiguration={"Rules": list(rules)})  # fmt: skip


def rule(**actions):
    return {"ID": "r", "Status": "Enabled", "Filter": {}, **actions}


def stored_rules() -> str:
    """The rules as the database holds them (JSON)."""
    return json.dumps(Bucket.objects.get(resource_id="limits").lifecycle_rules)


def test_far_expiration_days_keep_the_bucket_working(s3, bucket, real_days):
    put_rules(s3, rule(Expiration={"Days": FAR}))
    s3("PutObject", Bucket=bucket, Key="k", Body=b"kept")
    engine.settle()
    lifecycle.run_rules(Bucket.objects.get(resource_id="limits"))
    assert s3.read(bucket, "k") == b"kept"
    got = s3("GetBucketLifecycleConfiguration", Bucket=bucket)
    assert got["Rules"][0]["Expiration"] == {"Days": FAR}


def test_far_days_in_every_action(s3, bucket, real_days):
    s3("PutBucketVersioning", Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put_rules(s3, rule(
        Transitions=[{"Days": FAR - 1, "StorageClass": "GLACIER"}],
        Expiration={"Days": FAR},
        NoncurrentVersionTransitions=[{"NoncurrentDays": FAR - 1, "StorageClass": "GLACIER"}],
        NoncurrentVersionExpiration={"NoncurrentDays": FAR},
        AbortIncompleteMultipartUpload={"DaysAfterInitiation": FAR},
    ))  # fmt: skip
    s3("PutObject", Bucket=bucket, Key="k", Body=b"1")
    s3("PutObject", Bucket=bucket, Key="k", Body=b"2")
    s3("CreateMultipartUpload", Bucket=bucket, Key="part")
    lifecycle.run_rules(Bucket.objects.get(resource_id="limits"))
    assert ObjectVersion.objects.filter(key="k", storage_class="STANDARD").count() == 2


@pytest.mark.parametrize(
    "actions",
    [
        {"Expiration": {"Days": 2**31}},
        {"Transitions": [{"Days": 2**31, "StorageClass": "GLACIER"}]},
        {"NoncurrentVersionExpiration": {"NoncurrentDays": 2**31}},
        {"NoncurrentVersionTransitions": [{"NoncurrentDays": 2**31, "StorageClass": "GLACIER"}]},
        {"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2**31}},
        {"Expiration": {"Days": 5, "Date": MIDNIGHT}},
        {"Expiration": {"Days": 5, "ExpiredObjectDeleteMarker": True}},
        {"Expiration": {"Date": MIDNIGHT, "ExpiredObjectDeleteMarker": True}},
        {"Transitions": [{"Days": 5, "Date": MIDNIGHT, "StorageClass": "GLACIER"}]},
    ],
)
def test_days_beyond_s3s_integer_and_conflicting_members_are_malformed(s3, bucket, actions):
    with pytest.raises(AwsError) as err:
        put_rules(s3, rule(**actions))
    assert (err.value.code, err.value.status) == ("MalformedXML", 400)
    assert "not well-formed" in err.value.message


@pytest.mark.parametrize(
    "actions, message, name",
    [
        ({"Expiration": {"Date": dt.datetime(2031, 1, 1, 12, tzinfo=dt.UTC)}},
         "'Date' must be at midnight GMT", "Date"),
        ({"Transitions": [{"Date": dt.datetime(2031, 1, 1, 0, 0, 1, tzinfo=dt.UTC),
                           "StorageClass": "GLACIER"}]},
         "'Date' must be at midnight GMT", "Date"),
        ({"NoncurrentVersionExpiration": {"NoncurrentDays": 0}},
         "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
         "NoncurrentDays"),
        ({"NoncurrentVersionTransitions": [{"NoncurrentDays": -1, "StorageClass": "GLACIER"}]},
         "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative",
         "NoncurrentDays"),
        ({"NoncurrentVersionTransitions": [{"NoncurrentDays": 10,
                                            "StorageClass": "STANDARD_IA"}]},
         "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal "
         "to 30 for storageClass 'STANDARD_IA'", "NoncurrentDays"),
        ({"AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 0}},
         "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
         "integer", "DaysAfterInitiation"),
    ],
)  # fmt: skip
def test_bad_dates_and_days_are_invalid_arguments(s3, bucket, actions, message, name):
    with pytest.raises(AwsError) as err:
        put_rules(s3, rule(**actions))
    assert (err.value.code, err.value.status, err.value.message) == (
        "InvalidArgument", 400, message)  # fmt: skip
    assert err.value.fields["ArgumentName"] == name
    with pytest.raises(AwsError) as err:
        s3("GetBucketLifecycleConfiguration", Bucket=bucket)
    assert err.value.code == "NoSuchLifecycleConfiguration"


def test_an_expiration_date_is_stored_as_text_and_applied(s3, bucket, real_days):
    put_rules(s3, {**rule(Expiration={"Date": MIDNIGHT}), "ID": "future"},
              {**rule(Expiration={"Date": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}), "ID": "past",
               "Filter": {"Prefix": "old/"}})  # fmt: skip
    assert "2031-01-01T00:00:00.000Z" in stored_rules()
    got = s3("GetBucketLifecycleConfiguration", Bucket=bucket)
    assert [r["Expiration"]["Date"] for r in got["Rules"]] == [
        "2031-01-01T00:00:00.000Z", "2020-01-01T00:00:00.000Z"]  # fmt: skip
    s3("PutObject", Bucket=bucket, Key="new", Body=b"n")
    s3("PutObject", Bucket=bucket, Key="old/x", Body=b"o")
    lifecycle.run_rules(Bucket.objects.get(resource_id="limits"))
    assert s3.read(bucket, "new") == b"n"
    with pytest.raises(AwsError) as err:
        s3("HeadObject", Bucket=bucket, Key="old/x")
    assert err.value.status == 404
    # The next run is due at the future rule's date.
    assert Bucket.objects.get(resource_id="limits").due_at == MIDNIGHT


def test_transition_dates_are_stored_as_text(s3, bucket, real_days):
    put_rules(s3, rule(Transitions=[{"Date": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                                     "StorageClass": "GLACIER"}]))  # fmt: skip
    s3("PutObject", Bucket=bucket, Key="k", Body=b"k")
    lifecycle.run_rules(Bucket.objects.get(resource_id="limits"))
    assert s3("HeadObject", Bucket=bucket, Key="k")["StorageClass"] == "GLACIER"
    assert "2020-01-01T00:00:00.000Z" in stored_rules()


# --- through the AWS door, against the live server (time scale 1) --------------------------


def test_boto3_far_days_then_put_object(student):
    client = student.client("s3")
    client.create_bucket(Bucket="wire-limits")
    client.put_bucket_lifecycle_configuration(Bucket="wire-limits", LifecycleConfiguration={
        "Rules": [{"ID": "far", "Status": "Enabled", "Filter": {},
                   "Expiration": {"Days": FAR},
                   "NoncurrentVersionExpiration": {"NoncurrentDays": FAR}}]})  # fmt: skip
    for number in range(3):
        client.put_object(Bucket="wire-limits", Key=f"k{number}", Body=b"x")
    assert client.get_object(Bucket="wire-limits", Key="k2")["Body"].read() == b"x"


def test_boto3_expiration_dates(student):
    client = student.client("s3")
    client.create_bucket(Bucket="wire-dates")
    client.put_bucket_lifecycle_configuration(Bucket="wire-dates", LifecycleConfiguration={
        "Rules": [{"ID": "date", "Status": "Enabled", "Filter": {"Prefix": "a/"},
                   "Expiration": {"Date": MIDNIGHT}},
                  {"ID": "move", "Status": "Enabled", "Filter": {"Prefix": "b/"},
                   "Transitions": [{"Date": MIDNIGHT, "StorageClass": "GLACIER"}]}]})  # fmt: skip
    client.put_object(Bucket="wire-dates", Key="a/x", Body=b"x")
    got = client.get_bucket_lifecycle_configuration(Bucket="wire-dates")["Rules"]
    assert got[0]["Expiration"]["Date"] == MIDNIGHT
    assert got[1]["Transitions"][0]["Date"] == MIDNIGHT
    with pytest.raises(ClientError) as err:
        client.put_bucket_lifecycle_configuration(Bucket="wire-dates", LifecycleConfiguration={
            "Rules": [{"ID": "noon", "Status": "Enabled", "Filter": {},
                       "Expiration": {"Date": MIDNIGHT.replace(hour=12)}}]})  # fmt: skip
    error = err.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "'Date' must be at midnight GMT"
    assert error["ArgumentName"] == "Date"
    with pytest.raises(ClientError) as err:
        client.put_bucket_lifecycle_configuration(Bucket="wire-dates", LifecycleConfiguration={
            "Rules": [{"ID": "far", "Status": "Enabled", "Filter": {},
                       "Expiration": {"Days": 2**31}}]})  # fmt: skip
    assert err.value.response["Error"]["Code"] == "MalformedXML"
