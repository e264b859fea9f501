"""URL routes: the console, the REST API, and (from the AWS door issue) the gateway."""


urlpatterns: list = []
