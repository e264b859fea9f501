"""The OpenAPI description of the REST door (drf-spectacular), built from the registry
and from botocore's models: a create request documents the AWS request shape of its
operation, so the schema cannot drift from what the operation accepts.

The docs page (`/api/v1/docs/`) is Swagger UI served from the drf-spectacular-sidecar
package by this module, so it works on a classroom network without internet access.
"""

from __future__ import annotations

import copy
import functools
import mimetypes
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import permissions

from services.core import registry
from services.core.api import calls
from services.core.api.auth import ConsoleSessionAuthentication
from services.core.api.errors import PROBLEM_JSON
from services.core.api.serializers import snake_case
from services.core.regions import DEFAULT_REGION, REGIONS
from services.core.registry import ResourceType
from services.core.shapes import operation_model, service_model

MAX_DEPTH = 8


class AccessKeyScheme(OpenApiAuthenticationExtension):
    target_class = "services.core.api.auth.AccessKeyAuthentication"
    name = "accessKey"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <access key id>:<secret access key>`: a key pair of the "
            "account's root user or of an IAM user (the same keys the AWS CLI uses).",
        }


class ConsoleSessionScheme(OpenApiAuthenticationExtension):
    target_class = "services.core.api.auth.ConsoleSessionAuthentication"
    name = "consoleSession"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The console's session: a signed-in browser can call the API "
            "(writes need the CSRF token, as in the console).",
        }


# --- botocore shapes as JSON Schema ----------------------------------------------------


def _doc(shape: Any) -> str:
    text = re.sub(r"<[^>]+>", "", getattr(shape, "documentation", "") or "")
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


TAGS = {"type": "object", "additionalProperties": {"type": "string"}}
INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def shape_schema(
    shape: Any, depth: int = 0, seen: tuple[str, ...] = (), *, response: bool = False
) -> dict:
    """A JSON Schema for a botocore shape (depth-limited: some shapes are recursive).
    For a request, with the model's required members, enums, lengths and ranges, and a
    structure takes no other members (the operation refuses them: UnknownParameter).
    For a `response`, the types only."""
    if response:
        return _response_schema(shape, depth, seen)
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if depth >= MAX_DEPTH or shape.name in seen:
            return {"type": "object"}
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {
                name: _with_doc(member, shape_schema(member, depth + 1, (*seen, shape.name)))
                for name, member in shape.members.items()
            },
            "additionalProperties": False,
        }
        if shape.required_members:
            schema["required"] = list(shape.required_members)
        return schema
    if kind == "list":
        schema = {"type": "array", "items": shape_schema(shape.member, depth + 1, seen)}
        schema.update(_bounds(meta, "minItems", "maxItems"))
        return schema
    if kind == "map":
        return {
            "type": "object",
            "additionalProperties": shape_schema(shape.value, depth + 1, seen),
        }
    if kind == "string":
        if shape.enum:
            return {"type": "string", "enum": list(shape.enum)}
        return {"type": "string", **_bounds(meta, "minLength", "maxLength")}
    if kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        low = max(low, int(meta.get("min", low)))
        high = min(high, int(meta.get("max", high)))
        return {"type": "integer", "minimum": low, "maximum": high}
    if kind in ("float", "double"):
        return {"type": "number", **_bounds(meta, "minimum", "maximum")}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "timestamp":
        return {"type": "string", "format": "date-time"}
    if kind == "blob":
        return {"type": "string", "format": "byte"}
    return {}


def _response_schema(shape: Any, depth: int, seen: tuple[str, ...]) -> dict:
    kind = shape.type_name
    if kind == "structure":
        if depth >= MAX_DEPTH or shape.name in seen:
            return {"type": "object"}
        inner = (*seen, shape.name)
        # The REST door shows AWS shapes with snake_case names and tags as an object.
        return {
            "type": "object",
            "properties": {
                ("tags" if name == "Tags" else snake_case(name)): TAGS
                if name == "Tags"
                else _with_doc(member, _response_schema(member, depth + 1, inner))
                for name, member in shape.members.items()
            },
        }
    if kind == "list":
        return {"type": "array", "items": _response_schema(shape.member, depth + 1, seen)}
    if kind == "map":
        return {"type": "object"}
    if kind in ("string", "timestamp", "blob"):
        return {"type": "string"}
    if kind in INT_RANGES:
        return {"type": "integer"}
    if kind in ("float", "double"):
        return {"type": "number"}
    if kind == "boolean":
        return {"type": "boolean"}
    return {}


def _bounds(meta: dict, low: str, high: str) -> dict:
    out = {}
    if isinstance(meta.get("min"), int | float) and meta["min"] > 0:
        out[low] = meta["min"]
    if isinstance(meta.get("max"), int | float):
        out[high] = meta["max"]
    return out


def _with_doc(shape: Any, schema: dict) -> dict:
    doc = _doc(shape)
    return {**schema, "description": doc} if doc else schema


def url_parameters(resource_type: ResourceType, action: str) -> tuple[str, ...]:
    """The members of `action`'s request that the resource's URL supplies (VolumeId)."""
    found = calls.find_action(resource_type, action)
    if found is None:
        return ()
    stand_in = resource_type.model(resource_id="-")
    try:
        return tuple(found.params([stand_in]))
    except Exception:  # params that need related rows: look for the id members instead
        name = resource_type.model.__name__
        op = calls.find_operation(resource_type, action)
        model = operation_model(op.service, op.action) if op else None
        members = model.input_shape.members if model and model.input_shape else {}
        return tuple(m for m in (f"{name}Id", f"{name}Ids", f"{name}Name") if m in members)


def request_schema(resource_type: ResourceType, action: str) -> dict:
    """The JSON Schema of the body of `action` on `resource_type` (see `_request_schema`);
    one object per action for the life of the process: do not change it."""
    return _request_schema(resource_type.service, resource_type.slug, action)


@functools.cache
def _request_schema(service: str, slug: str, action: str) -> dict:
    """The JSON Schema of the body of `action` (the create operation, or an action on
    one resource, without the members its URL supplies): what the docs show and what
    the REST door checks a body against."""
    resource_type = registry.resource_type(service, slug)
    op = calls.find_operation(resource_type, action)
    model = operation_model(op.service, op.action) if op else None
    if model is None or model.input_shape is None:
        return {"type": "object", "additionalProperties": False, "properties": {}}
    schema = shape_schema(model.input_shape)
    drop = () if action == resource_type.create_operation else url_parameters(resource_type, action)
    for name in drop:
        schema.get("properties", {}).pop(name, None)
        if name in schema.get("required", []):
            schema["required"].remove(name)
    if not schema.get("required"):
        schema.pop("required", None)
    return schema


def id_pattern(resource_type: ResourceType) -> str:
    """What ids of `resource_type` look like (`vol-` and 8 or 17 hex digits; IAM's
    `AIDA` and 17 upper-case letters or digits)."""
    declared = getattr(resource_type.model, "id_pattern", "")
    if declared:  # ids of another form (CloudTrail's event ids are UUIDs)
        return declared
    prefix = resource_type.model.id_prefix
    if getattr(resource_type.model, "regional", True):
        return f"^{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$"
    return f"^{prefix}[A-Z0-9]{{17}}$"


PROBLEM = {
    "type": "object",
    "description": "An error (RFC 9457 problem document) with the AWS error code.",
    "properties": {
        "type": {"type": "string", "example": "urn:stratolab:error:InvalidZone.NotFound"},
        "title": {"type": "string", "example": "InvalidZone.NotFound"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "The zone 'us-east-1z' does not exist."},
        "code": {"type": "string", "example": "InvalidZone.NotFound"},
        "request_id": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail", "code", "request_id", "instance"],
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_ERROR_TEXT = {
    400: "The request is invalid: a parameter this schema refuses (`InvalidParameterValue`, "
    "`UnknownParameter`, `MissingParameter`, `InvalidRegion`, `InvalidCharacter` for NUL "
    "or unpaired surrogates, `SerializationException` for a body that is not a JSON "
    "object), or an AWS error of the operation (`InvalidVpcID.NotFound` for a resource "
    "named in the body, `DependencyViolation`, `IncorrectState`, ...).",
    401: "No credentials, or credentials that are not valid "
    "(`MissingAuthenticationToken`, `InvalidClientTokenId`).",
    403: "Not allowed: IAM denies the call (`AccessDenied`, `UnauthorizedOperation`), or a "
    "console session's write without its CSRF token.",
    404: "The resource the URL names does not exist for the caller, or an AWS error "
    "with HTTP status 404 (IAM's `NoSuchEntity`).",
    406: "The `Accept` header asks for something other than JSON.",
    409: "A conflict with the account's state (IAM's `EntityAlreadyExists`, `DeleteConflict`).",
    412: "`DryRunOperation`: the request would have succeeded, but `DryRun` was set.",
    415: "The body is not `application/json`.",
    429: "Too many requests, or too many failed sign-ins with these credentials "
    "(`ThrottlingException`; see `Retry-After`).",
    501: "`NotImplemented`: Stratolab does not simulate this operation yet.",
}
READ_ERRORS = (400, 401, 403, 404, 406, 429)
WRITE_ERRORS = (*READ_ERRORS, 409, 412, 415, 501)


def errors(*statuses: int) -> dict:
    """The problem-document responses for `statuses` (a drf-spectacular `responses`
    mapping keyed by (status, media type))."""
    return {
        (status, PROBLEM_JSON): OpenApiResponse(PROBLEM_REF, description=_ERROR_TEXT[status])
        for status in statuses
    }


def resource_schema(resource_type: ResourceType) -> dict:
    """The REST shape of a resource: the core fields, then the resource's AWS
    description in snake_case (known for types whose create operation returns it)."""
    model = resource_type.model
    example = getattr(model, "id_example", "") or f"{model.id_prefix}-0123456789abcdef0"
    properties: dict[str, Any] = {
        "id": {"type": "string", "example": example},
        # A type without ARNs (CloudTrail events) shows `arn: null`.
        "arn": {"type": "string", "nullable": not getattr(model, "arn_format", "")},
        "region": {"type": "string", "nullable": True, "example": DEFAULT_REGION},
        "state": {"type": "string"},
        "tags": TAGS,
        "created_at": {"type": "string", "format": "date-time"},
    }
    op = calls.find_operation(resource_type, resource_type.create_operation or "-")
    model = operation_model(op.service, op.action) if op else None
    output = model.output_shape if model else None
    # A create operation answers with the resource (CreateVolume -> Volume) or wraps it
    # (CreateVpc -> {Vpc}); a Reservation of instances is not one instance's shape.
    if output is not None and len(output.members) == 1:
        (only,) = output.members.values()
        output = only if only.type_name == "structure" else output
    if output is not None and f"{resource_type.model.__name__}Id" in output.members:
        id_member = f"{resource_type.model.__name__}Id"  # shown as `id`
        for name, member in output.members.items():
            if name == id_member:
                continue
            if name == "Tags":
                continue  # a core field
            properties.setdefault(
                snake_case(name), _with_doc(member, shape_schema(member, 1, response=True))
            )
    declared = resource_type.extra.get("response_shape")
    if declared:  # (service, shape, id member): the shape the resource is shown with
        service, name, id_member = declared
        shape = service_model(service).shape_for(name)
        for member_name, member in shape.members.items():
            if member_name not in (id_member, "Tags"):
                properties.setdefault(
                    snake_case(member_name),
                    _with_doc(member, shape_schema(member, 1, response=True)),
                )
    return {
        "type": "object",
        "title": resource_type.label,
        "properties": properties,
        "additionalProperties": True,
    }


def _page(schema: dict) -> dict:
    return {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
            "results": {"type": "array", "items": schema},
        },
    }


REGION = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description=f"The region to act in (default {DEFAULT_REGION}); IAM, a global service, "
    "answers from every region.",
    enum=list(REGIONS),
)
LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": 1000},
    OpenApiParameter.QUERY,
    description="Page size (default 50).",
)
OFFSET = OpenApiParameter(
    "offset",
    {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    OpenApiParameter.QUERY,
    description="How many resources to skip (default 0).",
)
STATE = OpenApiParameter(
    "state",
    {"type": "array", "items": {"type": "string"}},
    OpenApiParameter.QUERY,
    description="Only resources in one of these states (repeat the parameter for several).",
    explode=True,
)


def _resource_id(resource_type: ResourceType) -> OpenApiParameter:
    return OpenApiParameter(
        "resource_id",
        {"type": "string", "pattern": id_pattern(resource_type)},
        OpenApiParameter.PATH,
        description=f"The {resource_type.label.lower()}'s id.",
    )


def _action_response(shown: dict) -> dict:
    return {
        "type": "object",
        "properties": {
            "resource": {**shown, "nullable": True},
            "response": {"type": "object", "description": "The AWS response, as is."},
        },
        "required": ["resource", "response"],
    }


def document(resource_type: ResourceType, list_view: type, detail_view: type) -> None:
    """Attach the OpenAPI description of `resource_type` to its list and detail views."""
    rt = resource_type
    tag = f"{rt.service}: {rt.label_plural}"
    shown = resource_schema(rt)
    describe = calls.describe_operation(rt)
    delete = calls.delete_action(rt)
    filters = rt.extra.get("list_doc") or (
        f"Any other query parameter is a filter of {describe.action} (for example "
        "`tag:Name=web*`; repeat a parameter for several values); an unknown filter is "
        "`InvalidParameterValue`."
        if describe
        else ""
    )
    listing = [REGION, LIMIT, OFFSET]
    if _has_state(rt):
        listing.append(STATE)
    # A read-only type's views have no post/delete to describe (drf-spectacular warns
    # of overrides for methods a view lacks, and check --deploy fails on warnings).
    writes: dict[str, Any] = {}
    if rt.create_operation:
        writes["post"] = extend_schema(
            tags=[tag],
            summary=f"Create a {rt.label.lower()}",
            description=f"Runs {rt.create_operation}; the body is its AWS request. Answers "
            "the new resource; `{count, results}` when one request made several "
            "(RunInstances with a MinCount above one).",
            parameters=[REGION],
            operation_id=f"{rt.service}_{rt.slug}_create",
            request={"application/json": copy.deepcopy(request_schema(rt, rt.create_operation))},
            responses={201: shown, **errors(*WRITE_ERRORS)},
        )
    extend_schema_view(
        get=extend_schema(
            tags=[tag],
            summary=f"List {rt.label_plural.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_list",
            description=f"Runs {describe.action if describe else 'its Describe operation'}. "
            + filters,
            parameters=listing,
            responses={200: _page(shown), **errors(*READ_ERRORS, 501)},
        ),
        **writes,
    )(list_view)
    deletes: dict[str, Any] = {}
    if delete:
        deletes["delete"] = extend_schema(
            tags=[tag],
            summary=f"Delete a {rt.label.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_delete",
            description=f"Runs {delete.operation}: 202 with the resource while it is on its "
            "way out, 204 once it is gone.",
            parameters=[REGION, _resource_id(rt)],
            responses={202: shown, 204: None, **errors(*WRITE_ERRORS)},
        )
    extend_schema_view(
        get=extend_schema(
            tags=[tag],
            summary=f"Describe a {rt.label.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_retrieve",
            parameters=[REGION, _resource_id(rt)],
            responses={200: shown, **errors(*READ_ERRORS, 501)},
        ),
        **deletes,
    )(detail_view)


def document_action(resource_type: ResourceType, operation: str, action_view: type) -> None:
    """Attach the OpenAPI description of one action (`actions/AttachVolume/`)."""
    rt = resource_type
    extend_schema_view(
        post=extend_schema(
            tags=[f"{rt.service}: {rt.label_plural}"],
            summary=f"{operation} on a {rt.label.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_{operation}",
            description=f"Runs {operation} on the resource the URL names. The body may add "
            "parameters of the operation (an empty body is `{}`); the id comes from the URL. "
            "Answers the resource afterwards (null once gone) and the AWS response.",
            parameters=[REGION, _resource_id(rt)],
            request={"application/json": copy.deepcopy(request_schema(rt, operation))},
            responses={200: _action_response(resource_schema(rt)), **errors(*WRITE_ERRORS)},
        ),
    )(action_view)


def _has_state(resource_type: ResourceType) -> bool:
    try:
        resource_type.model._meta.get_field("state")
    except Exception:
        return False
    return True


# --- the schema and its docs page ------------------------------------------------------


API_DESCRIPTION = """
The JSON door to the simulated cloud. Every request runs the same operation as the
console and the AWS CLI (so IAM, validation, errors and the CloudTrail event are the
same; events show `stratolabDoor: rest`).

**Credentials.** `Authorization: Token <access key id>:<secret access key>` (the root
user's key from the account, or an IAM user's), or a signed-in console session (writes
then need the `X-CSRFToken` header).

**Region.** `?region=us-east-1` on any resource URL (default us-east-1); an unknown
region is `InvalidRegion`.

**Resources.** `GET /api/v1/<service>/<type>/` lists (Describe filters as query
parameters: `?tag:Name=web*&availability-zone=us-east-1a`, `*` and `?` wildcards,
repeat a parameter for several values; `?state=`; `limit` and `offset`). `POST` creates:
the body is the AWS request of the create operation (`{"AvailabilityZone":
"us-east-1a", "Size": 8}`). `GET .../<id>/` describes, `DELETE .../<id>/` deletes, `POST
.../<id>/actions/<Operation>/` runs another action. A resource is shown with snake_case
names: `id`, `arn`, `region`, `state`, `tags` as an object, `created_at`, then the fields
of its AWS description (`availability_zone`, `volume_type`, ...).

**Errors** are `application/problem+json` documents (the `Problem` schema) with the AWS
error `code` (`InvalidVolume.NotFound`, `UnauthorizedOperation`, `DryRunOperation`), its
message as `detail`, and the `request_id` that is also the `x-amzn-RequestId` header.
A request this schema calls invalid is a 400: a body is checked against the AWS request
shape shown for it (unknown members, types, enums, lengths and ranges), `region`,
`limit` and `offset` against their parameters. Text may not hold NUL (U+0000) or
unpaired surrogates, which no resource can store (`InvalidCharacter`).

**Classrooms.** `/api/v1/classrooms/` and `/api/v1/labs/` are the instructors' API (HTTP
Basic with the instructor's user name and password, or the instructor's session), for a
learning platform that provisions classes and pulls grades.
"""


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    url_name = "api-schema"
    custom_settings = {
        "DESCRIPTION": API_DESCRIPTION,
        "APPEND_COMPONENTS": {"schemas": {"Problem": PROBLEM}},
    }


class DocsView(SpectacularSwaggerView):
    """Swagger UI from the local sidecar files. Signed-in console users can try calls
    with their session; others authorize with an access key."""

    authentication_classes = [ConsoleSessionAuthentication]
    permission_classes = [permissions.AllowAny]
    url_name = "api-schema"
    title = "Stratolab REST API"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        from django.urls import reverse

        return reverse("api-docs-asset", kwargs={"name": filename})

    @staticmethod
    def _swagger_ui_favicon() -> str:
        from django.urls import reverse

        return reverse("api-docs-asset", kwargs={"name": "favicon-32x32.png"})


def _sidecar_dir() -> Path | None:
    try:
        import drf_spectacular_sidecar
    except ImportError:
        return None
    return (
        Path(drf_spectacular_sidecar.__file__).parent
        / "static"
        / "drf_spectacular_sidecar"
        / "swagger-ui-dist"
    )


DOC_ASSETS = {
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
}


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One file of Swagger UI (a fixed list: no path reaches anything else)."""
    folder = _sidecar_dir()
    if name not in DOC_ASSETS or folder is None or not (folder / name).is_file():
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((folder / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
