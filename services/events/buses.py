"""Event buses: the account's default bus in each region and custom ones."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from services.core import constraints, lookups, regions
from services.core.context import CallContext
from services.core.models import Account
from services.core.operations import operation
from services.events import errors, paging, tagging
from services.events.models import DEFAULT_BUS, MAX_BUSES, EventBus


def create_default_buses(account: Account) -> None:
    """Every account's default bus in every region, in one statement (when an account
    is made, and again when a classroom reset empties it)."""
    EventBus.objects.bulk_create(
        [EventBus(account=account, region=r, resource_id=DEFAULT_BUS) for r in regions.REGIONS],
        ignore_conflicts=True,
    )


def on_account_created(sender, account: Account, **kwargs) -> None:
    create_default_buses(account)


def default_bus(ctx: CallContext) -> EventBus:
    """The account's default bus in the caller's region (made on first use for an
    account older than EventBridge here)."""
    bus = EventBus.objects.visible_to(ctx).filter(resource_id=DEFAULT_BUS).first()
    if bus is not None:
        return bus
    try:
        with transaction.atomic():
            return EventBus.objects.create(
                account=ctx.account, region=ctx.region, resource_id=DEFAULT_BUS
            )
    except IntegrityError:  # made by a concurrent call a moment ago
        return EventBus.objects.visible_to(ctx).get(resource_id=DEFAULT_BUS)


def bus_name(value: str | None) -> str:
    """The bus a request names (`EventBusName`: a name or an ARN; none is the default)."""
    if not value:
        return DEFAULT_BUS
    if value.startswith("arn:"):
        return value.split(":event-bus/", 1)[-1]
    return value


def get_bus(ctx: CallContext, value: str | None, *, for_update: bool = False) -> EventBus:
    """The caller's bus named by `value`, or ResourceNotFoundException."""
    name = bus_name(value)
    if value and value.startswith("arn:") and f":{ctx.account.id}:" not in value:
        raise EventBus.not_found(name)  # another account's bus: not the caller's to use
    if name == DEFAULT_BUS:
        default_bus(ctx)
    return lookups.get(ctx, EventBus, name, for_update=for_update)


constraints.on_violation(
    EventBus,
    "events_bus_name_unique",
    lambda v: errors.ResourceAlreadyExistsException(
        f"Event bus {v.params.get('Name', '')} already exists."
    ),
)


@operation("events", "CreateEventBus")
def create_event_bus(ctx: CallContext, params: dict) -> dict:
    name = params["Name"]
    if "/" in name or params.get("EventSourceName"):
        raise errors.ValidationException(
            "Stratolab does not simulate partner event buses: a custom event bus name "
            "cannot contain '/'."
        )
    default_bus(ctx)
    if EventBus.objects.visible_to(ctx).filter(resource_id=name).exists():
        raise errors.ResourceAlreadyExistsException(f"Event bus {name} already exists.")
    if EventBus.objects.visible_to(ctx).exclude(resource_id=DEFAULT_BUS).count() >= MAX_BUSES:
        raise errors.LimitExceededException(
            "The requested resource exceeds the maximum number allowed."
        )
    tags = tagging.tags_from(params.get("Tags"))
    bus = EventBus(
        account=ctx.account,
        region=ctx.region,
        resource_id=name,
        description=params.get("Description", ""),
        tags=tags,
    )
    bus.save()
    ctx.touch(bus)
    result: dict = {"EventBusArn": bus.arn}
    if bus.description:
        result["Description"] = bus.description
    return result


@operation("events", "DescribeEventBus")
def describe_event_bus(ctx: CallContext, params: dict) -> dict:
    return get_bus(ctx, params.get("Name")).describe()


@operation("events", "UpdateEventBus")
def update_event_bus(ctx: CallContext, params: dict) -> dict:
    bus = get_bus(ctx, params.get("Name"), for_update=True)
    if "Description" in params:
        bus.description = params["Description"]
    bus.save()
    ctx.touch(bus)
    result: dict = {"Arn": bus.arn, "Name": bus.resource_id}
    if bus.description:
        result["Description"] = bus.description
    return result


@operation("events", "ListEventBuses")
def list_event_buses(ctx: CallContext, params: dict) -> dict:
    default_bus(ctx)
    qs = EventBus.objects.visible_to(ctx)
    if params.get("NamePrefix"):
        qs = qs.filter(resource_id__startswith=params["NamePrefix"])
    rows, token = paging.page(qs.order_by("resource_id"), params)
    result: dict = {"EventBuses": [b.describe() for b in rows]}
    if token:
        result["NextToken"] = token
    return result


@operation("events", "DeleteEventBus")
def delete_event_bus(ctx: CallContext, params: dict) -> dict:
    name = params["Name"]
    if name == DEFAULT_BUS:
        raise errors.ValidationException("Cannot delete event bus default.")
    # Deleting a bus that is not there succeeds, as on AWS; its rules and their targets
    # go with it.
    bus = EventBus.objects.visible_to(ctx).filter(resource_id=name)
    found = lookups.visible(ctx, EventBus, for_update=True, qs=bus).first()
    if found is not None:
        ctx.touch(found)
        found.delete()
    return {}
