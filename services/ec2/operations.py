"""EC2 operations, one module per resource family; importing this registers them all."""

from services.ec2 import images, instance_types, keypairs, tags, volumes  # noqa: F401
