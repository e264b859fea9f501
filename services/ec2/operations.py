"""EC2 operations, one module per resource family; importing this registers them all."""

from services.ec2 import tags, volumes  # noqa: F401
