"""Filtering and paging for EC2 data that is not in PostgreSQL (instance types, the AMI
catalog): the same wildcard filters as the database-backed Describe* calls in
services.core.describe, paged by services.core.lookups.page_list."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from services.core import describe, lookups
from services.ec2 import errors

# A filter name maps to a function giving the item's values for that filter.
ItemFilters = dict[str, Callable[[dict], Iterable[object]]]


def text(value: object) -> str:
    """Filter values are text: booleans as AWS writes them (true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def tag_values(item: dict, key: str) -> list[str]:
    return [t["Value"] for t in item.get("Tags") or [] if t["Key"] == key]


def filter_items(items: list[dict], filters: list[dict] | None, spec: ItemFilters) -> list[dict]:
    """Keep the items matching every filter; the values of one filter are ORed and
    may use * and ? wildcards, as EC2 documents."""
    for f in filters or []:
        name = f.get("Name", "")
        patterns = [describe.Wildcard(str(v)) for v in f.get("Values") or []]
        if name.startswith("tag:"):
            key = name[4:]

            def values(item: dict, key: str = key) -> list[str]:
                return tag_values(item, key)
        elif name == "tag-key":

            def values(item: dict) -> list[str]:
                return [t["Key"] for t in item.get("Tags") or []]
        elif name == "tag-value":

            def values(item: dict) -> list[str]:
                return [t["Value"] for t in item.get("Tags") or []]
        elif name in spec:
            values = spec[name]
        else:
            raise errors.InvalidParameterValue(f"The filter '{name}' is invalid")
        items = [
            item for item in items if any(p.match(text(v)) for v in values(item) for p in patterns)
        ]
    return items


def page(
    items: list,
    max_results: int | None,
    next_token: str | None,
    *,
    minimum: int = 5,
    maximum: int = 1000,
) -> tuple[list, str | None]:
    """A page of `items` and the token for the next one, with EC2's bounds on maxResults."""
    if max_results is not None and not minimum <= max_results <= maximum:
        raise errors.InvalidParameterValue(
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Expecting a value between {minimum} and {maximum}."
        )
    invalid = errors.InvalidNextToken("The provided next token is not valid.")
    return lookups.page_list(items, max_results, next_token, invalid=invalid, key="offset")
