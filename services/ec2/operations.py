"""EC2 operations, one module per resource family; importing this registers them all."""

from services.ec2 import (  # noqa: F401
    attachments,
    images,
    instance_attributes,
    instance_images,
    instance_status,
    instance_types,
    instances,
    keypairs,
    launch,
    placement_groups,
    snapshots,
    tags,
    volumes,
)
