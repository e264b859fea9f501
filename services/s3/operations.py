"""Every S3 operation, registered by importing the modules that define them."""

from services.s3 import (  # noqa: F401
    authorization,
    buckets,
    cors,
    encryption,
    lifecycle,
    listing,
    multipart,
    notifications,
    objects,
    permissions,
    restore,
    tagging,
    versioning,
    website,
)
