"""CloudTrail's console pages, under /<region>/cloudtrail/."""

from django.urls import path

from services.cloudtrail import views

app_name = "cloudtrail"

urlpatterns = [
    path("events/", views.event_history, name="events"),
    path("events/<uuid:event_id>/", views.event_detail, name="event-detail"),
]
