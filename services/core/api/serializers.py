"""How the REST door shows a resource: one JSON object with snake_case names.

Every resource has the same core fields (`id`, `arn`, `region`, `state`, `tags` as a
key-to-value object, `created_at`); after them come the fields of the model's
`describe()` (its AWS shape), with botocore's snake_case names (`AvailabilityZone` ->
`availability_zone`) and every `Tags` list turned into an object. A resource type that
declares a DRF `serializer` in the registry is shown by that serializer instead.
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name

from services.core.registry import ResourceType


def snake_case(name: str) -> str:
    """`AvailabilityZone` -> `availability_zone`, `VpcId` -> `vpc_id` (botocore's rules)."""
    return xform_name(name)


def _is_tag_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(t, dict) and "Key" in t for t in value)


def snake_data(value: Any) -> Any:
    """An AWS shape with snake_case keys; `Tags` lists become {key: value} objects."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "Tags" and _is_tag_list(item):
                out["tags"] = {t["Key"]: t.get("Value", "") for t in item}
            else:
                out[snake_case(key)] = snake_data(item)
        return out
    if isinstance(value, list | tuple):
        return [snake_data(v) for v in value]
    return value


def serialize(resource_type: ResourceType, obj: Any) -> dict:
    """The REST representation of `obj`, a row of `resource_type.model`."""
    if resource_type.serializer is not None:
        return dict(resource_type.serializer(obj).data)
    data: dict[str, Any] = {
        "id": obj.resource_id,
        "arn": obj.arn,
        "region": obj.region if getattr(obj, "regional", True) else None,
    }
    if hasattr(obj, "state"):
        data["state"] = obj.state
    data["tags"] = dict(sorted((obj.tags or {}).items()))
    data["created_at"] = obj.created_at
    describe = getattr(obj, "describe", None)
    if callable(describe):
        for key, value in snake_data(describe()).items():
            # The AWS id field (volume_id) repeats `id`; the core fields come first.
            if key not in data and value != obj.resource_id:
                data[key] = value
    return data
