"""The OpenAPI description of the REST door (drf-spectacular), built from the registry
and from botocore's models: a create request documents the AWS request shape of its
operation, so the schema cannot drift from what the operation accepts.

The docs page (`/api/v1/docs/`) is Swagger UI served from the drf-spectacular-sidecar
package by this module, so it works on a classroom network without internet access.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import permissions

from services.core.api import calls
from services.core.api.auth import ConsoleSessionAuthentication
from services.core.api.serializers import snake_case
from services.core.regions import DEFAULT_REGION, REGIONS
from services.core.registry import ResourceType
from services.core.shapes import operation_model

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


def shape_schema(shape: Any, depth: int = 0, seen: tuple[str, ...] = ()) -> dict:
    """A JSON Schema for a botocore shape (depth-limited: some shapes are recursive)."""
    kind = shape.type_name
    if kind == "structure":
        if depth >= MAX_DEPTH or shape.name in seen:
            return {"type": "object"}
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {
                name: _with_doc(member, shape_schema(member, depth + 1, (*seen, shape.name)))
                for name, member in shape.members.items()
            },
        }
        if shape.required_members:
            schema["required"] = list(shape.required_members)
        return schema
    if kind == "list":
        return {"type": "array", "items": shape_schema(shape.member, depth + 1, seen)}
    if kind == "map":
        return {
            "type": "object",
            "additionalProperties": shape_schema(shape.value, depth + 1, seen),
        }
    if kind == "string":
        return {"type": "string", "enum": list(shape.enum)} if shape.enum else {"type": "string"}
    if kind in ("integer", "long"):
        return {"type": "integer"}
    if kind in ("float", "double"):
        return {"type": "number"}
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "timestamp":
        return {"type": "string", "format": "date-time"}
    if kind == "blob":
        return {"type": "string", "format": "byte"}
    return {}


def _with_doc(shape: Any, schema: dict) -> dict:
    doc = _doc(shape)
    return {**schema, "description": doc} if doc else schema


def _input_schema(resource_type: ResourceType, action: str, *, drop: tuple[str, ...] = ()) -> dict:
    op = calls.find_operation(resource_type, action)
    model = operation_model(op.service, op.action) if op else None
    if model is None or model.input_shape is None:
        return {"type": "object"}
    schema = shape_schema(model.input_shape)
    for name in drop:
        schema.get("properties", {}).pop(name, None)
        if name in schema.get("required", []):
            schema["required"].remove(name)
    if not schema.get("required"):
        schema.pop("required", None)
    return schema


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
}
ERRORS = {400: PROBLEM, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM}


def resource_schema(resource_type: ResourceType) -> dict:
    """The REST shape of a resource: the core fields, then the resource's AWS
    description in snake_case (known for types whose create operation returns it)."""
    properties: dict[str, Any] = {
        "id": {"type": "string", "example": f"{resource_type.model.id_prefix}-0123456789abcdef0"},
        "arn": {"type": "string"},
        "region": {"type": "string", "nullable": True, "example": DEFAULT_REGION},
        "state": {"type": "string"},
        "tags": {"type": "object", "additionalProperties": {"type": "string"}},
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
            key = "tags" if name == "Tags" else snake_case(name)
            properties.setdefault(key, _with_doc(member, shape_schema(member, 1)))
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
    description=f"The region to act in (default {DEFAULT_REGION}).",
    enum=list(REGIONS),
)


def document(resource_type: ResourceType, list_view: type, detail_view: type, action_view: type):
    """Attach the OpenAPI description of `resource_type` to its three view classes."""
    rt = resource_type
    tag = f"{rt.service}: {rt.label_plural}"
    shown = resource_schema(rt)
    describe = calls.describe_operation(rt)
    delete = calls.delete_action(rt)
    filters = (
        f"Any other query parameter is a filter of {describe.action} (for example "
        "`tag:Name=web*`; repeat a parameter for several values)."
        if describe
        else ""
    )
    extend_schema_view(
        get=extend_schema(
            tags=[tag],
            summary=f"List {rt.label_plural.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_list",
            description=f"Runs {describe.action if describe else 'its Describe operation'}. "
            + filters,
            parameters=[
                REGION,
                OpenApiParameter("state", OpenApiTypes.STR, description="Only in this state."),
                OpenApiParameter("limit", OpenApiTypes.INT, description="Page size (50)."),
                OpenApiParameter("offset", OpenApiTypes.INT),
            ],
            responses={200: _page(shown), **ERRORS},
        ),
        post=extend_schema(
            tags=[tag],
            summary=f"Create a {rt.label.lower()}",
            description=f"Runs {rt.create_operation}; the body is its AWS request."
            if rt.create_operation
            else "This resource type is not created through the API.",
            parameters=[REGION],
            operation_id=f"{rt.service}_{rt.slug}_create",
            request={"application/json": _input_schema(rt, rt.create_operation)}
            if rt.create_operation
            else None,
            responses={201: shown, **ERRORS, 412: PROBLEM},
        ),
    )(list_view)
    extend_schema_view(
        get=extend_schema(
            tags=[tag],
            summary=f"Describe a {rt.label.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_retrieve",
            parameters=[REGION],
            responses={200: shown, **ERRORS},
        ),
        delete=extend_schema(
            tags=[tag],
            summary=f"Delete a {rt.label.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_delete",
            description=f"Runs {delete.operation}: 202 with the resource while it is on its "
            "way out, 204 once it is gone."
            if delete
            else "This resource type cannot be deleted through the API.",
            parameters=[REGION],
            responses={202: shown, 204: None, **ERRORS},
        ),
    )(detail_view)
    names = [a.operation for a in rt.actions]
    extend_schema_view(
        post=extend_schema(
            tags=[tag],
            summary=f"Run an action on a {rt.label.lower()}",
            operation_id=f"{rt.service}_{rt.slug}_action",
            description="The body may add parameters of the operation; the id comes from "
            "the URL. Actions: " + (", ".join(names) or "none") + ".",
            parameters=[
                REGION,
                OpenApiParameter(
                    "operation", OpenApiTypes.STR, OpenApiParameter.PATH, enum=names or None
                ),
            ],
            request={"application/json": {"type": "object", "additionalProperties": True}},
            responses={
                200: {
                    "type": "object",
                    "properties": {
                        "resource": {**shown, "nullable": True},
                        "response": {"type": "object", "description": "The AWS response."},
                    },
                },
                **ERRORS,
            },
        ),
    )(action_view)


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

**Errors** are `application/problem+json` documents with the AWS error `code`
(`InvalidVolume.NotFound`, `UnauthorizedOperation`, `DryRunOperation`), its message as
`detail`, and the `request_id` that is also the `x-amzn-RequestId` header.
"""


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    url_name = "api-schema"
    custom_settings = {"DESCRIPTION": API_DESCRIPTION}


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
