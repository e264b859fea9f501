"""The regions and Availability Zones Stratolab simulates, named as AWS names them.

Static data rather than rows: AWS's list does not change per account, and every
process can validate a region without a query. (GLB-01, GLB-02)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AvailabilityZone:
    name: str  # us-east-1a: region code plus a letter
    zone_id: str  # use1-az1: the same physical zone in every account

    @property
    def region(self) -> str:
        return self.name[:-1]


@dataclass(frozen=True)
class Region:
    code: str  # us-east-1: ends in a number
    name: str  # US East (N. Virginia)
    geography: str
    zones: tuple[AvailabilityZone, ...]

    @property
    def zone_names(self) -> list[str]:
        return [z.name for z in self.zones]


def _region(code: str, name: str, geography: str, prefix: str, letters: str, ids: str) -> Region:
    zones = tuple(
        AvailabilityZone(f"{code}{letter}", f"{prefix}-az{number}")
        for letter, number in zip(letters, ids, strict=True)
    )
    return Region(code, name, geography, zones)


REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        _region("us-east-1", "US East (N. Virginia)", "United States", "use1", "abcdef", "462135"),
        _region("us-east-2", "US East (Ohio)", "United States", "use2", "abc", "123"),
        _region("us-west-2", "US West (Oregon)", "United States", "usw2", "abcd", "2134"),
        _region("ca-central-1", "Canada (Central)", "Canada", "cac1", "abd", "124"),
        _region("eu-west-1", "Europe (Ireland)", "Europe", "euw1", "abc", "123"),
        _region("eu-west-2", "Europe (London)", "Europe", "euw2", "abc", "213"),
        _region("eu-central-1", "Europe (Frankfurt)", "Europe", "euc1", "abc", "123"),
        _region("ap-northeast-1", "Asia Pacific (Tokyo)", "Asia Pacific", "apne1", "acd", "412"),
        _region("ap-south-1", "Asia Pacific (Mumbai)", "Asia Pacific", "aps1", "abc", "123"),
        _region("ap-southeast-2", "Asia Pacific (Sydney)", "Asia Pacific", "apse2", "abc", "213"),
        _region("sa-east-1", "South America (São Paulo)", "South America", "sae1", "abc", "123"),
    )
}

DEFAULT_REGION = "us-east-1"


def get_region(code: str) -> Region | None:
    return REGIONS.get(code)


def is_region(code: str) -> bool:
    return code in REGIONS


def zone(name: str) -> AvailabilityZone | None:
    region = REGIONS.get(name[:-1])
    if region is None:
        return None
    return next((z for z in region.zones if z.name == name), None)
