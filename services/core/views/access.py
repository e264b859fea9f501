"""Console reads run IAM like the call they stand for.

Console pages read their rows from the database, not through the operation (a table
filters, sorts and pages a queryset). Before showing any of it, a page passes the
authorization of the Describe/List/Get call it stands for (`operations.authorize`: the
classroom guards and IAM's evaluator, as the AWS door and the REST API run them), for
the signed-in principal: root, an IAM user, or a role session from Switch role. Denied,
it shows AWS's alert naming the action and none of the data.

The call of a resource type comes from the registry: its Describe/List operation (the
one the REST door lists with, `calls.describe_operation`) for tables, and for details
pages `extra["detail_operation"]` with `extra["detail_param"]` = (request member,
attribute of the row), e.g. ("GetUser", ("UserName", "name")), else the Describe
operation for the one id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRefresh

from services.core import authz, operations, registry
from services.core.api.calls import describe_operation, find_operation, id_parameter
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.models import Resource
from services.core.registry import ResourceType
from services.core.views.base import Crumb, breadcrumbs, console_ctx, render_console
from services.core.views.tables import value_of

# The sentence EC2's denials start with.
EC2_TITLE = "You are not authorized to perform this operation."
# The error codes of a denied call, by protocol (query/ec2/rest-xml, json).
DENIAL_CODES = frozenset({"UnauthorizedOperation", "AccessDenied", "AccessDeniedException"})
_ON_RESOURCE = re.compile(r" on resource: \S+")
_ACTION = re.compile(r"perform: ([\w-]+:[\w*]+)")


@dataclass(frozen=True)
class Denied:
    """A read the signed-in principal may not make, as the console's alert shows it."""

    action: str  # the IAM action: ec2:DescribeInstances
    code: str  # UnauthorizedOperation, AccessDenied, AccessDeniedException
    message: str  # the API error's message

    @property
    def title(self) -> str:
        # EC2's console heads the alert with its API error's first sentence; IAM's,
        # S3's and CloudTrail's with "Access denied".
        return EC2_TITLE if self.code == "UnauthorizedOperation" else "Access denied"

    def without_resource(self) -> Denied:
        """The same denial without the resource it names: a page found by id (an IAM
        user's AIDA...) must not tell its name to whom may not read it."""
        return Denied(self.action, self.code, _ON_RESOURCE.sub("", self.message))

    @property
    def detail(self) -> str:
        """The text under the title: the API error's message (without EC2's first
        sentence, which is the title), after the action for the others."""
        if self.code == "UnauthorizedOperation":
            return self.message.removeprefix(EC2_TITLE).strip()
        return f"You don't have permission to {self.action}. {self.message}"


def denied(
    request: HttpRequest,
    region: str,
    service: str,
    action: str,
    params: dict | None = None,
    *,
    record: bool = True,
) -> Denied | None:
    """Why the signed-in principal may not call `service`'s `action` with `params`, or
    None when they may."""
    # One page may stand for the same call twice (two counts of one dashboard): one
    # decision, and one audit event, per request.
    seen = request.__dict__.setdefault("_console_reads", {})
    key = (region, service, action, repr(sorted((params or {}).items())))
    if key not in seen:
        op = operations.get(service, action)
        iam_action = op.iam_action if op else f"{service}:{action}"
        ctx = console_ctx(request, region)
        try:
            operations.authorize(ctx, service, action, params, record=record)
            seen[key] = None
        except AwsError as error:
            seen[key] = Denied(iam_action, error.code, error.message)
    return seen[key]


def denial(error: AwsError, iam_action: str = "") -> Denied | None:
    """The alert of an operation's error, when the error is a denial (S3's operations
    authorize themselves: their pages learn of a denial from the call)."""
    if error.code not in DENIAL_CODES:
        return None
    named = _ACTION.search(error.message)
    return Denied(named.group(1) if named else iam_action, error.code, error.message)


