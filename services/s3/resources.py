"""How S3 appears in the registry: a global service (one bucket list for every region,
each bucket showing its own region), as the AWS console presents it, and its buckets as
a resource type (console navigation and search, REST routes and their OpenAPI
description, IAM ARNs arn:aws:s3:::<name>).

Objects are not a type of their own: the generic pages and REST routes are built on
`Resource` rows (an account, an id, tags), and an object is a version row inside its
bucket, named by a key that may hold any character. They are listed through the
bucket's `ListObjectsV2` action (REST `POST .../buckets/<name>/actions/ListObjectsV2/`),
and the hand-written console pages (services/s3/views.py) browse them.
"""

from __future__ import annotations

from services.core import registry
from services.core.registry import Action, Column, Listing, Pages, ResourceType, Service
from services.s3.models import Bucket

registry.register_service(
    Service(
        "s3",
        "S3",
        "Scalable storage in the cloud",
        "Storage",
        regional=False,
        nav_sections=("Buckets",),
    )
)


def _bucket(rows: list[Bucket]) -> dict:
    return {"Bucket": rows[0].resource_id}


BUCKETS = registry.register(
    ResourceType(
        service="s3",
        slug="buckets",
        model=Bucket,
        label="Bucket",
        # The left navigation's words (the AWS console's "General purpose buckets").
        label_plural="General purpose buckets",
        nav_section="Buckets",
        columns=(
            Column("Name", "resource_id", "id", link=True),
            Column("AWS Region", "region"),
            Column("Creation date", "created_at", "datetime"),
        ),
        detail_fields=(
            Column("Name", "resource_id", "id"),
            Column("AWS Region", "region"),
            Column("Amazon Resource Name (ARN)", "arn", "code"),
            Column("Creation date", "created_at", "datetime"),
            Column("Bucket Versioning", "versioning"),
            Column("Tags", "tags", "tags"),
        ),
        actions=(
            Action(
                "Delete",
                "DeleteBucket",
                _bucket,
                confirm="Delete bucket? Deleting a bucket cannot be undone.",
                destructive=True,
            ),
            # The objects of a bucket, through the REST door (an object is no type).
            Action("List objects", "ListObjectsV2", _bucket, menu="Objects"),
        ),
        create_operation="CreateBucket",
        default_ordering="resource_id",
        listing=Listing("ListBuckets", "Buckets", "Name"),
        # The hand-written console pages are the bucket type's list, create and details
        # pages, on the generic URLs (services/s3/urls.py routes only what lies below).
        pages=Pages(
            list="services.s3.views.buckets",
            create="services.s3.views.type_create",
            detail="services.s3.views.type_detail",
        ),
        extra={"create_label": "Create bucket"},
    )
)
