"""Placement groups: how instances launched into a group are placed on hardware."""

from __future__ import annotations

from django.db import models

from services.core.lifecycle import Lifecycle, LifecycleResource
from services.core.lookups import NotFound

STRATEGIES = ("cluster", "spread", "partition")
MAX_PARTITIONS = 7  # per Availability Zone
DEFAULT_PARTITIONS = 2


class PlacementGroup(NotFound, LifecycleResource):
    """A placement group, known by name in one region of one account: pending ->
    available; deleting -> gone. Its ARN names it by name, not by id."""

    id_prefix = "pg"
    arn_format = "arn:aws:ec2:{region}:{account}:placement-group/{id}"
    cloudformation_type = "AWS::EC2::PlacementGroup"
    not_found_error = ("InvalidPlacementGroup.Unknown", "The Placement Group '{id}' is unknown.")
    # A group is available a moment after it is created and gone a moment after it is
    # deleted (STRATOLAB_LIFECYCLE_SECONDS["ec2.placement-group.pending"] overrides).
    lifecycle = Lifecycle(
        "ec2.placement-group",
        {"pending": "available", "deleting": "deleted"},
        defaults={"pending": 2, "deleting": 3},
    )

    group_name = models.CharField(max_length=255)
    strategy = models.CharField(max_length=16)  # cluster | spread | partition
    partition_count = models.PositiveSmallIntegerField(null=True, blank=True)
    spread_level = models.CharField(max_length=8, blank=True, default="")  # rack

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "group_name"], name="placement_group_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.group_name

    @property
    def arn(self) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account_id}:placement-group/{self.group_name}"

    def on_enter(self, state: str) -> None:
        if state == "deleted":
            self.delete()

    def describe(self) -> dict:
        """The EC2 `PlacementGroup` shape."""
        data = {
            "GroupName": self.group_name,
            "State": self.state,
            "Strategy": self.strategy,
            "GroupId": self.resource_id,
            "Tags": self.tag_list(),
            "GroupArn": self.arn,
        }
        if self.partition_count is not None:
            data["PartitionCount"] = self.partition_count
        if self.spread_level:
            data["SpreadLevel"] = self.spread_level
        return data
