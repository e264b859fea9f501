"""The REST API (/api/v1): routes for every registered resource type.

    GET    /api/v1/                                        services and resource types
    GET    /api/v1/regions/                                regions and their AZs
    GET    /api/v1/account/                                the caller's account
    GET    /api/v1/schema/  /api/v1/docs/                  OpenAPI schema, Swagger UI
    GET    /api/v1/<service>/<slug>/?region=&state=&...    list (Describe filters)
    POST   /api/v1/<service>/<slug>/                       create (AWS request body)
    GET    /api/v1/<service>/<slug>/<id>/                  describe one
    DELETE /api/v1/<service>/<slug>/<id>/                  delete
    POST   /api/v1/<service>/<slug>/<id>/actions/<Op>/     any other action

Anything else under /api/v1/ is a 404 problem document.
"""

from __future__ import annotations

from django.urls import URLPattern, path, re_path
from drf_spectacular.utils import extend_schema

from services.core import registry
from services.core.api import calls, schema, views
from services.core.registry import ResourceType


def _class_name(resource_type: ResourceType, kind: str) -> str:
    words = f"{resource_type.service} {resource_type.slug}".replace("-", " ").split()
    return "".join(w.capitalize() for w in words) + kind + "View"


def resource_routes(resource_type: ResourceType) -> list[URLPattern]:
    """The list, detail and action routes of one resource type, each with view classes
    of its own (so the OpenAPI schema can describe each type's requests). Every action
    has a route of its own (`actions/AttachVolume/`), documented with the operation's
    request; any other name is answered by the generic route (an unknown action is a
    404 InvalidAction)."""
    rt = resource_type
    bound = {"resource_type": rt}
    listing = ["get", "head", "options"] + (["post"] if rt.create_operation else [])
    detail = ["get", "head", "options"] + (["delete"] if calls.delete_action(rt) else [])
    list_view = type(
        _class_name(rt, "List"), (views.ResourceListView,), {**bound, "http_method_names": listing}
    )
    detail_view = type(
        _class_name(rt, "Detail"),
        (views.ResourceDetailView,),
        {**bound, "http_method_names": detail},
    )
    action_view = extend_schema(exclude=True)(
        type(_class_name(rt, "Action"), (views.ResourceActionView,), bound)
    )
    schema.document(rt, list_view, detail_view)
    base = f"{rt.service}/{rt.slug}/"
    routes = [
        path(base, list_view.as_view(), name=views.route_name(rt, "list")),
        path(
            f"{base}<str:resource_id>/", detail_view.as_view(), name=views.route_name(rt, "detail")
        ),
    ]
    for operation in dict.fromkeys(a.operation for a in rt.actions):
        one = type(
            _class_name(rt, operation),
            (views.ResourceActionView,),
            {**bound, "operation": operation},
        )
        schema.document_action(rt, operation, one)
        routes.append(
            path(
                f"{base}<str:resource_id>/actions/{operation}/",
                one.as_view(),
                {"operation": operation},
            )
        )
    routes.append(
        path(
            f"{base}<str:resource_id>/actions/<str:operation>/",
            action_view.as_view(),
            name=views.route_name(rt, "action"),
        )
    )
    return routes


urlpatterns: list = [
    path("", views.RootView.as_view(), name="api-root"),
    path("regions/", views.RegionsView.as_view(), name="api-regions"),
    path("account/", views.AccountView.as_view(), name="api-account"),
    path("schema/", schema.SchemaView.as_view(), name="api-schema"),
    path("docs/", schema.DocsView.as_view(), name="api-docs"),
    path("docs/assets/<str:name>", schema.docs_asset, name="api-docs-asset"),
    *[route for rt in registry.resource_types() for route in resource_routes(rt)],
    # Any other path, even one with a newline in it.
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="api-not-found"),
]
