"""S3 event notifications through boto3 against the live server: the configuration is
checked as AWS checks it (filter rules, overlapping configurations, destinations that
must accept S3's test event), and object writes and deletes send AWS's event messages
to SQS queues (and through SNS topics) from the worker."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from django.apps import apps


@pytest.fixture
def s3c(student):
    return student.client("s3")


def queue_config(arn: str, events: list[str], prefix: str = "", suffix: str = "", **kw) -> dict:
    rules = [{"Name": "prefix", "Value": prefix}] if prefix else []
    rules += [{"Name": "suffix", "Value": suffix}] if suffix else []
    config: dict = {"QueueArn": arn, "Events": events, **kw}
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    return config


def put(client, bucket: str, config: dict, skip: bool = False) -> dict:
    kwargs = {"SkipDestinationValidation": True} if skip else {}
    return client.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=config, **kwargs
    )


def refused(client, bucket: str, config: dict, skip: bool = False) -> dict:
    with pytest.raises(ClientError) as caught:
        put(client, bucket, config, skip)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return caught.value.response["Error"]


def test_a_bucket_starts_without_notifications(s3c):
    s3c.create_bucket(Bucket="notif-empty")
    got = s3c.get_bucket_notification_configuration(Bucket="notif-empty")
    assert not {k for k in got if k != "ResponseMetadata"}


def test_configuration_round_trip(s3c, student):
    s3c.create_bucket(Bucket="notif-round")
    arn = f"arn:aws:sqs:us-east-1:{student.account_id}:uploads"
    put(
        s3c,
        "notif-round",
        {
            "QueueConfigurations": [
                queue_config(arn, ["s3:ObjectCreated:*"], prefix="images/", Id="images"),
                queue_config(arn, ["s3:ObjectRemoved:*"]),
            ],
            "EventBridgeConfiguration": {},
        },
        skip=True,
    )
    got = s3c.get_bucket_notification_configuration(Bucket="notif-round")
    first, second = got["QueueConfigurations"]
    assert first["Id"] == "images"
    assert first["QueueArn"] == arn
    assert first["Events"] == ["s3:ObjectCreated:*"]
    # S3 answers the rule names capitalized
    assert first["Filter"]["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "images/"}]
    assert second["Id"]  # S3 names an unnamed configuration
    assert "EventBridgeConfiguration" in got
    # an empty configuration turns everything off
    put(s3c, "notif-round", {})
    got = s3c.get_bucket_notification_configuration(Bucket="notif-round")
    assert "QueueConfigurations" not in got and "EventBridgeConfiguration" not in got


def test_overlapping_configurations_are_refused(s3c, student):
    s3c.create_bucket(Bucket="notif-overlap")
    arn = f"arn:aws:sqs:us-east-1:{student.account_id}:q"
    overlap = (
        "Configurations overlap. Configurations on the same bucket cannot share a common "
        "event type."
    )
    cases = [
        # a wildcard covers the event of the other, no filters
        [queue_config(arn, ["s3:ObjectCreated:*"]), queue_config(arn, ["s3:ObjectCreated:Put"])],
        # prefixes where one starts the other
        [
            queue_config(arn, ["s3:ObjectCreated:Put"], prefix="images/"),
            queue_config(arn, ["s3:ObjectCreated:Put"], prefix="images/2024/"),
        ],
        # a prefix-only and a suffix-only rule overlap
        [
            queue_config(arn, ["s3:ObjectCreated:Put"], prefix="images/"),
            queue_config(arn, ["s3:ObjectCreated:Put"], suffix=".jpg"),
        ],
    ]
    for configs in cases:
        found = refused(s3c, "notif-overlap", {"QueueConfigurations": configs}, skip=True)
        assert (found["Code"], found["Message"]) == ("InvalidArgument", overlap)
    # these do not overlap: other events, other prefixes, other suffixes
    put(
        s3c,
        "notif-overlap",
        {
            "QueueConfigurations": [
                queue_config(arn, ["s3:ObjectCreated:*"], prefix="images/", suffix=".jpg"),
                queue_config(arn, ["s3:ObjectCreated:*"], prefix="images/", suffix=".png"),
                queue_config(arn, ["s3:ObjectCreated:*"], prefix="logs/"),
                queue_config(arn, ["s3:ObjectRemoved:*"]),
            ]
        },
        skip=True,
    )
    assert (
        len(
            s3c.get_bucket_notification_configuration(Bucket="notif-overlap")["QueueConfigurations"]
        )
        == 4
    )


def test_bad_filter_rules_are_refused(s3c, student):
    s3c.create_bucket(Bucket="notif-rules")
    arn = f"arn:aws:sqs:us-east-1:{student.account_id}:q"
    twice = queue_config(arn, ["s3:ObjectCreated:*"])
    twice["Filter"] = {
        "Key": {"FilterRules": [{"Name": "prefix", "Value": "a"}, {"Name": "Prefix", "Value": "b"}]}
    }
    found = refused(s3c, "notif-rules", {"QueueConfigurations": [twice]}, skip=True)
    assert found["Message"] == "Cannot specify more than one prefix rule in a filter."
    got = s3c.get_bucket_notification_configuration(Bucket="notif-rules")
    assert "QueueConfigurations" not in got  # nothing changed


def test_a_destination_that_does_not_exist_is_refused(s3c, student):
    s3c.create_bucket(Bucket="notif-missing")
    arn = f"arn:aws:sqs:us-east-1:{student.account_id}:nothing-here"
    found = refused(
        s3c, "notif-missing", {"QueueConfigurations": [queue_config(arn, ["s3:ObjectCreated:*"])]}
    )
    assert found["Code"] == "InvalidArgument"
    assert found["Message"] == "Unable to validate the following destination configurations"
    assert found["ArgumentName1"] == arn
    assert found["ArgumentValue1"] == "The destination queue does not exist"


def test_lambda_destinations_are_refused_until_lambda_exists(s3c, student):
    s3c.create_bucket(Bucket="notif-lambda")
    arn = f"arn:aws:lambda:us-east-1:{student.account_id}:function:resize"
    found = refused(
        s3c,
        "notif-lambda",
        {
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    assert found["Message"] == "Unable to validate the following destination configurations"
    assert found["ArgumentName1"] == arn
    assert found["ArgumentValue1"] == f"Not authorized to invoke function [{arn}]"


# --- delivery to SQS (needs the SQS service) ----------------------------------------------

needs_sqs = pytest.mark.skipif(
    not apps.is_installed("services.sqs"), reason="SQS is not installed in this tree"
)


def s3_may_send(queue_arn: str, bucket: str, account_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"},
                        "StringEquals": {"aws:SourceAccount": account_id},
                    },
                }
            ],
        }
    )


def receive_all(sqs, url: str, want: int, timeout: float = 30) -> list[dict]:
    bodies: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(bodies) < want and time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
        for message in got.get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


@needs_sqs
def test_a_queue_whose_policy_does_not_allow_s3_is_refused(s3c, student):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="no-s3")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3c.create_bucket(Bucket="notif-denied")
    found = refused(
        s3c, "notif-denied", {"QueueConfigurations": [queue_config(arn, ["s3:ObjectCreated:*"])]}
    )
    assert found["ArgumentName1"] == arn
    assert found["ArgumentValue1"] == (
        "Permissions on the destination queue do not allow S3 to publish notifications from "
        "this bucket"
    )
    assert receive_all(sqs, url, 1, timeout=3) == []  # the refused call sent nothing


@needs_sqs
def test_object_events_arrive_in_the_queue(s3c, student, worker):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3c.create_bucket(Bucket="notif-live")
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": s3_may_send(arn, "notif-live", student.account_id)}
    )
    put(
        s3c,
        "notif-live",
        {
            "QueueConfigurations": [
                queue_config(arn, ["s3:ObjectCreated:*"], prefix="in/", Id="created"),
                queue_config(arn, ["s3:ObjectRemoved:*"], prefix="in/", Id="removed"),
            ]
        },
    )
    test = receive_all(sqs, url, 1)
    assert test[0]["Event"] == "s3:TestEvent"
    assert test[0]["Service"] == "Amazon S3"
    assert test[0]["Bucket"] == "notif-live"

    s3c.put_object(Bucket="notif-live", Key="in/a b.txt", Body=b"hello")
    s3c.put_object(Bucket="notif-live", Key="other/skip.txt", Body=b"not sent")
    s3c.copy_object(Bucket="notif-live", Key="in/copy.txt", CopySource="notif-live/in/a b.txt")
    s3c.delete_object(Bucket="notif-live", Key="in/copy.txt")
    records = [body["Records"][0] for body in receive_all(sqs, url, 3)]
    assert sorted(r["eventName"] for r in records) == [
        "ObjectCreated:Copy",
        "ObjectCreated:Put",
        "ObjectRemoved:Delete",
    ]
    put_record = next(r for r in records if r["eventName"] == "ObjectCreated:Put")
    assert put_record["eventVersion"] == "2.1"
    assert put_record["eventSource"] == "aws:s3"
    assert put_record["awsRegion"] == "us-east-1"
    assert put_record["s3"]["configurationId"] == "created"
    assert put_record["s3"]["bucket"]["name"] == "notif-live"
    assert put_record["s3"]["bucket"]["arn"] == "arn:aws:s3:::notif-live"
    assert put_record["s3"]["object"]["key"] == "in/a+b.txt"  # URL-encoded, as S3 sends it
    assert put_record["s3"]["object"]["size"] == 5
    assert put_record["s3"]["object"]["eTag"] == "5d41402abc4b2a76b9719d911017c592"
    removed = next(r for r in records if r["eventName"] == "ObjectRemoved:Delete")
    assert removed["s3"]["configurationId"] == "removed"
    assert "size" not in removed["s3"]["object"]


@needs_sqs
def test_versioned_deletes_multipart_and_suffix_filters(s3c, student, worker):
    sqs = student.client("sqs")
    url = sqs.create_queue(QueueName="images")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3c.create_bucket(Bucket="notif-versioned")
    s3c.put_bucket_versioning(
        Bucket="notif-versioned", VersioningConfiguration={"Status": "Enabled"}
    )
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": s3_may_send(arn, "notif-versioned", student.account_id)}
    )
    put(
        s3c,
        "notif-versioned",
        {
            "QueueConfigurations": [
                queue_config(arn, ["s3:ObjectCreated:CompleteMultipartUpload"], suffix=".jpg"),
                queue_config(arn, ["s3:ObjectRemoved:DeleteMarkerCreated"], suffix=".jpg"),
                queue_config(arn, ["s3:ObjectRemoved:Delete"], suffix=".jpg"),
            ]
        },
    )
    assert receive_all(sqs, url, 1)[0]["Event"] == "s3:TestEvent"
    upload = s3c.create_multipart_upload(Bucket="notif-versioned", Key="cat.jpg")
    part = s3c.upload_part(
        Bucket="notif-versioned", Key="cat.jpg", UploadId=upload["UploadId"], PartNumber=1,
        Body=b"meow",
    )  # fmt: skip
    done = s3c.complete_multipart_upload(
        Bucket="notif-versioned", Key="cat.jpg", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )  # fmt: skip
    s3c.put_object(Bucket="notif-versioned", Key="cat.png", Body=b"not sent")
    marker = s3c.delete_object(Bucket="notif-versioned", Key="cat.jpg")
    s3c.delete_objects(
        Bucket="notif-versioned",
        Delete={"Objects": [{"Key": "cat.jpg", "VersionId": done["VersionId"]}]},
    )
    records = {r["eventName"]: r for b in receive_all(sqs, url, 3) for r in b["Records"]}
    assert set(records) == {
        "ObjectCreated:CompleteMultipartUpload",
        "ObjectRemoved:DeleteMarkerCreated",
        "ObjectRemoved:Delete",
    }
    created = records["ObjectCreated:CompleteMultipartUpload"]["s3"]["object"]
    assert created["versionId"] == done["VersionId"]
    assert created["size"] == 4
    marked = records["ObjectRemoved:DeleteMarkerCreated"]["s3"]["object"]
    assert marked["versionId"] == marker["VersionId"]
    assert records["ObjectRemoved:Delete"]["s3"]["object"]["versionId"] == done["VersionId"]
    # sequencers grow for one key, so consumers can order the events
    assert int(marked["sequencer"], 16) > int(created["sequencer"], 16)


needs_sns = pytest.mark.skipif(
    not apps.is_installed("services.sns") or not apps.is_installed("services.sqs"),
    reason="SNS and SQS are not installed in this tree",
)


def service_may(service: str, action: str, resource: str, source_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": action,
                    "Resource": resource,
                    "Condition": {"ArnLike": {"aws:SourceArn": source_arn}},
                }
            ],
        }
    )


@needs_sns
def test_events_fan_out_through_an_sns_topic(s3c, student, worker):
    sns, sqs = student.client("sns"), student.client("sqs")
    topic = sns.create_topic(Name="uploads")["TopicArn"]
    url = sqs.create_queue(QueueName="from-topic")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": service_may("sns.amazonaws.com", "sqs:SendMessage", queue, topic)},
    )
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"}
    )
    s3c.create_bucket(Bucket="notif-topic")
    config = {"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}
    # the default topic policy does not let S3 publish
    found = refused(s3c, "notif-topic", config)
    assert found["ArgumentName1"] == topic
    assert found["ArgumentValue1"] == (
        "Permissions on the destination topic do not allow S3 to publish notifications from "
        "this bucket"
    )
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=service_may(
            "s3.amazonaws.com", "SNS:Publish", topic, "arn:aws:s3:::notif-topic"
        ),
    )
    put(s3c, "notif-topic", config)
    assert receive_all(sqs, url, 1)[0]["Event"] == "s3:TestEvent"
    s3c.put_object(Bucket="notif-topic", Key="report.csv", Body=b"a,b")
    (record,) = receive_all(sqs, url, 1)[0]["Records"]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "report.csv"


needs_events = pytest.mark.skipif(
    not apps.is_installed("services.events") or not apps.is_installed("services.sqs"),
    reason="EventBridge and SQS are not installed in this tree",
)


@needs_events
def test_eventbridge_notifications_reach_a_rule(s3c, student, worker):
    events, sqs = student.client("events"), student.client("sqs")
    url = sqs.create_queue(QueueName="s3-events")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = events.put_rule(
        Name="uploads",
        EventPattern=json.dumps(
            {
                "source": ["aws.s3"],
                "detail-type": ["Object Created"],
                "detail": {
                    "bucket": {"name": ["notif-bridge"]},
                    "object": {"key": [{"prefix": "in/"}]},
                },
            }
        ),
    )["RuleArn"]
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": service_may("events.amazonaws.com", "sqs:SendMessage", queue, rule)},
    )
    events.put_targets(Rule="uploads", Targets=[{"Id": "q", "Arn": queue}])
    s3c.create_bucket(Bucket="notif-bridge")
    put(s3c, "notif-bridge", {"EventBridgeConfiguration": {}})
    s3c.put_object(Bucket="notif-bridge", Key="in/data.json", Body=b"{}")
    s3c.put_object(Bucket="notif-bridge", Key="out/skip.json", Body=b"{}")
    (event,) = receive_all(sqs, url, 1)
    assert event["source"] == "aws.s3"
    assert event["detail-type"] == "Object Created"
    assert event["resources"] == ["arn:aws:s3:::notif-bridge"]
    assert event["detail"]["object"]["key"] == "in/data.json"
    assert event["detail"]["object"]["size"] == 2
    assert event["detail"]["reason"] == "PutObject"
    assert receive_all(sqs, url, 1, timeout=4) == []


def test_the_aws_cli_sets_and_reads_a_configuration(s3c, student):
    s3c.create_bucket(Bucket="notif-cli")
    arn = f"arn:aws:lambda:us-east-1:{student.account_id}:function:thumbnails"
    config = {
        "LambdaFunctionConfigurations": [
            {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
        ]
    }
    done = student.cli(
        "s3api", "put-bucket-notification-configuration", "--bucket", "notif-cli",
        "--notification-configuration", json.dumps(config),
    )  # fmt: skip
    assert done.returncode != 0
    assert (
        "An error occurred (InvalidArgument) when calling the PutBucketNotificationConfiguration "
        "operation: Unable to validate the following destination configurations"
    ) in done.stderr
    done = student.cli(
        "s3api", "put-bucket-notification-configuration", "--bucket", "notif-cli",
        "--notification-configuration", '{"EventBridgeConfiguration": {}}',
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = student.cli("s3api", "get-bucket-notification-configuration", "--bucket", "notif-cli")
    assert done.returncode == 0, done.stderr
    assert done.data == {"EventBridgeConfiguration": {}}
