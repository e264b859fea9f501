"""EC2's own console pages, included at /<region>/ec2/ (namespace "ec2").

EC2's own pages on the generic resource URLs (the instance details page with its tabs,
the Actions modals that need a form, the create pages of instances and key pairs) are
declared on their types in resources.py (`ResourceType.pages`), not here.
"""

from django.urls import path

from services.ec2.views import catalog, dashboard, keypairs, launch

app_name = "ec2"

urlpatterns = [
    path("home/", dashboard.home, name="home"),
    path("launch/", launch.launch, name="launch"),
    path("launch/success/", launch.launch_success, name="launch-success"),
    path("instance-types/", catalog.instance_types_page, name="instance-types"),
    path("ami-catalog/", catalog.ami_catalog_page, name="ami-catalog"),
    path(
        "security-groups/",
        dashboard.vpc_page,
        {"slug": "security-groups"},
        name="security-groups",
    ),
    path("elastic-ips/", dashboard.vpc_page, {"slug": "elastic-ips"}, name="elastic-ips"),
    path("key-pairs/import/", keypairs.import_key, name="key-pair-import"),
    path("key-pairs/created/<str:token>/", keypairs.created, name="key-pair-created"),
    path("key-pairs/created/<str:token>/file/", keypairs.download, name="key-pair-download"),
]
