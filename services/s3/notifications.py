"""Event notifications: the configuration is recorded and checked (destinations must
name services that exist), and each event a configuration would send is kept in the
audit-friendly `notification["Deliveries"]` log of the bucket, the last 50 of them, so a
lesson can show what would have been sent where."""

from __future__ import annotations

import fnmatch

from django.utils import timezone

from services.core.context import CallContext
from services.core.operations import operation
from services.s3.common import bucket_for
from services.s3.errors import invalid_argument
from services.s3.models import Bucket, ObjectVersion

_KINDS = (
    ("TopicConfigurations", "TopicArn", "sns"),
    ("QueueConfigurations", "QueueArn", "sqs"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "lambda"),
)
KEEP = 50


def _matches(config: dict, event: str, key: str) -> bool:
    if not any(fnmatch.fnmatchcase(event, pattern) for pattern in config.get("Events", [])):
        return False
    rules = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for rule in rules:
        name, value = rule.get("Name", "").lower(), rule.get("Value", "")
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True


def record(bucket: Bucket, event: str, version: ObjectVersion | None, *, key: str = "") -> None:
    """Note the deliveries `event` on `key` would make under the bucket's configuration."""
    config = bucket.notification or {}
    key = version.key if version is not None else key
    deliveries = []
    for kind, arn_field, _ in _KINDS:
        for item in config.get(kind) or []:
            if _matches(item, event, key):
                deliveries.append(
                    {
                        "eventTime": timezone.now().isoformat(),
                        "eventName": event.removeprefix("s3:"),
                        "key": key,
                        "destination": item.get(arn_field, ""),
                        "configurationId": item.get("Id", ""),
                    }
                )
    if config.get("EventBridgeConfiguration") is not None:
        deliveries.append({"eventTime": timezone.now().isoformat(),
                           "eventName": event.removeprefix("s3:"), "key": key,
                           "destination": "EventBridge", "configurationId": ""})  # fmt: skip
    if not deliveries:
        return
    log = (list(config.get("Deliveries") or []) + deliveries)[-KEEP:]
    Bucket.objects.filter(pk=bucket.pk).update(notification={**config, "Deliveries": log})
    bucket.notification = {**config, "Deliveries": log}


@operation("s3", "PutBucketNotificationConfiguration", iam_action="s3:PutBucketNotification")
def put_notification(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    config = dict(params.get("NotificationConfiguration") or {})
    for kind, arn_field, service in _KINDS:
        for item in config.get(kind) or []:
            arn = item.get(arn_field, "")
            if not arn.startswith(f"arn:aws:{service}:"):
                raise invalid_argument(
                    "Unable to validate the following destination configurations",
                    arn_field,
                    arn,
                )
            if not item.get("Events"):
                raise invalid_argument("The event is not supported for notifications", "Event")
    config.pop("Deliveries", None)
    config["Deliveries"] = (bucket.notification or {}).get("Deliveries", [])
    bucket.notification = config
    bucket.save(update_fields=["notification"])
    return {}


@operation("s3", "GetBucketNotificationConfiguration", iam_action="s3:GetBucketNotification")
def get_notification(ctx: CallContext, params: dict) -> dict:
    bucket = bucket_for(ctx, params["Bucket"])
    config = dict(bucket.notification or {})
    config.pop("Deliveries", None)
    return config
