"""Resource tables as the console shows them: filter, sort, page, select, act.

`build_table(request, rt, queryset, url=...)` gives the context that
`templates/console/table.html` renders; a service page with its own queryset (say,
the volumes of one instance) can use it the same way the generic list view does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from services.core.registry import Action, Column, ResourceType

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
SESSION_PAGE_SIZE = "stratolab_page_size"  # {resource type key: rows per page}

# States in which a row is still changing, for models without a lifecycle.
TRANSITIONAL_STATES = frozenset(
    {
        "pending",
        "creating",
        "deleting",
        "stopping",
        "starting",
        "shutting-down",
        "rebooting",
        "modifying",
        "updating",
        "attaching",
        "detaching",
        "associating",
        "disassociating",
        "provisioning",
        "in-progress",
        "optimizing",
    }
)


def value_of(obj: Any, attr: str) -> Any:
    """`obj.a.b` for `attr` "a.b"; callables are called; a missing link gives None."""
    for part in attr.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
        if callable(obj):
            obj = obj()
    return obj


def is_transitional(obj: Any) -> bool:
    flag = getattr(obj, "is_transitional", None)
    if flag is not None:
        return bool(flag)
    return str(getattr(obj, "state", "")) in TRANSITIONAL_STATES


@dataclass
class Cell:
    kind: str  # text, id, state, datetime, tags, code, bool, empty
    value: Any
    url: str = ""


def cell(column: Column, obj: Any, url: str = "") -> Cell:
    value = value_of(obj, column.attr)
    if value is None or value == "" or value == {} or value == []:
        return Cell("empty", None, url if column.link else "")
    kind = column.kind
    if isinstance(value, bool) and kind == "text":
        kind = "bool"
    if kind == "tags" and isinstance(value, dict):
        value = sorted(value.items())
    if kind == "datetime" and not isinstance(value, dt.datetime):
        kind = "text"
    return Cell(kind, value, url if column.link else "")


def key_values(obj: Any, columns: tuple[Column, ...]) -> list[tuple[str, Cell]]:
    """(label, cell) pairs for a details panel."""
    return [(c.label, cell(c, obj)) for c in columns]


@dataclass
class Row:
    obj: Any
    id: str
    cells: list[Cell]
    transitional: bool
    actions: list[str]  # operations enabled for this row
    checked: bool = False


@dataclass
class ActionItem:
    action: Action
    url: str
    enabled: bool = False  # in a table, the selection enables it (static/js/console.js)


@dataclass
class Table:
    rt: ResourceType
    rows: list[Row]
    count: int
    page: int
    pages: int
    page_size: int
    filter: str
    sort: str
    url: str  # the list URL, without query
    poll_url: str  # this very view of the table, for htmx polling
    actions: list[ActionItem]
    create_url: str = ""
    headers: list[dict] = field(default_factory=list)
    page_sizes: tuple[int, ...] = PAGE_SIZES
    # The read the table stands for was denied (services/core/views/access.py): no
    # rows, and the alert in their place.
    denied: Any = None

    @property
    def polling(self) -> bool:
        return any(r.transitional for r in self.rows)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.count else 0

    @property
    def last(self) -> int:
        return min(self.page * self.page_size, self.count)

    def page_url(self, page: int) -> str:
        return self._url(page=page)

    @property
    def page_links(self) -> list[dict]:
        return [
            {"number": n, "url": self.page_url(n), "current": n == self.page}
            for n in range(1, self.pages + 1)
        ]

    @property
    def prev_url(self) -> str:
        return self.page_url(self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page + 1) if self.page < self.pages else ""

    @property
    def size_links(self) -> list[dict]:
        return [
            {"size": n, "url": self._url(page_size=n, page=1), "current": n == self.page_size}
            for n in self.page_sizes
        ]

    def _url(self, **changes: Any) -> str:
        query = {"filter": self.filter, "sort": self.sort, "page": self.page}
        query.update(changes)
        query = {k: v for k, v in query.items() if v not in ("", None, 1)}
        return self.url + ("?" + urlencode(query) if query else "")


def _concrete(model: type, attr: str) -> bool:
    try:
        field_ = model._meta.get_field(attr)
    except FieldDoesNotExist:
        return False
    return field_.concrete


def _filtered(qs: QuerySet, rt: ResourceType, text: str) -> QuerySet:
    """Rows where any search field, or the Name tag, contains `text`."""
    if not text:
        return qs
    lookups = [Q(**{f"{f}__icontains": text}) for f in rt.search_fields]
    lookups.append(Q(tags__Name__icontains=text))
    return qs.filter(reduce(or_, lookups))


def page_size(request: HttpRequest, rt: ResourceType) -> int:
    """Rows per page: `?page_size=` sets the preference, kept in the session per table."""
    prefs = request.session.get(SESSION_PAGE_SIZE, {})
    asked = request.GET.get("page_size", "")
    if asked.isdigit() and int(asked) in PAGE_SIZES:
        if prefs.get(rt.key) != int(asked):
            request.session[SESSION_PAGE_SIZE] = {**prefs, rt.key: int(asked)}
        return int(asked)
    return prefs.get(rt.key, DEFAULT_PAGE_SIZE)


def resource_url(name: str, region: str, rt: ResourceType, **kwargs: str) -> str:
    return reverse(
        f"console:{name}",
        kwargs={"region": region, "service": rt.service, "slug": rt.slug, **kwargs},
    )


def build_table(
    request: HttpRequest,
    rt: ResourceType,
    queryset: QuerySet,
    *,
    region: str,
) -> Table:
    """The table of `queryset` as this request asks for it (`filter`, `sort`, `page`,
    `page_size`, and `ids` that stay selected while the table refreshes)."""
    text = request.GET.get("filter", "").strip()
    qs = _filtered(queryset, rt, text)

    sort = request.GET.get("sort", "")
    if sort and _concrete(rt.model, sort.lstrip("-")):
        qs = qs.order_by(sort, "pk")
    else:
        sort = ""
        qs = qs.order_by(rt.default_ordering, "pk")

    size = page_size(request, rt)
    count = qs.count()
    pages = max(1, -(-count // size))
    page = request.GET.get("page", "1")
    page = min(max(int(page), 1), pages) if page.isdigit() else 1
    objects = list(qs[(page - 1) * size : page * size])

    selected = set(request.GET.getlist("ids"))
    rows = []
    for obj in objects:
        detail = resource_url("resource-detail", region, rt, resource_id=obj.resource_id)
        rows.append(
            Row(
                obj=obj,
                id=obj.resource_id,
                cells=[cell(c, obj, detail) for c in rt.columns],
                transitional=is_transitional(obj),
                actions=[a.operation for a in rt.actions if a.enabled(obj)],
                checked=obj.resource_id in selected,
            )
        )

    url = resource_url("resource-list", region, rt)
    headers = []
    for column in rt.columns:
        sortable = _concrete(rt.model, column.attr)
        direction = "asc" if sort == column.attr else "desc" if sort == "-" + column.attr else ""
        next_sort = "-" + column.attr if direction == "asc" else column.attr
        headers.append({"label": column.label, "sortable": sortable, "direction": direction,
                        "sort": next_sort})  # fmt: skip
    table = Table(
        rt=rt,
        rows=rows,
        count=count,
        page=page,
        pages=pages,
        page_size=size,
        filter=text,
        sort=sort,
        url=url,
        poll_url="",
        actions=[
            ActionItem(a, resource_url("resource-action", region, rt, operation=a.operation))
            for a in rt.actions
        ],
        create_url=resource_url("resource-create", region, rt) if rt.create_operation else "",
        headers=headers,
    )
    for header in table.headers:
        header["url"] = table._url(sort=header["sort"], page=1)
    table.poll_url = table._url()
    return table
