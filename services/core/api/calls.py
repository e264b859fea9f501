"""The REST door's way into the operation layer, derived from the resource registry.

Every REST request runs one real operation (so IAM, validation, errors and the audit
event are the console's and the AWS door's):

- list and detail run the type's Describe/List operation (`DescribeVolumes`): its
  declared `ResourceType.listing`, else found by name from the type's plural label;
- create runs `create_operation` with the request body as its AWS request shape;
- delete runs the type's Delete/Terminate/Release/Deregister action, and
  `actions/<Operation>/` any other action of the type.

An operation is looked up under the type's service first, then under its
`api_service` (the listing's service), then by its action
name alone (VPC types run EC2's operations).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from services.core import errors, operations, registry
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import Operation
from services.core.registry import Action, ResourceType
from services.core.shapes import operation_model

DELETE_PREFIXES = ("Delete", "Terminate", "Release", "Deregister")


def find_operation(resource_type: ResourceType, action: str) -> Operation | None:
    """The registered operation `action` that acts on `resource_type`."""
    services = [resource_type.service, resource_type.api_service]
    for service in services:
        if service and (op := operations.get(service, action)):
            return op
    found = [op for op in operations.registered() if op.action == action]
    return found[0] if len(found) == 1 else None


def describe_operation(resource_type: ResourceType) -> Operation | None:
    """The Describe*/List* operation that lists `resource_type`."""
    listing = resource_type.listing
    if listing is not None:
        return find_operation(resource_type, listing.operation)
    plurals = {
        resource_type.label_plural.replace(" ", "").lower(),
        resource_type.model.__name__.lower() + "s",
    }
    wanted = {verb + plural for verb in ("describe", "list") for plural in plurals}
    services = {resource_type.service, resource_type.api_service}
    candidates = [op for op in operations.registered() if op.action.lower() in wanted]
    candidates.sort(key=lambda op: op.service not in services)
    return candidates[0] if candidates else None


def delete_action(resource_type: ResourceType) -> Action | None:
    return next((a for a in resource_type.actions if a.operation.startswith(DELETE_PREFIXES)), None)


def find_action(resource_type: ResourceType, name: str) -> Action | None:
    """The action of `resource_type` that runs operation `name` (case-insensitive)."""
    return next((a for a in resource_type.actions if a.operation.lower() == name.lower()), None)


def not_implemented(resource_type: ResourceType, what: str) -> AwsError:
    return errors.NotImplemented(
        f"Stratolab does not simulate {what} for {resource_type.label_plural.lower()} yet."
    )


def run(ctx: CallContext, op: Operation, params: dict) -> dict:
    return operations.call(ctx, op.service, op.action, params)


# --- reading the ids of a model's rows out of an AWS response --------------------------


def _dicts(value: Any) -> Iterator[dict]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dicts(item)


def _ordered_ids(value: Any, known: set[str], out: list[str]) -> None:
    # A dict naming a known id is that resource's description: take the id and do not
    # look inside it, where ids of related resources of the same type may appear
    # (a security group's rules name other groups).
    if isinstance(value, dict):
        hit = next((v for v in value.values() if isinstance(v, str) and v in known), None)
        if hit is not None:
            if hit not in out:
                out.append(hit)
            return
        for item in value.values():
            _ordered_ids(item, known, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _ordered_ids(item, known, out)


def resource_ids(ctx: CallContext, resource_type: ResourceType, response: dict) -> list[str]:
    """The ids of `resource_type` rows that `response` (of a Describe/List operation)
    describes, in the response's order. Instances nested in reservations are found too."""
    candidates = {
        v for d in _dicts(response) for v in d.values() if isinstance(v, str) and v.strip()
    }
    if not candidates:
        return []
    known = set(
        resource_type.model.objects.visible_to(ctx)
        .filter(resource_id__in=candidates)
        .values_list("resource_id", flat=True)
    )
    out: list[str] = []
    _ordered_ids(response, known, out)
    return out


# --- building the Describe request ------------------------------------------------------


def _input_members(op: Operation) -> dict:
    model = operation_model(op.service, op.action)
    if model is None or model.input_shape is None:
        return {}
    return dict(model.input_shape.members)


def id_parameter(op: Operation) -> str | None:
    """The member of a Describe request that takes resource ids (`VolumeIds`), if the
    request has exactly one list of ids."""
    names = [
        name
        for name, shape in _input_members(op).items()
        if name.endswith("Ids") and shape.type_name == "list"
    ]
    return names[0] if len(names) == 1 else None


def accepts_filters(op: Operation) -> bool:
    return "Filters" in _input_members(op)


def list_ids(
    ctx: CallContext, resource_type: ResourceType, filters: list[dict[str, Any]]
) -> list[str]:
    """Run the type's Describe operation with `filters`; the ids it returned."""
    op = describe_operation(resource_type)
    if op is None:
        raise not_implemented(resource_type, "listing")
    params: dict[str, Any] = {}
    list_params = resource_type.extra.get("list_params")  # LookupEvents: lookup attributes
    if list_params is not None:
        params = list_params(filters)
    elif filters:
        if not accepts_filters(op):
            raise errors.InvalidParameterValue(
                f"{op.action} takes no filters; unknown query parameter '{filters[0]['Name']}'."
            )
        params["Filters"] = filters
    response = run(ctx, op, params)
    listing = resource_type.listing
    if listing is not None and listing.id_member and listing.operation == op.action:
        # The declared listing says where the ids are: no walk through the answer.
        named = [
            item.get(listing.id_member)
            for item in registry.items_at(response, listing.path)
            if isinstance(item, dict)
        ]
        known = set(
            resource_type.model.objects.visible_to(ctx)
            .filter(resource_id__in=[n for n in named if isinstance(n, str)])
            .values_list("resource_id", flat=True)
        )
        return [n for n in dict.fromkeys(named) if n in known]
    return resource_ids(ctx, resource_type, response)


def describe_one(ctx: CallContext, resource_type: ResourceType, resource_id: str) -> bool:
    """Run the type's Describe operation for one id. Raises the operation's not-found
    error (InvalidVolume.NotFound) when the caller cannot see it."""
    op = describe_operation(resource_type)
    if op is None:
        raise not_implemented(resource_type, "describing")
    by_id = resource_type.extra.get("describe_params")  # LookupEvents: an EventId attribute
    param = id_parameter(op)
    if by_id is not None:
        params = by_id(resource_id)
    else:
        params = {param: [resource_id]} if param else {}
    response = run(ctx, op, params)
    return resource_id in resource_ids(ctx, resource_type, response)
