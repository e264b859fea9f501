"""EventBridge's own console routes, included at /<region>/events/ (namespace "events").
Its pages on the generic resource URLs (Create rule, a rule's details, Delete rule) are
declared on the rules type in resources.py (`ResourceType.pages`)."""

from django.urls import path

from services.events import views

app_name = "events"

urlpatterns = [
    path("rules/test-pattern/", views.test_pattern, name="test-pattern"),
]
