"""The console's forms: Create topic, Create subscription, Publish message."""

from __future__ import annotations

import shlex

from django import forms

PROTOCOL_CHOICES = [
    ("sqs", "Amazon SQS"),
    ("http", "HTTP"),
    ("https", "HTTPS"),
    ("email", "Email"),
    ("email-json", "Email-JSON"),
    ("sms", "SMS"),
]


class TopicForm(forms.Form):
    description = "Create a topic. You can't change its type after you create it."
    topic_type = forms.ChoiceField(
        label="Type",
        choices=[("standard", "Standard"), ("fifo", "FIFO (first-in, first-out)")],
        initial="standard",
        widget=forms.RadioSelect,
        help_text="Standard: best-effort ordering, at-least-once delivery. FIFO: strictly "
        "ordered, exactly-once delivery to SQS queues.",
    )
    name = forms.CharField(
        label="Name",
        max_length=256,
        help_text="Up to 256 characters: letters, numbers, hyphens (-) and underscores (_). "
        "A FIFO topic's name ends in .fifo (added if you leave it out).",
    )
    display_name = forms.CharField(
        label="Display name - optional", max_length=100, required=False,
        help_text="Shown as the sender of SMS and email messages.",
    )  # fmt: skip
    content_based_deduplication = forms.BooleanField(
        label="Content-based message deduplication (FIFO only)", required=False
    )
    policy = forms.CharField(
        label="Access policy - optional", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A JSON topic policy; leave empty for the default (only the topic owner).",
    )  # fmt: skip
    sections = [
        ("Details", ["topic_type", "name", "display_name", "content_based_deduplication"]),
        ("Access policy - optional", ["policy"]),
    ]


def topic_params(data: dict) -> dict:
    name = data["name"].strip()
    attributes: dict[str, str] = {}
    if data.get("topic_type") == "fifo":
        if not name.endswith(".fifo"):
            name += ".fifo"
        attributes["FifoTopic"] = "true"
        if data.get("content_based_deduplication"):
            attributes["ContentBasedDeduplication"] = "true"
    if data.get("display_name"):
        attributes["DisplayName"] = data["display_name"]
    if (data.get("policy") or "").strip():
        attributes["Policy"] = data["policy"].strip()
    params: dict = {"Name": name}
    if attributes:
        params["Attributes"] = attributes
    return params


class SubscriptionForm(forms.Form):
    topic_arn = forms.ChoiceField(label="Topic ARN", choices=())
    protocol = forms.ChoiceField(label="Protocol", choices=PROTOCOL_CHOICES)
    endpoint = forms.CharField(
        label="Endpoint", max_length=2048,
        help_text="An SQS queue ARN, an http(s):// URL on this machine, an email address "
        "or a phone number (E.164).",
    )  # fmt: skip
    raw_message_delivery = forms.BooleanField(label="Enable raw message delivery", required=False)
    filter_policy = forms.CharField(
        label="Subscription filter policy - optional", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    filter_policy_scope = forms.ChoiceField(
        label="Filter policy scope",
        choices=[("MessageAttributes", "Message attributes"), ("MessageBody", "Message body")],
        initial="MessageAttributes",
        required=False,
    )
    dead_letter_queue = forms.CharField(
        label="Redrive policy (dead-letter queue) - optional", required=False,
        help_text="The ARN of an SQS queue that receives messages SNS could not deliver.",
    )  # fmt: skip

    def __init__(self, *args, topics: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic_arn"].choices = [(t, t) for t in topics]


def subscription_params(data: dict) -> dict:
    attributes: dict[str, str] = {}
    if data.get("raw_message_delivery"):
        attributes["RawMessageDelivery"] = "true"
    if (data.get("filter_policy") or "").strip():
        attributes["FilterPolicy"] = data["filter_policy"].strip()
        attributes["FilterPolicyScope"] = data.get("filter_policy_scope") or "MessageAttributes"
    if (data.get("dead_letter_queue") or "").strip():
        import json

        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": data["dead_letter_queue"].strip()}
        )
    params = {
        "TopicArn": data["topic_arn"],
        "Protocol": data["protocol"],
        "Endpoint": data["endpoint"].strip(),
        "ReturnSubscriptionArn": True,
    }
    if attributes:
        params["Attributes"] = attributes
    return params


class PublishForm(forms.Form):
    subject = forms.CharField(label="Subject - optional", max_length=100, required=False)
    message_group_id = forms.CharField(label="Message group ID (FIFO)", required=False)
    message_deduplication_id = forms.CharField(
        label="Message deduplication ID (FIFO)", required=False
    )
    message = forms.CharField(
        label="Message body to send to the endpoint", widget=forms.Textarea(attrs={"rows": 8})
    )
    attribute_name = forms.CharField(label="Message attribute name", required=False)
    attribute_type = forms.ChoiceField(
        label="Type",
        choices=[("String", "String"), ("String.Array", "String.Array"), ("Number", "Number")],
        required=False,
    )
    attribute_value = forms.CharField(label="Value", required=False)


def publish_params(topic_arn: str, data: dict) -> dict:
    params: dict = {"TopicArn": topic_arn, "Message": data["message"]}
    if data.get("subject"):
        params["Subject"] = data["subject"]
    if data.get("message_group_id"):
        params["MessageGroupId"] = data["message_group_id"]
    if data.get("message_deduplication_id"):
        params["MessageDeduplicationId"] = data["message_deduplication_id"]
    if data.get("attribute_name"):
        params["MessageAttributes"] = {
            data["attribute_name"]: {
                "DataType": data.get("attribute_type") or "String",
                "StringValue": data.get("attribute_value") or "",
            }
        }
    return params


def cli(command: str, params: dict, region: str) -> str:
    """The AWS CLI command that makes the same call (shown under each form)."""
    parts = ["aws", "sns", command]
    for key, value in params.items():
        flag = "--" + "".join("-" + c.lower() if c.isupper() else c for c in key).lstrip("-")
        if isinstance(value, bool):
            parts.append(flag if value else "--no-" + flag[2:])
            continue
        if isinstance(value, dict):
            import json

            value = json.dumps(value)
        parts += [flag, shlex.quote(str(value))]
    parts += ["--region", region]
    return " ".join(parts)
