"""What EC2 tells the VPC service about instances, through the hooks VPC declares in
its interface (services/vpc/network.py); installed in `Ec2Config.ready`."""

from __future__ import annotations

from services.core.context import CallContext
from services.ec2 import errors
from services.ec2.models import Instance
from services.vpc import network


def instance_interface(ctx: CallContext, instance_id: str) -> network.NetworkInterface | None:
    """The primary interface of a visible, not terminated instance (None if it has
    none); InvalidInstanceID.NotFound otherwise."""
    instance = Instance.objects.visible_to(ctx).filter(resource_id=instance_id).first()
    if instance is None or instance.state == "terminated":
        raise errors.InvalidInstanceIDNotFound(f"The instance ID '{instance_id}' does not exist")
    return instance.primary_network_interface


def install() -> None:
    network.instance_interface.install(instance_interface)
