"""SNS's own console pages under /<region>/sns/: the dashboard, the Publish message page
of a topic and the Outbox. The topics' and subscriptions' list, create and details pages
are declared on their types (resources.py)."""

from django.urls import path

from services.sns import views

app_name = "sns"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/confirm/", views.outbox_confirm, name="outbox-confirm"),
    path("topics/<str:resource_id>/publish/", views.publish, name="publish"),
]
