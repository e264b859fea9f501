"""The VPC console's own pages, under /<region>/vpc/ (the generic resource pages of the
registry follow; `vpcs/create/` here replaces the generic create page of VPCs)."""

from django.urls import path

from services.vpc import views

app_name = "vpc"

urlpatterns = [
    path("", views.home, name="home"),
    path("vpcs/create/", views.create_vpc, name="create-vpc"),
    path("vpcs/create/preview/", views.create_vpc_preview, name="create-vpc-preview"),
    path(
        "internet-gateways/<str:resource_id>/attach/",
        views.attach_internet_gateway,
        name="attach-internet-gateway",
    ),
]
