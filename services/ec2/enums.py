"""EC2's enumerated values, taken from botocore's model (never retyped), and the labels
the console shows for them. Operations check input against the value sets; forms offer
`shapes.enum_choices` of them, so a value the model lacks cannot be offered or accepted."""

from __future__ import annotations

import functools
from collections.abc import Callable

from services.core import shapes

# VOLUME_TYPES, SHUTDOWN_BEHAVIORS, KEY_TYPES, KEY_FORMATS: read from the model on first
# use (module __getattr__), so importing a form does not load EC2's 0.8 s model.
_SHAPES = {
    "VOLUME_TYPES": "VolumeType",
    "SHUTDOWN_BEHAVIORS": "ShutdownBehavior",
    "KEY_TYPES": "KeyType",
    "KEY_FORMATS": "KeyFormat",
}


@functools.cache
def __getattr__(name: str) -> list[str]:
    if name not in _SHAPES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return shapes.enum_values("ec2", _SHAPES[name])


def choices(shape_name: str, labels: dict[str, str]) -> Callable[[], list[tuple[str, str]]]:
    """Lazy form choices of an EC2 enum with the console's labels."""
    return shapes.lazy_enum_choices("ec2", shape_name, labels)


# The console's labels, in the console's order (keys are the model's values).
SHUTDOWN_LABELS = {"stop": "Stop", "terminate": "Terminate"}
KEY_TYPE_LABELS = {"rsa": "RSA", "ed25519": "ED25519"}
KEY_FORMAT_LABELS = {"pem": ".pem (for use with OpenSSH)", "ppk": ".ppk (for use with PuTTY)"}


# The launch page's storage rows and the Create volume page word the types differently.
LAUNCH_VOLUME_TYPE_LABELS = {
    "gp3": "General purpose SSD (gp3)",
    "gp2": "General purpose SSD (gp2)",
    "io1": "Provisioned IOPS SSD (io1)",
    "io2": "Provisioned IOPS SSD (io2)",
    "st1": "Throughput optimized HDD (st1)",
    "sc1": "Cold HDD (sc1)",
    "standard": "Magnetic (standard)",
}
VOLUME_TYPE_LABELS = {
    "gp3": "General Purpose SSD (gp3)",
    "gp2": "General Purpose SSD (gp2)",
    "io1": "Provisioned IOPS SSD (io1)",
    "io2": "Provisioned IOPS SSD (io2)",
    "st1": "Throughput Optimized HDD (st1)",
    "sc1": "Cold HDD (sc1)",
    "standard": "Magnetic (standard)",
}