def read(
    request: HttpRequest, region: str, service: str, action: str, params: dict | None = None
) -> tuple[dict | None, Denied | None]:
    """Run a read operation as the signed-in principal: (its result, None), or (None, the
    denial to show in the page); another error is a red flashbar, as `base.call` does."""
    op = operations.get(service, action)
    try:
        return operations.call(console_ctx(request, region), service, action, params or {}), None
    except AwsError as error:
        refused = denial(error, op.iam_action if op else f"{service}:{action}")
        if refused is None:
            messages.error(request, f"{error.code}: {error.message}")
        return None, refused


def list_denied(
    request: HttpRequest, region: str, rt: ResourceType, *, record: bool = True
) -> Denied | None:
    """The table of `rt` stands for its Describe/List call without filters."""
    op = describe_operation(rt)
    if op is None:
        # No listing operation: only the account's root user reads such rows.
        return _unlisted(console_ctx(request, region), rt)
    return denied(request, region, op.service, op.action, {}, record=record)


def readable(ctx: CallContext, model: type[Resource]) -> QuerySet:
    """`model.objects.visible_to(ctx)`, or none of its rows when the caller may not call
    the Describe/List operation of its resource type: what a form offers as choices
    (the Launch instance page's VPCs, subnets, security groups and key pairs). Such
    checks write no audit event: a form asks several at once, every time it shows."""
    rows = model.objects.visible_to(ctx)
    rt = next((t for t in registry.resource_types() if t.model is model), None)
    if rt is None:
        return rows if ctx.principal.is_root else rows.none()
    op = describe_operation(rt)
    if op is None:
        return rows.none() if _unlisted(ctx, rt) else rows
    try:
        operations.authorize(ctx, op.service, op.action, {}, record=False)
    except AwsError:
        return rows.none()
    return rows


def detail_denied(
    request: HttpRequest, region: str, rt: ResourceType, resource_id: str
) -> Denied | None:
    """The details page of one `rt` stands for its Get call (`extra["detail_operation"]`)
    or its Describe call for that id."""
    named = rt.extra.get("detail_operation")
    op = find_operation(rt, named) if named else describe_operation(rt)
    if op is None:
        return _unlisted(console_ctx(request, region), rt)
    if named:
        member, attr = rt.extra["detail_param"]
        obj = (
            rt.model.objects.visible_to(console_ctx(request, region))
            .filter(resource_id=resource_id)
            .first()
        )
        params = {member: value_of(obj, attr) if obj is not None else resource_id}
        refused = denied(request, region, op.service, op.action, params)
        return refused.without_resource() if refused else None
    member = id_parameter(op)
    params = {member: [resource_id]} if member else {}
    return denied(request, region, op.service, op.action, params)


def _unlisted(ctx: CallContext, rt: ResourceType) -> Denied | None:
    iam_action = f"{rt.service}:Describe{rt.model.__name__}s"
    try:
        authz.authorize(ctx, iam_action, ["*"], {})
    except AwsError as error:
        return Denied(iam_action, error.code, error.message)
    return None


def render_denied(
    request: HttpRequest,
    refused: Denied,
    *,
    title: str,
    crumbs: tuple[Crumb | tuple[str, str] | str, ...] = (),
) -> HttpResponse:
    """A details page the principal may not read: its title, the alert, nothing else.
    A polled part of the page (htmx) reloads the whole page, which then shows this."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    context = {
        "title": title,
        "denied": refused,
        "breadcrumbs": breadcrumbs(request, *crumbs, title),
    }
    return render_console(request, "console/denied_page.html", context, status=403)


def counted(
    request: HttpRequest, region: str, rt: ResourceType, queryset
) -> tuple[int | None, Denied | None]:
    """A dashboard's count of `queryset` (rows of `rt`): None and the denial when the
    principal may not list them, as AWS's dashboards show "API Error" instead."""
    refused = list_denied(request, region, rt)
    if refused is not None:
        return None, refused
    return queryset.count(), None
