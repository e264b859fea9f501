"""Topics through the AWS door with unmodified boto3: create (standard, FIFO,
idempotent), attributes, paging, tags, permissions, and AWS's errors for bad input
(which change nothing)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def _error(excinfo) -> tuple[str, str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_a_topic_is_created_once_and_listed(student):
    sns = student.client("sns")
    arn = sns.create_topic(Name="orders", Tags=[{"Key": "team", "Value": "shop"}])["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{student.account_id}:orders"
    # CreateTopic is idempotent: the same name answers the same topic.
    assert sns.create_topic(Name="orders")["TopicArn"] == arn
    assert sns.list_topics()["Topics"] == [{"TopicArn": arn}]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["Owner"] == student.account_id
    assert attrs["SubscriptionsConfirmed"] == "0"
    assert attrs["SubscriptionsPending"] == "0"
    assert attrs["TopicArn"] == arn
    policy = json.loads(attrs["Policy"])
    assert policy["Statement"][0]["Condition"] == {
        "StringEquals": {"AWS:SourceOwner": student.account_id}
    }
    assert (
        json.loads(attrs["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"][
            "numRetries"
        ]
        == 3
    )
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "shop"}]
    # Another region does not see it.
    assert student.client("sns", region="eu-west-1").list_topics()["Topics"] == []


def test_fifo_topics(student):
    sns = student.client("sns")
    arn = sns.create_topic(
        Name="orders.fifo",
        Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"},
    )["TopicArn"]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["FifoTopic"] == "true"
    assert attrs["ContentBasedDeduplication"] == "true"
    with pytest.raises(ClientError) as bad:
        sns.create_topic(Name="plain", Attributes={"FifoTopic": "true"})
    code, message, status = _error(bad)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: Fifo Topic names must end with .fifo")
    with pytest.raises(ClientError) as bad:
        sns.create_topic(Name="nofifo.fifo")
    assert _error(bad)[:2] == ("InvalidParameter", "Invalid parameter: Topic Name")
    with pytest.raises(ClientError) as bad:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="FifoTopic", AttributeValue="false")
    assert _error(bad)[:2] == ("InvalidParameter", "Invalid parameter: AttributeName")
    # FIFO publishing rules.
    with pytest.raises(ClientError) as bad:
        sns.publish(TopicArn=arn, Message="m")
    assert _error(bad)[1] == (
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    )
    first = sns.publish(TopicArn=arn, Message="m", MessageGroupId="g")
    again = sns.publish(TopicArn=arn, Message="m", MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]  # de-duplicated by content
    other = sns.publish(TopicArn=arn, Message="n", MessageGroupId="g")
    assert int(other["SequenceNumber"]) > int(first["SequenceNumber"])


def test_bad_names_and_attributes_change_nothing(student):
    sns = student.client("sns")
    for name in ("has space", "", "x" * 257, "dots.are.bad"):
        with pytest.raises(ClientError) as bad:
            sns.create_topic(Name=name)
        assert _error(bad)[0] in ("InvalidParameter", "ValidationError")
    with pytest.raises(ClientError) as bad:
        sns.create_topic(Name="t", Attributes={"Nope": "1"})
    assert _error(bad) == ("InvalidParameter", "Invalid parameter: AttributeName", 400)
    with pytest.raises(ClientError) as bad:
        sns.create_topic(Name="t", Attributes={"Policy": "{not json"})
    assert _error(bad)[1].startswith("Invalid parameter: Policy Error:")
    assert sns.list_topics()["Topics"] == []
    arn = sns.create_topic(Name="t")["TopicArn"]
    with pytest.raises(ClientError) as bad:
        sns.create_topic(Name="t", Attributes={"DisplayName": "other"})
    assert "different attributes" in _error(bad)[1]
    with pytest.raises(ClientError) as bad:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="3")
    assert _error(bad)[0] == "InvalidParameter"
    sns.set_topic_attributes(TopicArn=arn, AttributeName="SignatureVersion", AttributeValue="2")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Shop")
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attrs["SignatureVersion"], attrs["DisplayName"]) == ("2", "Shop")


def test_missing_topics_are_not_found(student):
    sns = student.client("sns")
    missing = f"arn:aws:sns:us-east-1:{student.account_id}:nothing"
    for call in (
        lambda: sns.get_topic_attributes(TopicArn=missing),
        lambda: sns.delete_topic(TopicArn=missing),
        lambda: sns.publish(TopicArn=missing, Message="x"),
        lambda: sns.subscribe(TopicArn=missing, Protocol="sms", Endpoint="+15555550100"),
    ):
        with pytest.raises(ClientError) as bad:
            call()
        assert _error(bad) == ("NotFound", "Topic does not exist", 404)
    with pytest.raises(ClientError) as bad:
        sns.get_topic_attributes(TopicArn="not-an-arn")
    assert _error(bad) == ("InvalidParameter", "Invalid parameter: TopicArn", 400)
    with pytest.raises(ClientError) as bad:
        sns.list_tags_for_resource(ResourceArn=missing)
    assert _error(bad) == ("ResourceNotFound", "Resource does not exist", 404)


def test_list_topics_pages_by_100(student):
    sns = student.client("sns")
    for i in range(105):
        sns.create_topic(Name=f"t{i:03d}")
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and first["NextToken"]
    second = sns.list_topics(NextToken=first["NextToken"])
    assert len(second["Topics"]) == 5 and "NextToken" not in second
    pages = sns.get_paginator("list_topics").paginate()
    assert sum(len(p["Topics"]) for p in pages) == 105
    with pytest.raises(ClientError) as bad:
        sns.list_topics(NextToken="garbage")
    assert _error(bad) == ("InvalidParameter", "Invalid parameter: NextToken", 400)


def test_tags_and_delete(student):
    sns = student.client("sns")
    arn = sns.create_topic(Name="t")["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as bad:
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert _error(bad)[0] == "TagLimitExceeded"
    sub = sns.subscribe(TopicArn=arn, Protocol="sms", Endpoint="+15555550100")["SubscriptionArn"]
    sns.delete_topic(TopicArn=arn)
    assert sns.list_topics()["Topics"] == []
    with pytest.raises(ClientError) as bad:
        sns.get_subscription_attributes(SubscriptionArn=sub)
    assert _error(bad) == ("NotFound", "Subscription does not exist", 404)


def test_topic_policy_decides_for_other_accounts(student, transactional_db):
    from services.core.accounts import create_account

    other = create_account("other@example.com", "correct horse battery", alias="other")
    sns = student.client("sns")
    theirs = student.client(
        "sns", key_id=other.access_key.access_key_id, secret=other.access_key.secret_access_key
    )
    arn = sns.create_topic(Name="shared")["TopicArn"]
    with pytest.raises(ClientError) as bad:
        theirs.publish(TopicArn=arn, Message="hi")
    code, message, status = _error(bad)
    assert (code, status) == ("AuthorizationError", 403)
    assert (
        f"arn:aws:iam::{other.account.id}:root is not authorized to perform: sns:Publish" in message
    )
    sns.add_permission(
        TopicArn=arn, Label="partner", AWSAccountId=[other.account.id], ActionName=["Publish"]
    )
    assert theirs.publish(TopicArn=arn, Message="hi")["MessageId"]
    with pytest.raises(ClientError) as bad:
        theirs.delete_topic(TopicArn=arn)
    assert _error(bad)[0] == "AuthorizationError"
    sns.remove_permission(TopicArn=arn, Label="partner")
    with pytest.raises(ClientError):
        theirs.publish(TopicArn=arn, Message="hi")
    # The owner's root is bound by an explicit deny in the topic policy.
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": arn}
        ],
    }
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(deny))
    with pytest.raises(ClientError) as bad:
        sns.publish(TopicArn=arn, Message="x")
    assert _error(bad)[0] == "AuthorizationError"


def test_iam_users_need_permission(student):
    iam = student.client("iam")
    iam.create_user(UserName="dev")
    key = iam.create_access_key(UserName="dev")["AccessKey"]
    dev = student.client("sns", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    with pytest.raises(ClientError) as bad:
        dev.create_topic(Name="t")
    assert _error(bad)[0] == "AuthorizationError"
    arn = student.client("sns").create_topic(Name="t")["TopicArn"]
    iam.put_user_policy(
        UserName="dev",
        PolicyName="publish",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": arn}],
            }
        ),
    )
    assert dev.publish(TopicArn=arn, Message="ok")["MessageId"]
    with pytest.raises(ClientError) as bad:
        dev.get_topic_attributes(TopicArn=arn)
    assert _error(bad)[0] == "AuthorizationError"
