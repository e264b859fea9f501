"""Finding a caller's VPC resources by AWS id, with the not-found errors AWS gives, and
the pieces every Describe* of this service shares."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet

from services.core import describe, locks
from services.core.context import CallContext
from services.core.errors import AwsError


def not_found(model: type, resource_id: str) -> AwsError:
    return model.not_found(resource_id)


def get(ctx: CallContext, model: type, resource_id: str | None, *, for_update: bool = False):
    """The caller's `model` row with AWS id `resource_id` in the caller's region, or the
    AWS not-found error (another account's id is simply not found: GLB-03)."""
    qs = model.objects.visible_to(ctx)
    if for_update:
        qs = locks.rows(qs)
    obj = qs.filter(resource_id=resource_id).first() if resource_id else None
    if obj is None:
        raise not_found(model, resource_id or "")
    return obj


def only_ids(qs: QuerySet, model: type, wanted: list[str] | None) -> QuerySet:
    """Narrow a Describe* to the ids asked for; an unknown one is an error, as in AWS."""
    if not wanted:
        return qs
    qs = qs.filter(resource_id__in=wanted)
    found = set(qs.values_list("resource_id", flat=True))
    for resource_id in wanted:
        if resource_id not in found:
            raise not_found(model, resource_id)
    return qs


def page(
    qs: QuerySet,
    params: dict,
    spec: describe.FilterSpec,
    key: str,
    render: Callable[[Model], dict],
    *,
    filters_param: str = "Filters",
    paged: bool = True,
    max_results: int = 1000,
) -> dict:
    """Filters, paging and rendering of one Describe* answer."""
    qs = describe.apply_filters(qs, params.get(filters_param), spec).distinct()
    if paged:
        rows, token = describe.paginate(
            qs, params.get("MaxResults"), params.get("NextToken"), maximum=max_results
        )
    else:
        rows, token = list(qs.order_by("pk")), None
    result: dict = {key: [render(r) for r in rows]}
    if token:
        result["NextToken"] = token
    return result
