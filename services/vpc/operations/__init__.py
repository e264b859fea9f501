"""VPC operations (the EC2 API's networking actions), one module per resource family;
importing this registers them all."""

from services.vpc.operations import (  # noqa: F401
    acls,
    addresses,
    gateways,
    interfaces,
    routes,
    security_groups,
    subnets,
    vpcs,
    zones,
)
