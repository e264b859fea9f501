"""The base every simulated resource builds on: owner account, region, AWS id, ARN, tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils import timezone

from services.core import ids

if TYPE_CHECKING:
    from services.core.context import CallContext


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, ctx: CallContext) -> ResourceQuerySet:
        """What the caller's account sees in the caller's region (GLB-03): a resource of
        another account or region is simply not found."""
        qs = self.filter(account_id=ctx.account.id)
        if self.model.regional:
            qs = qs.filter(region=ctx.region)
        return qs

    def with_tag(self, key: str, values: list[str] | None = None) -> ResourceQuerySet:
        if not values:
            return self.filter(tags__has_key=key)
        query = models.Q()
        for value in values:
            query |= models.Q(tags__contains={key: value})
        return self.filter(query)


class Resource(models.Model):
    """A resource of a simulated account. Subclasses name their id prefix and ARN format.

    `resource_id` is the AWS id (`vol-0123...`) and unique across the installation, as
    AWS ids are; `tags` holds AWS tags as a key-to-value object.
    """

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=32, db_index=True)
    resource_id = models.CharField(max_length=64, unique=True)
    tags = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    id_prefix: ClassVar[str] = ""
    # e.g. "arn:aws:ec2:{region}:{account}:volume/{id}"
    arn_format: ClassVar[str] = ""
    # Global resources (IAM, Route 53) ignore the region when scoped.
    regional: ClassVar[bool] = True

    objects = ResourceQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name or self.resource_id

    def save(self, *args, **kwargs) -> None:
        if not self.resource_id:
            self.resource_id = ids.resource_id(self.id_prefix)
        super().save(*args, **kwargs)

    @property
    def arn(self) -> str:
        return self.arn_format.format(
            region=self.region if self.regional else "",
            account=self.account_id,
            id=self.resource_id,
        )

    @property
    def name(self) -> str:
        return self.tags.get("Name", "")

    def tag_list(self) -> list[dict[str, str]]:
        """Tags in the AWS wire shape: [{"Key": ..., "Value": ...}]."""
        return [{"Key": k, "Value": v} for k, v in sorted(self.tags.items())]
