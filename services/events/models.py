"""EventBridge's rows: event buses, the rules on them and the rules' targets.

Buses and rules are known by name (EventBridge has no ids): `resource_id` holds the
name, unique per account and region for buses and per bus for rules (a database
constraint each), and the ARN is built from it."""

from __future__ import annotations

import json
from typing import ClassVar

from django.db import models

from services.core import locks
from services.core.lookups import NotFound
from services.core.models import Resource

DEFAULT_BUS = "default"
# AWS's quotas (Service Quotas, EventBridge): per account and region, per bus, per rule.
MAX_BUSES = 100
MAX_RULES_PER_BUS = 300
MAX_TARGETS_PER_RULE = 5
NAME_PATTERN = r"^[\.\-_A-Za-z0-9]+$"


def iso(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class EventBus(NotFound, Resource):
    """An event bus: the account's `default` one in each region (made on first use) or
    a custom one made by CreateEventBus."""

    resource_id = models.CharField(max_length=256)  # the bus name
    description = models.CharField(max_length=512, blank=True, default="")
    policy = models.TextField(blank=True, default="")
    last_modified_at = models.DateTimeField(auto_now=True)

    id_pattern: ClassVar[str] = r"^[/\.\-_A-Za-z0-9]+$"
    id_example: ClassVar[str] = "orders"
    cloudformation_type = "AWS::Events::EventBus"
    not_found_error = ("ResourceNotFoundException", "Event bus {id} does not exist.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "resource_id"], name="events_bus_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.resource_id

    @property
    def name(self) -> str:
        return self.resource_id

    @property
    def arn(self) -> str:
        return f"arn:aws:events:{self.region}:{self.account_id}:event-bus/{self.resource_id}"

    @property
    def is_default(self) -> bool:
        return self.resource_id == DEFAULT_BUS

    @property
    def rule_count(self) -> int:
        return Rule.objects.filter(bus=self).count()

    def describe(self) -> dict:
        """The `EventBus` shape of ListEventBuses (DescribeEventBus answers the same)."""
        data: dict = {"Name": self.resource_id, "Arn": self.arn}
        if self.description:
            data["Description"] = self.description
        if self.policy:
            data["Policy"] = self.policy
        data["CreationTime"] = self.created_at
        data["LastModifiedTime"] = self.last_modified_at
        return data


class Rule(NotFound, Resource):
    """A rule on a bus: an event pattern, a schedule (default bus only) or both."""

    resource_id = models.CharField(max_length=64)  # the rule name
    bus = models.ForeignKey(EventBus, on_delete=models.CASCADE, related_name="rules")
    event_pattern = models.TextField(blank=True, default="")
    schedule_expression = models.CharField(max_length=256, blank=True, default="")
    state = models.CharField(max_length=48, default="ENABLED")
    description = models.CharField(max_length=512, blank=True, default="")
    role_arn = models.CharField(max_length=1600, blank=True, default="")
    # When a scheduled rule fires next (the worker's beat task moves it on).
    next_fire_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    id_pattern: ClassVar[str] = NAME_PATTERN
    id_example: ClassVar[str] = "instance-stopped"
    cloudformation_type = "AWS::Events::Rule"
    not_found_error = ("ResourceNotFoundException", "Rule {id} does not exist.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "bus", "resource_id"], name="events_rule_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["account", "region", "state"])]

    def __str__(self) -> str:
        return self.resource_id

    @property
    def name(self) -> str:
        return self.resource_id

    @property
    def bus_name(self) -> str:
        return self.bus.resource_id if self.bus_id else DEFAULT_BUS

    @property
    def arn(self) -> str:
        bus = "" if self.bus_name == DEFAULT_BUS else f"{self.bus_name}/"
        return f"arn:aws:events:{self.region}:{self.account_id}:rule/{bus}{self.resource_id}"

    @property
    def enabled(self) -> bool:
        return self.state != "DISABLED"

    @property
    def status(self) -> str:
        """The console's Status ("enabled", shown as Enabled)."""
        return "disabled" if self.state == "DISABLED" else "enabled"

    @property
    def rule_type(self) -> str:
        """What the console's rules list calls it."""
        return "Scheduled" if self.schedule_expression else "Standard"

    @property
    def target_count(self) -> int:
        return self.targets.count()

    @property
    def pattern(self) -> dict | None:
        return json.loads(self.event_pattern) if self.event_pattern else None

    def describe(self, *, full: bool = False) -> dict:
        """The `Rule` shape of ListRules; `full` for DescribeRule's (which adds CreatedBy)."""
        data: dict = {"Name": self.resource_id, "Arn": self.arn}
        if self.event_pattern:
            data["EventPattern"] = self.event_pattern
        data["State"] = self.state
        if self.description:
            data["Description"] = self.description
        if self.schedule_expression:
            data["ScheduleExpression"] = self.schedule_expression
        if self.role_arn:
            data["RoleArn"] = self.role_arn
        data["EventBusName"] = self.bus.resource_id
        if full:
            data["CreatedBy"] = self.account_id
        return data


class Target(models.Model):
    """A target of a rule: where matched events go and in what shape."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="targets")
    target_id = models.CharField(max_length=64)
    arn = models.CharField(max_length=1600, db_index=True)
    # The Target shape as given (Input, InputPath, InputTransformer, SqsParameters...).
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "target_id"], name="events_target_id_unique"),
        ]

    def __str__(self) -> str:
        return self.target_id

    @property
    def service(self) -> str:
        parts = self.arn.split(":")
        return parts[2] if len(parts) > 2 else ""

    @property
    def input_label(self) -> str:
        if "InputTransformer" in self.data:
            return "Input transformer"
        if "InputPath" in self.data:
            return f"Part of the matched event: {self.data['InputPath']}"
        if "Input" in self.data:
            return "Constant (JSON text)"
        return "Matched event"

    def describe(self) -> dict:
        return {"Id": self.target_id, "Arn": self.arn, **self.data}


# Buses before their rules, rules before their targets; after the account.
locks.declare("events.EventBus", "events.Rule", "events.Target")
