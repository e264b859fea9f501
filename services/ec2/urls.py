"""EC2's own console pages, included at /<region>/ec2/ (namespace "ec2").

Some routes sit on the generic resource URLs on purpose (these patterns are tried
first): the instance details page with its tabs, the Actions modals that need a form
(instance settings, manage tags, create image, attach volume), and the create pages of
instances (the Launch instance page) and key pairs (a once-only private key download).
"""

from django.urls import path

from services.ec2.views import catalog, dashboard, instances, keypairs, launch, volumes

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
    # Generic URLs with EC2's own pages.
    path("instances/create/", launch.create_redirect, name="instance-create"),
    path(
        "instances/actions/ModifyInstanceAttribute/",
        instances.settings_modal,
        name="instance-settings",
    ),
    path("instances/actions/CreateTags/", instances.tags_modal, name="instance-tags"),
    path("instances/actions/CreateImage/", instances.create_image_modal, name="instance-image"),
    path("instances/<str:resource_id>/", instances.detail, name="instance-detail"),
    path("amis/create/", instances.create_image_modal, name="image-create"),
    path("volumes/actions/AttachVolume/", volumes.attach_modal, name="volume-attach"),
    path("key-pairs/create/", keypairs.create, name="key-pair-create"),
    path("key-pairs/import/", keypairs.import_key, name="key-pair-import"),
    path("key-pairs/created/<str:token>/", keypairs.created, name="key-pair-created"),
    path("key-pairs/created/<str:token>/file/", keypairs.download, name="key-pair-download"),
]
