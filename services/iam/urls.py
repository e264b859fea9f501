"""IAM's console pages, under /<region>/iam/ (IAM is global; the region in the address
is only the console's current one)."""

from django.urls import path

from services.iam import switch_views, views

app_name = "iam"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("simulator/", views.simulator, name="simulator"),
    path("switch-role/", switch_views.switch_role, name="switch-role"),
    path("switch-back/", switch_views.switch_back, name="switch-back"),
]
