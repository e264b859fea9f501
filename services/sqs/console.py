"""What the SQS console pages compute besides their calls: the CLI equivalent of a
create or send, and the form values of the create wizard as CreateQueue parameters."""

from __future__ import annotations

import json
import shlex


def _quote(value: str) -> str:
    return shlex.quote(value)


def create_params(data: dict) -> dict:
    """CreateQueue parameters from the wizard's fields (strings, as posted)."""
    fifo = data.get("type") == "fifo"
    name = (data.get("name") or "").strip()
    attributes = {
        "VisibilityTimeout": str(data.get("visibility_timeout") or "30"),
        "MessageRetentionPeriod": str(data.get("retention") or "345600"),
        "DelaySeconds": str(data.get("delay") or "0"),
        "MaximumMessageSize": str(data.get("max_size") or "1048576"),
        "ReceiveMessageWaitTimeSeconds": str(data.get("receive_wait") or "0"),
        "SqsManagedSseEnabled": "true" if data.get("sse", "on") == "on" else "false",
    }
    if fifo:
        attributes["FifoQueue"] = "true"
        if data.get("content_based_dedup") == "on":
            attributes["ContentBasedDeduplication"] = "true"
        if data.get("high_throughput") == "on":
            attributes["DeduplicationScope"] = "messageGroup"
            attributes["FifoThroughputLimit"] = "perMessageGroupId"
    policy = (data.get("policy") or "").strip()
    if policy:
        attributes["Policy"] = policy
    if data.get("dlq_enabled") == "on" and data.get("dlq_arn"):
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": data["dlq_arn"],
             "maxReceiveCount": int(data.get("max_receive_count") or 10)},
            separators=(",", ":"),
        )  # fmt: skip
    allow = data.get("redrive_allow") or ""
    if allow in ("allowAll", "denyAll"):
        attributes["RedriveAllowPolicy"] = json.dumps({"redrivePermission": allow})
    params: dict = {"QueueName": name, "Attributes": attributes}
    tags = {}
    for key, value in zip(data.get("tag_keys", []), data.get("tag_values", []), strict=False):
        if key.strip():
            tags[key.strip()] = value
    if tags:
        params["tags"] = tags
    return params


def create_cli(params: dict) -> str:
    parts = ["aws sqs create-queue", f"--queue-name {_quote(params.get('QueueName') or '<name>')}"]
    if params.get("Attributes"):
        parts.append(f"--attributes {_quote(json.dumps(params['Attributes']))}")
    if params.get("tags"):
        parts.append(f"--tags {_quote(json.dumps(params['tags']))}")
    return " \\\n    ".join(parts)


def send_cli(url: str, params: dict) -> str:
    parts = ["aws sqs send-message", f"--queue-url {_quote(url)}",
             f"--message-body {_quote(params.get('MessageBody') or '<body>')}"]  # fmt: skip
    if params.get("MessageGroupId"):
        parts.append(f"--message-group-id {_quote(params['MessageGroupId'])}")
    if params.get("MessageDeduplicationId"):
        parts.append(f"--message-deduplication-id {_quote(params['MessageDeduplicationId'])}")
    if params.get("DelaySeconds"):
        parts.append(f"--delay-seconds {params['DelaySeconds']}")
    if params.get("MessageAttributes"):
        parts.append(f"--message-attributes {_quote(json.dumps(params['MessageAttributes']))}")
    return " \\\n    ".join(parts)


def receive_cli(url: str, count: int, wait: int) -> str:
    return (
        f"aws sqs receive-message --queue-url {_quote(url)} \\\n"
        f"    --max-number-of-messages {count} --wait-time-seconds {wait} \\\n"
        "    --attribute-names All --message-attribute-names All"
    )
