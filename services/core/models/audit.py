"""The audit log: one event per operation call. It is CloudTrail's event history, the
instructor's activity feed and the input of lab checks (CT-01)."""

from __future__ import annotations

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class Event(models.Model):
    """What one call of one operation did: who, through which door, with what, and how
    it ended (an AWS error code, or none)."""

    DOORS = [("console", "Console"), ("aws", "AWS API"), ("rest", "REST API"), ("system", "System")]

    event_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="events")
    region = models.CharField(max_length=32)
    event_time = models.DateTimeField(default=timezone.now)
    event_source = models.CharField(max_length=64)  # ec2.amazonaws.com
    event_name = models.CharField(max_length=64)  # CreateVolume
    read_only = models.BooleanField(default=False)
    door = models.CharField(max_length=8, choices=DOORS)
    principal_arn = models.CharField(max_length=256)
    principal_type = models.CharField(max_length=32)  # Root, IAMUser, AssumedRole
    user_name = models.CharField(max_length=128, blank=True, default="")
    access_key_id = models.CharField(max_length=20, blank=True, default="")
    source_ip = models.CharField(max_length=64, blank=True, default="")
    user_agent = models.CharField(max_length=512, blank=True, default="")
    request_id = models.CharField(max_length=64)
    request_parameters = models.JSONField(null=True, blank=True)
    response_elements = models.JSONField(null=True, blank=True)
    # [{"ResourceType": "AWS::EC2::Volume", "ResourceName": "vol-..."}]
    resources = models.JSONField(default=list, blank=True)
    error_code = models.CharField(max_length=128, blank=True, default="")
    error_message = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-event_time"]
        indexes = [
            models.Index(fields=["account", "-event_time"]),
            models.Index(fields=["account", "event_name"]),
            GinIndex(fields=["resources"], name="event_resources_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.event_name} {self.event_id}"

    @property
    def denied(self) -> bool:
        return self.error_code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}

    def cloudtrail_record(self) -> dict:
        """The event as CloudTrail's JSON record shows it."""
        identity: dict[str, object] = {
            "type": self.principal_type,
            "arn": self.principal_arn,
            "accountId": self.account_id,
        }
        if self.user_name:
            identity["userName"] = self.user_name
        if self.access_key_id:
            identity["accessKeyId"] = self.access_key_id
        record: dict[str, object] = {
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": self.event_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": self.event_source,
            "eventName": self.event_name,
            "awsRegion": self.region,
            "sourceIPAddress": self.source_ip,
            "userAgent": self.user_agent,
            "requestParameters": self.request_parameters,
            "responseElements": self.response_elements,
            "requestID": self.request_id,
            "eventID": str(self.event_id),
            "readOnly": self.read_only,
            "resources": [
                {"type": r.get("ResourceType"), "ARN": r.get("ARN", r.get("ResourceName"))}
                for r in self.resources
            ],
            "eventType": "AwsApiCall" if self.door != "system" else "AwsServiceEvent",
            "managementEvent": True,
            "recipientAccountId": self.account_id,
            "eventCategory": "Management",
            "stratolabDoor": self.door,
        }
        if self.error_code:
            record["errorCode"] = self.error_code
            record["errorMessage"] = self.error_message
        return record
