"""EC2 resources held in PostgreSQL, one module per resource family."""

from services.ec2.models.images import Image
from services.ec2.models.instances import Instance
from services.ec2.models.keypairs import KeyPair
from services.ec2.models.snapshots import Snapshot
from services.ec2.models.volumes import Volume, VolumeAttachment

__all__ = ["Image", "Instance", "KeyPair", "Snapshot", "Volume", "VolumeAttachment"]
