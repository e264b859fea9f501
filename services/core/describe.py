"""What every Describe*/List* operation shares: AWS filters, tag filters and paging."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from django.db.models import Q, QuerySet

from services.core.errors import AwsError

# A filter name maps to a model lookup ("state") or a function building a Q from values.
FilterSpec = dict[str, "str | Callable[[list[str]], Q]"]


def _wildcard_q(lookup: str, value: str) -> Q:
    # EC2 filter values accept * and ? wildcards.
    if "*" in value or "?" in value:
        pattern = (
            "^"
            + "".join(
                ".*" if c == "*" else "." if c == "?" else "\\" + c if not c.isalnum() else c
                for c in value
            )
            + "$"
        )
        return Q(**{f"{lookup}__regex": pattern})
    return Q(**{lookup: value})


def apply_filters(qs: QuerySet, filters: list[dict] | None, spec: FilterSpec) -> QuerySet:
    """Apply EC2-style `Filters` ([{"Name": ..., "Values": [...]}]): values of one filter
    are ORed, filters are ANDed, as AWS documents."""
    for f in filters or []:
        name, values = f.get("Name", ""), [str(v) for v in f.get("Values", [])]
        if name.startswith("tag:"):
            qs = qs.with_tag(name[4:], values)
            continue
        if name == "tag-key":
            q = Q()
            for v in values:
                q |= Q(tags__has_key=v)
            qs = qs.filter(q)
            continue
        if name == "tag-value":
            keys = [
                k
                for row in qs.values_list("tags", flat=True)
                for k, val in row.items()
                if val in values
            ]
            q = Q(pk__in=[])
            for k in set(keys):
                for v in values:
                    q |= Q(tags__contains={k: v})
            qs = qs.filter(q)
            continue
        lookup = spec.get(name)
        if lookup is None:
            raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")
        if callable(lookup):
            qs = qs.filter(lookup(values))
            continue
        q = Q()
        for v in values:
            q |= _wildcard_q(lookup, v)
        qs = qs.filter(q)
    return qs


def paginate(
    qs: QuerySet,
    max_results: int | None,
    next_token: str | None,
    *,
    minimum: int = 5,
    maximum: int = 1000,
) -> tuple[list, str | None]:
    """A page of `qs` (ordered by pk) and the token for the next one."""
    after = 0
    if next_token:
        try:
            after = int(json.loads(base64.urlsafe_b64decode(next_token.encode()))["after"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AwsError("InvalidNextToken", "The provided next token is not valid.") from exc
    if max_results is not None and not minimum <= max_results <= maximum:
        raise AwsError(
            "InvalidParameterValue",
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Expecting a value between {minimum} and {maximum}.",
        )
    qs = qs.order_by("pk").filter(pk__gt=after)
    if max_results is None:
        return list(qs), None
    rows = list(qs[: max_results + 1])
    if len(rows) <= max_results:
        return rows, None
    rows = rows[:max_results]
    token = base64.urlsafe_b64encode(json.dumps({"after": rows[-1].pk}).encode()).decode()
    return rows, token


def tags_from_specifications(params: dict, resource_type: str) -> dict[str, str]:
    """The tags a `TagSpecifications` parameter gives to a resource of `resource_type`."""
    tags: dict[str, str] = {}
    for spec in params.get("TagSpecifications") or []:
        if spec.get("ResourceType") == resource_type:
            for tag in spec.get("Tags") or []:
                validate_tag(tag.get("Key", ""), tag.get("Value", ""))
                tags[tag["Key"]] = tag.get("Value", "")
    return tags


def validate_tag(key: str, value: str) -> None:
    if not key or len(key) > 128:
        raise AwsError(
            "InvalidParameterValue", "Tag key must be between 1 and 128 characters long."
        )
    if key.lower().startswith("aws:"):
        raise AwsError(
            "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use"
        )
    if len(value) > 256:
        raise AwsError("InvalidParameterValue", "Tag value must be at most 256 characters long.")
