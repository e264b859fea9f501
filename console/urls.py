"""URL routes: the console, the REST API and its schema. The AWS door is not routed
here: `services.core.gateway.middleware` takes AWS-signed requests before routing."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("services.classrooms.api")),
    path("api/v1/", include("services.core.api.urls")),
    path("", include("services.classrooms.urls")),
    path("", include("services.core.views.urls")),
]
