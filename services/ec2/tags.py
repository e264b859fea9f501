"""CreateTags and DeleteTags: tags on any EC2 resource, found by its id prefix among
the types declared in the registry (`registry.model_for_id`)."""

from __future__ import annotations

from services.core import describe, locks, registry
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import Resource
from services.core.operations import operation
from services.ec2 import errors

MAX_TAGS = 50


def _resources(ctx: CallContext, ids: list[str]) -> list[Resource]:
    """The resources named, locked in the order of services.core.locks (by type, then
    id), whatever order the caller listed them in; returned in the caller's order."""
    models: dict[str, type[Resource]] = {}
    by_model: dict[type[Resource], list[str]] = {}
    for resource_id in ids:
        model = registry.model_for_id(resource_id, "ec2")
        if model is None:
            raise errors.InvalidID(f'The ID "{resource_id}" is not valid')
        models[resource_id] = model
        by_model.setdefault(model, []).append(resource_id)
    rows: dict[str, Resource] = {}
    for model in sorted(by_model, key=locks.rank):
        qs = model.objects.visible_to(ctx).filter(resource_id__in=by_model[model])
        rows.update((obj.resource_id, obj) for obj in locks.rows(qs))
    for resource_id in ids:
        if resource_id not in rows:
            model = models[resource_id]
            if hasattr(model, "not_found"):
                raise model.not_found(resource_id)
            raise AwsError(
                f"Invalid{model.__name__}.NotFound",
                f"The {model._meta.verbose_name} ID '{resource_id}' does not exist",
            )
    return [rows[resource_id] for resource_id in dict.fromkeys(ids)]


@operation("ec2", "CreateTags")
def create_tags(ctx: CallContext, params: dict) -> dict:
    tags = params.get("Tags") or []
    for tag in tags:
        describe.validate_tag(tag.get("Key", ""), tag.get("Value", ""))
    for obj in _resources(ctx, params.get("Resources") or []):
        obj.tags.update({t["Key"]: t.get("Value", "") for t in tags})
        if len(obj.tags) > MAX_TAGS:
            raise errors.TagLimitExceeded(f"The maximum number of tags ({MAX_TAGS}) was exceeded.")
        obj.save(update_fields=["tags"])
        ctx.touch(obj)
    return {}


@operation("ec2", "DeleteTags")
def delete_tags(ctx: CallContext, params: dict) -> dict:
    tags = params.get("Tags")
    for tag in tags or []:
        if not tag.get("Key"):
            raise errors.InvalidParameterValue(
                "Value (  ) for parameter Tag key is invalid. Tag key cannot be null or empty."
            )
    for obj in _resources(ctx, params.get("Resources") or []):
        if tags is None:
            obj.tags = {}
        for tag in tags or []:
            # A tag given with a value is removed only when the value matches.
            if tag["Key"] in obj.tags and (
                "Value" not in tag or obj.tags[tag["Key"]] == tag["Value"]
            ):
                del obj.tags[tag["Key"]]
        obj.save(update_fields=["tags"])
        ctx.touch(obj)
    return {}
