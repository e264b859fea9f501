from __future__ import annotations


def test_create_and_list(student):
    sns = student.client("sns")
    arn = sns.create_topic(Name="orders")["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{student.account_id}:orders"
    assert sns.list_topics()["Topics"] == [{"TopicArn": arn}]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["Owner"] == student.account_id
