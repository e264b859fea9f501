"""Console routes."""

urlpatterns: list = []
