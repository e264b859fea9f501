"""EC2 resources held in PostgreSQL, one module per resource family."""

from services.core import locks
from services.ec2.models.images import Image
from services.ec2.models.instances import Instance
from services.ec2.models.keypairs import KeyPair
from services.ec2.models.keypool import KeyMaterial
from services.ec2.models.placement_groups import PlacementGroup
from services.ec2.models.snapshots import Snapshot
from services.ec2.models.volumes import Volume, VolumeAttachment

__all__ = [
    "Image",
    "Instance",
    "KeyMaterial",
    "KeyPair",
    "PlacementGroup",
    "Snapshot",
    "Volume",
    "VolumeAttachment",
]

# Lock order (services.core.locks): an instance comes before its network interfaces and
# addresses (VPC's), then its volumes and what is made of them. A placement group holds
# instances and RunInstances locks it before it builds their network (subnets), so it
# comes before VPC's containers. The key pool's rows (never waited for: SKIP LOCKED)
# come after key pairs.
locks.declare("ec2.PlacementGroup", before="vpc.Vpc")
locks.declare("ec2.Instance", before="vpc.NetworkInterface")
locks.declare(
    "ec2.Volume",
    "ec2.VolumeAttachment",
    "ec2.Snapshot",
    "ec2.Image",
    "ec2.KeyPair",
    "ec2.KeyMaterial",
    after="vpc.Address",
)
