"""The REST door's views: the API root, regions, the caller's account, and the generic
list / create / detail / delete / action views every registered resource type gets.

The resource views are subclassed once per resource type by `services.core.api.urls`
(with the type bound as `resource_type`, and an OpenAPI description of its own); they
only translate HTTP to one operation call and render the result (see `calls`).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services.core import errors as core_errors
from services.core import ids, registry
from services.core.accounts import sign_in_url
from services.core.api import calls, schema, validation
from services.core.api.errors import problem
from services.core.api.pagination import ResourcePagination
from services.core.api.schema import errors
from services.core.api.serializers import serialize
from services.core.context import CallContext, source_ip
from services.core.errors import AwsError
from services.core.models import AccessKey
from services.core.regions import DEFAULT_REGION, REGIONS, is_region
from services.core.registry import ResourceType
from services.core.shapes import service_model

# Query parameters of a list that are not Describe filters.
RESERVED_PARAMETERS = {"region", "limit", "offset", "state", "format"}


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested past Python's recursion limit refused as
    bad JSON rather than failing the request."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            message = "JSON parse error - the body is nested too deeply."
            raise exceptions.ParseError(message) from None


class RestView(APIView):
    """JSON in, JSON out; errors are problem documents (see `errors`). Before a view
    runs, the path and query parameters must be text PostgreSQL can store, and
    `?region=` one of the regions (see `validation`)."""

    renderer_classes = [JSONRenderer]
    parser_classes = [StrictJSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        validation.check_request_text(request.query_params, kwargs)
        validation.region(request.query_params)


def call_context(request: Request, resource_type: ResourceType | None = None) -> CallContext:
    """The caller as the operation layer sees it: door "rest", the region of the
    `?region=` parameter (us-east-1 when absent; an unknown one is refused by the
    operation with InvalidRegion), and the request id the response carries."""
    user = request.user
    raw = request._request
    region = request.query_params.get("region") or DEFAULT_REGION
    if resource_type is not None and not getattr(resource_type.model, "regional", True):
        region = DEFAULT_REGION  # a global service answers from us-east-1, as IAM does
    ctx = CallContext(
        account=user.account,
        region=region,
        principal=user.principal,
        door="rest",
        request_id=getattr(raw, "request_id", "") or ids.request_id(),
        source_ip=source_ip(request._request.META),
        user_agent=raw.META.get("HTTP_USER_AGENT", "")[:512],
        access_key_id=user.access_key_id,
    )
    if user.access_key_id:
        # What IAM's "last used" column shows for the key.
        AccessKey.objects.filter(access_key_id=user.access_key_id).update(
            last_used_at=timezone.now(),
            last_used_service=resource_type.service if resource_type else "",
            last_used_region=region if is_region(region) else "",
        )
    return ctx


def request_body(
    request: Request, resource_type: ResourceType | None = None, action: str = ""
) -> dict[str, Any]:
    """The JSON object the request carries ({} when it has no body), checked against
    the request schema of `action` on `resource_type` that the OpenAPI document shows."""
    data = request.data  # raises ParseError (400 SerializationException) on bad JSON
    if isinstance(data, dict) and not data:
        data = {}  # no body (or `{}`)
    if not isinstance(data, dict):  # `null`, `[]`, `8`...
        raise core_errors.SerializationException(
            "The request body must be a JSON object with the parameters of the operation."
        )
    validation.check_body(data)
    if resource_type is not None and action:
        op = calls.find_operation(resource_type, action)
        protocol = service_model(op.service).protocol if op else "query"
        validation.check_against(
            schema.request_schema(resource_type, action), data, protocol, operation=True
        )
    return dict(data)


def _url(request: Request, name: str, **kwargs: str) -> str | None:
    try:
        return request.build_absolute_uri(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return None


def route_name(resource_type: ResourceType, kind: str) -> str:
    return f"api-{resource_type.service}-{resource_type.slug}-{kind}"


# --- the generic resource views ----------------------------------------------------------


class ResourceView(RestView):
    resource_type: ClassVar[ResourceType]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        resource_id = kwargs.get("resource_id")
        if resource_id is not None and not re.fullmatch(
            schema.id_pattern(self.resource_type), resource_id
        ):
            # No resource has such an id (the schema's pattern): the URL names nothing.
            raise self.not_found(resource_id)

    def not_found(self, resource_id: str) -> AwsError:
        rt = self.resource_type
        declared = getattr(rt.model, "rest_not_found", None)
        if declared is not None:  # a type whose Describe has no not-found error of its own
            return declared(resource_id, self.request.query_params.get("region") or DEFAULT_REGION)
        if not getattr(rt.model, "regional", True):
            return core_errors.NoSuchEntity(
                f"The {rt.label.lower()} with id {resource_id} cannot be found."
            )
        return AwsError(
            f"Invalid{rt.model.__name__}.NotFound",
            f"The {rt.label.lower()} '{resource_id}' does not exist.",
        )

    def visible(self, ctx: CallContext):
        return self.resource_type.model.objects.visible_to(ctx)

    def show(self, ctx: CallContext, resource_id: str) -> dict | None:
        obj = self.visible(ctx).filter(resource_id=resource_id).first()
        return serialize(self.resource_type, obj) if obj is not None else None

    def row_or_stand_in(self, ctx: CallContext, resource_id: str) -> tuple[Any, bool]:
        """The caller's row, or (when it cannot see one) an unsaved row with that id,
        so that the operation itself answers with its AWS not-found error."""
        obj = self.visible(ctx).filter(resource_id=resource_id).first()
        if obj is not None:
            return obj, True
        if not getattr(self.resource_type.model, "regional", True):
            # IAM operations name users and roles, not ids: a stand-in has no name to
            # give them, so the answer is IAM's own for a missing entity.
            raise self.not_found(resource_id)
        return self.resource_type.model(
            resource_id=resource_id, account=ctx.account, region=ctx.region
        ), False

    def run_action(
        self, ctx: CallContext, action: registry.Action, resource_id: str, body: dict
    ) -> dict:
        op = calls.find_operation(self.resource_type, action.operation)
        if op is None:
            raise calls.not_implemented(self.resource_type, action.operation)
        obj, real = self.row_or_stand_in(ctx, resource_id)
        try:
            params = action.params([obj])
        except Exception:
            if real:
                raise
            raise self.not_found(resource_id) from None
        # The id in the URL wins over the same parameter in the body.
        return calls.run(ctx, op, {**body, **params})


class ResourceListView(ResourceView):
    """GET: the caller's resources of this type in `?region=`, filtered by Describe
    filters given as query parameters (`?status=available&tag:Name=web*`; repeat a
    parameter for several values) and by `?state=`; `limit`/`offset` paging.
    POST: create; the body is the AWS request of the create operation. Answers 201 with
    the new resource (and its Location), or {"count", "results"} when one request made
    several (RunInstances with a count above one)."""

    def get(self, request: Request) -> Response:
        validation.paging(request.query_params)
        ctx = call_context(request, self.resource_type)
        filters = [
            {"Name": name, "Values": request.query_params.getlist(name)}
            for name in request.query_params
            if name not in RESERVED_PARAMETERS
        ]
        wanted = calls.list_ids(ctx, self.resource_type, filters)
        rows = {o.resource_id: o for o in self.visible(ctx).filter(resource_id__in=wanted)}
        objs = [rows[i] for i in wanted if i in rows]
        states = request.query_params.getlist("state")
        if states:
            objs = [o for o in objs if getattr(o, "state", None) in states]
        paginator = ResourcePagination()
        page = paginator.paginate_queryset(objs, request, view=self) or []
        return paginator.get_paginated_response([serialize(self.resource_type, o) for o in page])

    def post(self, request: Request) -> Response:
        rt = self.resource_type
        if not rt.create_operation:
            raise exceptions.MethodNotAllowed("POST")
        op = calls.find_operation(rt, rt.create_operation)
        if op is None:
            raise calls.not_implemented(rt, "creating")
        body = request_body(request, rt, rt.create_operation)
        ctx = call_context(request, rt)
        response = calls.run(ctx, op, body)
        touched = [r["ResourceName"] for r in ctx.resources]
        named = touched or calls.resource_ids(ctx, rt, response)
        rows = {o.resource_id: o for o in self.visible(ctx).filter(resource_id__in=named)}
        made = [rows[i] for i in dict.fromkeys(named) if i in rows]
        if not made:  # made something this type cannot show: the AWS response, as is
            return Response({"response": response}, status=status.HTTP_201_CREATED)
        if len(made) > 1:  # RunInstances with MinCount 2
            results = [serialize(rt, o) for o in made]
            return Response(
                {"count": len(results), "results": results}, status=status.HTTP_201_CREATED
            )
        obj = made[0]
        headers = {}
        location = _url(request, route_name(rt, "detail"), resource_id=obj.resource_id)
        if location:
            headers["Location"] = f"{location}?region={obj.region}"
        return Response(serialize(rt, obj), status=status.HTTP_201_CREATED, headers=headers)


class ResourceDetailView(ResourceView):
    """GET: one resource. DELETE: run the type's delete action (DeleteVolume, ...):
    202 with the resource while it is still on its way out, 204 once it is gone."""

    def get(self, request: Request, resource_id: str) -> Response:
        ctx = call_context(request, self.resource_type)
        calls.describe_one(ctx, self.resource_type, resource_id)
        data = self.show(ctx, resource_id)
        if data is None:
            raise self.not_found(resource_id)
        return Response(data)

    def delete(self, request: Request, resource_id: str) -> Response:
        action = calls.delete_action(self.resource_type)
        if action is None:
            raise exceptions.MethodNotAllowed("DELETE")
        ctx = call_context(request, self.resource_type)
        self.run_action(ctx, action, resource_id, {})
        data = self.show(ctx, resource_id)
        if data is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ResourceActionView(ResourceView):
    """POST: run one of the type's actions (`actions/DeleteVolume/`) on the resource.
    The body may add parameters of the operation; the resource's id comes from the URL.
    Answers {"resource": the resource afterwards (null if gone), "response": the AWS
    response of the operation, as is}."""

    def post(self, request: Request, resource_id: str, operation: str) -> Response:
        rt = self.resource_type
        action = calls.find_action(rt, operation)
        if action is None:
            names = ", ".join(a.operation for a in rt.actions) or "none"
            raise core_errors.InvalidAction(
                f"{operation} is not an action of {rt.label_plural.lower()} "
                f"(their actions: {names}).",
                status=404,
            )
        body = request_body(request, rt, action.operation)
        ctx = call_context(request, rt)
        response = self.run_action(ctx, action, resource_id, body)
        return Response({"resource": self.show(ctx, resource_id), "response": response})


def _routed(path: str) -> bool:
    try:
        return resolve(path).url_name != "api-not-found"
    except Resolver404:
        return False


# --- the API's own pages -----------------------------------------------------------------


_ROOT_DOC = extend_schema(
    tags=["api"],
    operation_id="api_root",
    responses={
        200: {"type": "object", "description": "Services, resource types, links."},
        **errors(401, 406, 429),
    },
)


class RootView(RestView):
    """What the API offers: every service and resource type, with their URLs."""

    permission_classes = [permissions.AllowAny]

    @_ROOT_DOC
    def get(self, request: Request) -> Response:
        services = []
        for service in registry.services():
            types = []
            for rt in registry.resource_types(service.code):
                types.append(
                    {
                        "slug": rt.slug,
                        "label": rt.label,
                        "label_plural": rt.label_plural,
                        "url": _url(request, route_name(rt, "list")),
                        "create_operation": rt.create_operation or None,
                        "delete_operation": getattr(calls.delete_action(rt), "operation", None),
                        "actions": [a.operation for a in rt.actions],
                    }
                )
            services.append(
                {
                    "code": service.code,
                    "name": service.name,
                    "title": service.title,
                    "category": service.category,
                    "regional": service.regional,
                    "resource_types": types,
                }
            )
        return Response(
            {
                "services": services,
                "regions": _url(request, "api-regions"),
                "account": _url(request, "api-account"),
                "schema": _url(request, "api-schema"),
                "docs": _url(request, "api-docs"),
            }
        )


_ZONE = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "example": "us-east-1a"},
        "zone_id": {"type": "string", "example": "use1-az4"},
    },
}
_REGION = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "us-east-1"},
        "name": {"type": "string", "example": "US East (N. Virginia)"},
        "geography": {"type": "string"},
        "availability_zones": {"type": "array", "items": _ZONE},
    },
}


_REGIONS_DOC = extend_schema(
    tags=["api"],
    operation_id="regions_list",
    responses={
        200: {
            "type": "object",
            "properties": {
                "default": {"type": "string"},
                "regions": {"type": "array", "items": _REGION},
            },
        },
        **errors(401, 406, 429),
    },
)


class RegionsView(RestView):
    """The regions Stratolab simulates and their Availability Zones."""

    permission_classes = [permissions.AllowAny]

    @_REGIONS_DOC
    def get(self, request: Request) -> Response:
        return Response(
            {
                "default": DEFAULT_REGION,
                "regions": [
                    {
                        "code": r.code,
                        "name": r.name,
                        "geography": r.geography,
                        "availability_zones": [
                            {"name": z.name, "zone_id": z.zone_id} for z in r.zones
                        ],
                    }
                    for r in REGIONS.values()
                ],
            }
        )


_ACCOUNT_DOC = extend_schema(
    tags=["api"],
    operation_id="account_retrieve",
    responses={
        200: {
            "type": "object",
            "properties": {
                "account_id": {"type": "string", "example": "123456789012"},
                "alias": {"type": "string", "nullable": True},
                "email": {"type": "string", "nullable": True},
                "sign_in_url": {"type": "string"},
                "caller": {"type": "object"},
            },
        },
        **errors(401, 403, 406, 429),
    },
)


class AccountView(RestView):
    """The caller's account and identity (the root user also sees the root email)."""

    @_ACCOUNT_DOC
    def get(self, request: Request) -> Response:
        account, principal = request.user.account, request.user.principal
        return Response(
            {
                "account_id": account.id,
                "alias": account.alias,
                "email": account.root_email if principal.is_root else None,
                "sign_in_url": sign_in_url(account),
                "caller": {
                    "arn": principal.arn,
                    "type": principal.kind,
                    "user_name": principal.name or None,
                    "access_key_id": request.user.access_key_id or None,
                },
            }
        )


@extend_schema(exclude=True)
class NotFoundView(RestView):
    """Any other path under /api/v1/: a 404 problem document, even without credentials."""

    authentication_classes: ClassVar[list] = []
    permission_classes = [permissions.AllowAny]

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        message = f"There is no {request.method} {request.path} in the REST API."
        if not request.path.endswith("/") and _routed(request.path + "/"):
            message += f" Did you mean {request.path}/ (with the final slash)?"
        else:
            message += " GET /api/v1/ lists what there is."
        return problem(request, "NotFound", message, 404)

    get = post = put = patch = delete = head = options = _not_found
