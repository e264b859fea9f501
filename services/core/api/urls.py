"""The REST API (/api/v1): routes for every registered resource type."""

urlpatterns: list = []
