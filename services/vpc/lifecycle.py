"""Lifecycle durations the VPC service ships with, so no settings edit is needed.

`STRATOLAB_LIFECYCLE_SECONDS` still wins when it names a key (`vpc.nat-gateway.pending`),
and `STRATOLAB_TIME_SCALE` scales both.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from services.core.lifecycle import Lifecycle


class DefaultedLifecycle(Lifecycle):
    """A Lifecycle whose state durations fall back to `defaults` (seconds per state)."""

    def __init__(self, name: str, transitions: dict[str, str], defaults: dict[str, float]) -> None:
        super().__init__(name, transitions)
        self.defaults = defaults

    def duration(self, state: str) -> dt.timedelta:
        seconds = settings.STRATOLAB_LIFECYCLE_SECONDS.get(
            f"{self.name}.{state}", self.defaults.get(state, 0)
        )
        return dt.timedelta(seconds=seconds * settings.STRATOLAB_TIME_SCALE)


# AWS takes a minute or two to make a NAT gateway available and about as long to delete
# it; deleted gateways stay listed for about an hour.
NAT_GATEWAY = DefaultedLifecycle(
    "vpc.nat-gateway",
    {"pending": "available", "deleting": "deleted", "deleted": "purged"},
    {"pending": 20, "deleting": 10, "deleted": 3600},
)
