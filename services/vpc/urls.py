"""The VPC console's own pages, under /<region>/vpc/. The pages that take the place of
generic ones (Create VPC, Delete VPC, the details pages of route tables, security
groups, network ACLs and internet gateways) are declared on their types in
resources.py (`ResourceType.pages`); what hangs off them is here."""

from django.urls import path, register_converter

from services.vpc.views import editing, pages


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
    path("vpcs/create/preview/", pages.create_vpc_preview, name="create-vpc-preview"),
    path(
        "internet-gateways/<vpc_resource_id:resource_id>/attach/",
        pages.attach_internet_gateway,
        name="attach-internet-gateway",
    ),
    path(RT + "edit-routes/", editing.edit_routes, name="edit-routes"),
    path(
        RT + "edit-subnet-associations/",
        editing.edit_subnet_associations,
        name="edit-subnet-associations",
    ),
    path(SG + "edit-inbound-rules/", editing.edit_inbound_rules, name="edit-inbound-rules"),
    path(SG + "edit-outbound-rules/", editing.edit_outbound_rules, name="edit-outbound-rules"),
]
