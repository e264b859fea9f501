"""The VPC console's own pages, under /<region>/vpc/. They come before the generic
resource pages of the registry, so `vpcs/create/` and the details pages named here
replace the generic ones for those types."""

from django.urls import path, register_converter

from services.vpc.views import delete_vpc, details, editing, pages


class ResourceIdConverter:
    """An AWS id (`rtb-0a1b...`), so that `<slug>/create/` stays the generic create page."""

    regex = "[a-z]+-[0-9a-f]{8,17}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ResourceIdConverter, "vpc_resource_id")

app_name = "vpc"

RT = "route-tables/<vpc_resource_id:resource_id>/"
SG = "security-groups/<vpc_resource_id:resource_id>/"

urlpatterns = [
    path("", pages.home, name="home"),
    path("vpcs/create/", pages.create_vpc, name="create-vpc"),
    path("vpcs/create/preview/", pages.create_vpc_preview, name="create-vpc-preview"),
    path("vpcs/actions/DeleteVpc/", delete_vpc.delete_vpc, name="delete-vpc"),
    path(
        "internet-gateways/<vpc_resource_id:resource_id>/",
        details.internet_gateway,
        name="igw-detail",
    ),
    path(
        "internet-gateways/<vpc_resource_id:resource_id>/attach/",
        pages.attach_internet_gateway,
        name="attach-internet-gateway",
    ),
    path(RT, details.route_table, name="route-table-detail"),
    path(RT + "edit-routes/", editing.edit_routes, name="edit-routes"),
    path(
        RT + "edit-subnet-associations/",
        editing.edit_subnet_associations,
        name="edit-subnet-associations",
    ),
    path(SG, details.security_group, name="security-group-detail"),
    path(SG + "edit-inbound-rules/", editing.edit_inbound_rules, name="edit-inbound-rules"),
    path(SG + "edit-outbound-rules/", editing.edit_outbound_rules, name="edit-outbound-rules"),
    path(
        "network-acls/<vpc_resource_id:resource_id>/",
        details.network_acl,
        name="network-acl-detail",
    ),
]
