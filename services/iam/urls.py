"""IAM's console pages, under /<region>/iam/ (IAM is global; the region in the address
is only the console's current one)."""

from django.urls import path

from services.iam import views

app_name = "iam"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("simulator/", views.simulator, name="simulator"),
]
