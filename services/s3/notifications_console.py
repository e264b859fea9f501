"""The bucket's "Event notifications" and "Amazon EventBridge" sections of the console's
Properties tab: the table AWS's console shows, and the new configuration each of its
forms (create, delete, EventBridge on/off) asks PutBucketNotificationConfiguration
for. The call itself is made by the view, through the operation layer."""

from __future__ import annotations

from collections.abc import Mapping

from services.s3.notifications_delivery import KINDS

# The console's event type choices, in its order and words.
EVENT_CHOICES = (
    ("s3:ObjectCreated:*", "All object create events"),
    ("s3:ObjectCreated:Put", "Put"),
    ("s3:ObjectCreated:Post", "Post"),
    ("s3:ObjectCreated:Copy", "Copy"),
    ("s3:ObjectCreated:CompleteMultipartUpload", "Multipart upload completed"),
    ("s3:ObjectRemoved:*", "All object removal events"),
    ("s3:ObjectRemoved:Delete", "Permanently deleted"),
    ("s3:ObjectRemoved:DeleteMarkerCreated", "Delete marker created"),
)
DESTINATIONS = {
    "sqs": ("QueueConfigurations", "QueueArn", "SQS queue"),
    "sns": ("TopicConfigurations", "TopicArn", "SNS topic"),
    "lambda": ("LambdaFunctionConfigurations", "LambdaFunctionArn", "Lambda function"),
}


def rows(config: Mapping) -> list[dict]:
    """One row per configuration: name, event types, filters, destination type and ARN."""
    labels = {kind: label for kind, _, label in DESTINATIONS.values()}
    out = []
    for kind, arn_field, _ in KINDS:
        for item in config.get(kind) or []:
            rules = ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
            out.append(
                {
                    "id": item.get("Id", ""),
                    "events": ", ".join(item.get("Events") or []),
                    "filters": ", ".join(f"{r['Name']}: {r['Value']}" for r in rules) or "–",
                    "type": labels[kind],
                    "destination": item.get(arn_field, ""),
                }
            )
    return out


def _editable(config: Mapping) -> dict:
    return {k: [dict(i) for i in v] if isinstance(v, list) else v for k, v in config.items()}


def with_new(config: Mapping, form: Mapping) -> dict | str:
    """The configuration with the form's new event notification added, or what is wrong
    with the form (as the console says it before calling S3)."""
    name = (form.get("name") or "").strip()
    events = list(form.getlist("events")) if hasattr(form, "getlist") else []
    destination = form.get("destination") or ""
    arn = (form.get("arn") or "").strip()
    if destination not in DESTINATIONS:
        return "Choose a destination."
    if not events:
        return "Choose at least one event type."
    if not arn:
        return "Enter the ARN of the destination."
    kind, arn_field, _ = DESTINATIONS[destination]
    item: dict = {arn_field: arn, "Events": events}
    if name:
        item["Id"] = name
    rules = [
        {"Name": rule, "Value": form.get(rule, "")}
        for rule in ("prefix", "suffix")
        if (form.get(rule) or "")
    ]
    if rules:
        item["Filter"] = {"Key": {"FilterRules": rules}}
    updated = _editable(config)
    updated[kind] = [*updated.get(kind, []), item]
    return updated


def without(config: Mapping, configuration_id: str) -> dict:
    """The configuration without the event notification named `configuration_id`."""
    updated = _editable(config)
    for kind, _, _ in KINDS:
        if kind in updated:
            updated[kind] = [i for i in updated[kind] if i.get("Id") != configuration_id]
            if not updated[kind]:
                del updated[kind]
    return updated


def with_eventbridge(config: Mapping, on: bool) -> dict:
    updated = _editable(config)
    if on:
        updated["EventBridgeConfiguration"] = {}
    else:
        updated.pop("EventBridgeConfiguration", None)
    return updated
