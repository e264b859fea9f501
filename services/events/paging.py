"""EventBridge's paging: `Limit` (1-100) and an opaque `NextToken`."""

from __future__ import annotations

from django.db.models import QuerySet

from services.core import describe
from services.events import errors

_INVALID = errors.ValidationException("The NextToken provided is invalid.")


def page(qs: QuerySet, params: dict, *, limit_default: int = 100) -> tuple[list, str | None]:
    """A page of `qs` (already ordered) from `params["NextToken"]`, `params["Limit"]` long;
    the token of the next page or None."""
    start = (
        describe.read_token(params["NextToken"], "offset", _INVALID)
        if params.get("NextToken")
        else 0
    )
    size = params.get("Limit") or limit_default
    rows = list(qs[start : start + size + 1])
    if len(rows) <= size:
        return rows, None
    return rows[:size], describe.make_token("offset", start + size)
