"""How S3 appears in the console: a global service (one bucket list for every region,
each bucket showing its own region), as the AWS console presents it."""

from __future__ import annotations

from services.core import registry
from services.core.registry import NavLink, Service

registry.register_service(
    Service(
        "s3",
        "S3",
        "Scalable storage in the cloud",
        "Storage",
        regional=False,
        home_url_name="s3:buckets",
        nav_links=(NavLink("General purpose buckets", "s3:buckets", "Buckets"),),
        nav_sections=("Buckets",),
    )
)
