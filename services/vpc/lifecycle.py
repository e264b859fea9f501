"""Lifecycle durations the VPC service ships with, so no settings edit is needed.

`STRATOLAB_LIFECYCLE_SECONDS` still wins when it names a key (`vpc.nat-gateway.pending`),
and `STRATOLAB_TIME_SCALE` scales both (see `services.core.lifecycle.duration`).
"""

from __future__ import annotations

from services.core.lifecycle import Lifecycle

# AWS takes a minute or two to make a NAT gateway available and about as long to delete
# it; deleted gateways stay listed for about an hour.
NAT_GATEWAY = Lifecycle(
    "vpc.nat-gateway",
    {"pending": "available", "deleting": "deleted", "deleted": "purged"},
    defaults={"pending": 20, "deleting": 10, "deleted": 3600},
)
