"""CloudTrail's event history as a registered resource type: the audit log's rows
(`services.core.models.Event`) seen with the interface the generic console and REST
pages expect of a resource (`visible_to`, `resource_id`, `created_at`, `tags`)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast

from services.cloudtrail import errors
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import Event


class TrailEventManager(models.Manager):
    def visible_to(self, ctx: CallContext) -> models.QuerySet:
        """The events of the caller's account in the caller's region (LookupEvents'
        scope), newest first, with the resource fields as annotations so that the
        generic pages can filter and order on them in SQL."""
        return (
            self.get_queryset()
            .filter(account_id=ctx.account.id, region=ctx.region)
            .annotate(
                resource_id=Cast("event_id", output_field=models.CharField()),
                created_at=F("event_time"),
                tags=Value({}, output_field=models.JSONField()),
            )
            .order_by("-event_time")
        )


class TrailEvent(Event):
    """An event of CloudTrail's event history (LookupEvents' `Event`)."""

    # An event id is a UUID (no prefix); events have no ARN and no tags.
    id_prefix: ClassVar[str] = ""
    id_pattern: ClassVar[str] = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    id_example: ClassVar[str] = "0f3a9e52-1b2c-4d5e-8f90-1234567890ab"
    arn_format: ClassVar[str] = ""
    regional: ClassVar[bool] = True

    objects = TrailEventManager()

    class Meta:
        proxy = True
        verbose_name = "event"

    @property
    def name(self) -> str:
        return self.event_name

    @property
    def arn(self) -> None:
        return None

    @classmethod
    def rest_not_found(cls, resource_id: str, region: str) -> AwsError:
        return errors.NotFound(f"The event {resource_id} is not in the event history of {region}.")
