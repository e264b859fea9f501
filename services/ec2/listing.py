"""Paging for EC2 data that is not in PostgreSQL (instance types, the AMI catalog), with
EC2's bounds on maxResults; their filters are services.core.filters.filter_items."""

from __future__ import annotations

from services.core import lookups
from services.ec2 import errors


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
