"""EventBridge in the registry: the service, event buses and rules. The console's list
pages, REST routes, OpenAPI schema, IAM ARNs, tags and lab checks (`events.event_buses`,
`events.rules`) come from these declarations; the create-rule page (the pattern editor
and its "Test pattern" sandbox) and the rule's details page (event pattern and targets
tabs) are EventBridge's own views (services/events/views.py) on the generic URLs."""

from __future__ import annotations

from django import forms

from services.core import registry
from services.core.registry import Action, Column, Listing, Pages, ResourceType, Service
from services.events.models import DEFAULT_BUS, EventBus, Rule

BUSES = "Buses"

registry.register_service(
    Service(
        "events",
        "Amazon EventBridge",
        "Serverless event bus that connects application data from your apps, SaaS, and "
        "AWS services",
        "Application Integration",
        nav_sections=(BUSES,),
    )
)


class EventBusForm(forms.Form):
    """The 'Create event bus' page."""

    Name = forms.CharField(
        label="Name",
        max_length=256,
        help_text="Maximum of 256 characters: letters, numbers, and . - _",
    )
    Description = forms.CharField(label="Description", max_length=512, required=False)


def event_bus_create_params(data: dict) -> dict:
    return {k: v for k, v in data.items() if v}


def _rule_params(rows: list) -> dict:
    """The rule's name, and its bus when that is not the default one (the REST door
    reads the name as the member its URL supplies)."""
    rule = rows[0]
    params = {"Name": rule.resource_id}
    if rule.bus_name != DEFAULT_BUS:
        params["EventBusName"] = rule.bus_name
    return params


EVENT_BUSES = registry.register(
    ResourceType(
        service="events",
        slug="event-buses",
        model=EventBus,
        label="Event bus",
        label_plural="Event buses",
        nav_section=BUSES,
        nav_order=10,
        columns=(
            Column("Name", "resource_id", link=True),
            Column("ARN", "arn", kind="code"),
            Column("Rules", "rule_count"),
            Column("Created", "created_at", kind="datetime"),
        ),
        detail_fields=(
            Column("Name", "resource_id"),
            Column("ARN", "arn", kind="code"),
            Column("Description", "description"),
            Column("Rules", "rule_count"),
            Column("Created", "created_at", kind="datetime"),
            Column("Last modified", "last_modified_at", kind="datetime"),
        ),
        actions=(
            Action(
                "Delete",
                "DeleteEventBus",
                params=lambda rows: {"Name": rows[0].resource_id},
                confirm="Delete event bus? Its rules and their targets are deleted with it. "
                "The default event bus cannot be deleted.",
                typed_confirmation="delete",
                destructive=True,
                enabled=lambda bus: not bus.is_default,
            ),
        ),
        create_operation="CreateEventBus",
        create_form=EventBusForm,
        create_params=event_bus_create_params,
        listing=Listing("ListEventBuses", "EventBuses", "Name"),
        search_fields=("resource_id", "description"),
        default_ordering="resource_id",
        extra={"describe_params": lambda name: {"NamePrefix": name}},
    )
)

RULES = registry.register(
    ResourceType(
        service="events",
        slug="rules",
        model=Rule,
        label="Rule",
        label_plural="Rules",
        nav_section=BUSES,
        nav_order=20,
        columns=(
            Column("Name", "resource_id", link=True),
            Column("Status", "status", kind="state"),
            Column("Type", "rule_type"),
            Column("Event bus", "bus_name"),
            Column("Description", "description"),
            Column("Targets", "target_count"),
        ),
        detail_fields=(
            Column("Rule name", "resource_id"),
            Column("Status", "status", kind="state"),
            Column("Type", "rule_type"),
            Column("Event bus name", "bus_name"),
            Column("Description", "description"),
            Column("Schedule", "schedule_expression"),
            Column("Rule ARN", "arn", kind="code"),
            Column("Created", "created_at", kind="datetime"),
        ),
        actions=(
            Action(
                "Enable",
                "EnableRule",
                params=_rule_params,
                enabled=lambda rule: not rule.enabled,
            ),
            Action(
                "Disable",
                "DisableRule",
                params=_rule_params,
                confirm="Disable rule? It stops matching events and stops running on its "
                "schedule until you enable it again.",
                enabled=lambda rule: rule.enabled,
            ),
            Action(
                "Delete",
                "DeleteRule",
                params=_rule_params,
                confirm="Delete rule? Its targets are removed first (RemoveTargets), then "
                "the rule is deleted (DeleteRule).",
                typed_confirmation="delete",
                destructive=True,
            ),
        ),
        create_operation="PutRule",
        listing=Listing("ListRules", "Rules", "Name"),
        search_fields=("resource_id", "description", "state"),
        default_ordering="resource_id",
        pages=Pages(
            create="services.events.views.create_rule",
            detail="services.events.views.rule_detail",
            actions={"DeleteRule": "services.events.views.delete_rule"},
        ),
        extra={
            "create_label": "Create rule",
            "describe_params": lambda name: {"NamePrefix": name},
        },
    )
)
