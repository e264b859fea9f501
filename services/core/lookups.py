"""Finding a caller's resources by AWS id, with the not-found errors AWS gives, and the
paging every Describe*/List* answer shares.

One kit for every service: a model says what AWS answers for an id the caller cannot see
(`NotFound`), and `get`, `only_ids`, `page` and `page_list` do the rest. Another
account's id is simply not found (GLB-03): every read starts from `visible_to(ctx)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from django.db.models import Model, QuerySet

from services.core import describe, locks
from services.core.context import CallContext
from services.core.errors import AwsError

# Raised for the ids asked for that do not exist (in the order asked, without repeats).
MissingError = Callable[[list[str]], AwsError]
# Checks the form of one id (the `...ID.Malformed` error) before it is looked up.
IdCheck = Callable[[str], None]


class NotFound:
    """`Model.not_found(id)`: the error AWS gives for an id the caller cannot see.

    A model declares `not_found_error = (code, message with {id})`; the status is 400
    (EC2's) unless `not_found_status` says otherwise (IAM's NoSuchEntity is 404). Where
    AWS names every missing id of a Describe* at once (DescribeInstances), the model also
    declares `not_found_many`, a message with {ids}."""

    not_found_error: ClassVar[tuple[str, str]]
    not_found_status: ClassVar[int] = 400
    not_found_many: ClassVar[str | None] = None

    @classmethod
    def not_found(cls, resource_id: str) -> AwsError:
        code, message = cls.not_found_error
        return AwsError(code, message.format(id=resource_id), cls.not_found_status)

    @classmethod
    def not_found_all(cls, missing: list[str]) -> AwsError:
        """The error for the ids of a Describe* that do not exist: all of them where AWS
        names them all, else the first."""
        if len(missing) > 1 and cls.not_found_many:
            code = cls.not_found_error[0]
            return AwsError(
                code, cls.not_found_many.format(ids=", ".join(missing)), cls.not_found_status
            )
        return cls.not_found(missing[0])


def visible(
    ctx: CallContext, model: type[Model], *, for_update: bool = False, qs: QuerySet | None = None
) -> QuerySet:
    """The caller's rows of `model` (or of `qs`), locked for update when asked."""
    qs = model.objects.visible_to(ctx) if qs is None else qs
    return locks.rows(qs) if for_update else qs


def get(
    ctx: CallContext,
    model: type[Model],
    value: str | None,
    *,
    for_update: bool = False,
    field: str = "resource_id",
    qs: QuerySet | None = None,
    check: IdCheck | None = None,
):
    """The caller's `model` row whose `field` is `value` (its AWS id unless told: IAM finds
    by `name__iexact`), or the model's not-found error. `qs` narrows further (instances
    that are not gone); `check` gives the malformed-id error first."""
    if check is not None:
        check(value or "")
    rows = visible(ctx, model, for_update=for_update, qs=qs)
    obj = rows.filter(**{field: value}).first() if value else None
    if obj is None:
        raise model.not_found(value or "")
    return obj


def only_ids(
    qs: QuerySet,
    model: type[Model],
    wanted: list[str] | None,
    *,
    field: str = "resource_id",
    check: IdCheck | None = None,
    error: MissingError | None = None,
) -> QuerySet:
    """Narrow a Describe* to the ids asked for; an unknown one is an error, as in AWS
    (the model's `not_found_all` unless `error` says otherwise)."""
    if not wanted:
        return qs
    if check is not None:
        for value in wanted:
            check(value)
    qs = qs.filter(**{f"{field}__in": wanted})
    found = set(qs.values_list(field, flat=True))
    missing = [value for value in dict.fromkeys(wanted) if value not in found]
    if missing:
        raise (error or model.not_found_all)(missing)
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
    """Filters, paging and rendering of one Describe* answer: {key: [...], NextToken}."""
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


def page_list(
    items: Sequence, size: int | None, token: str | None, *, invalid: AwsError, key: str
) -> tuple[list, str | None]:
    """A page of a list that is not a query (the AMI catalog, IAM's ordered entities):
    `size` items from where `token` points (all of them when `size` is None), and the
    token of the next page or None. A token we did not make is `invalid`."""
    start = describe.read_token(token, key, invalid) if token else 0
    items = list(items)
    if size is None:
        return items[start:], None
    rows = items[start : start + size]
    if start + size >= len(items):
        return rows, None
    return rows, describe.make_token(key, start + size)
