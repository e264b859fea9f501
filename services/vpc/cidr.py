"""IPv4 CIDR arithmetic and the AWS errors for bad blocks (VPC-01, VPC-03, VPC-04)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from services.vpc import errors

MIN_PREFIX = 16  # VPC-01: the largest VPC or subnet is a /16 ...
MAX_PREFIX = 28  # ... and the smallest a /28
RESERVED_PER_SUBNET = 5  # VPC-03: the first four addresses and the last one

# Ranges AWS refuses for a VPC: "this" network, loopback, link-local, multicast, reserved.
_FORBIDDEN = [
    ipaddress.IPv4Network(n)
    for n in ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4")
]
PRIVATE_RANGES = [
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
]


@dataclass(frozen=True)
class Block:
    """An IPv4 CIDR block with its first and last addresses as integers."""

    network: ipaddress.IPv4Network

    @property
    def text(self) -> str:
        return str(self.network)

    @property
    def prefix(self) -> int:
        return self.network.prefixlen

    @property
    def first(self) -> int:
        return int(self.network.network_address)

    @property
    def last(self) -> int:
        return int(self.network.broadcast_address)

    @property
    def size(self) -> int:
        return self.network.num_addresses

    def contains(self, other: Block) -> bool:
        return self.first <= other.first and other.last <= self.last

    def overlaps(self, other: Block) -> bool:
        return self.first <= other.last and other.first <= self.last

    @property
    def is_private(self) -> bool:
        return any(self.network.subnet_of(r) for r in PRIVATE_RANGES)


def parse(text: str | None, parameter: str = "cidrBlock") -> Block:
    """A valid IPv4 CIDR block, or the InvalidParameterValue AWS answers with."""
    try:
        if not text or "/" not in text:
            raise ValueError(text)
        return Block(ipaddress.IPv4Network(text.strip(), strict=True))
    except ValueError as exc:
        raise errors.InvalidParameterValue(
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid CIDR block."
        ) from exc


def vpc_block(text: str | None) -> Block:
    """A block a VPC may use: /16 to /28 outside the reserved ranges (VPC-01)."""
    block = parse(text)
    forbidden = any(block.network.overlaps(f) for f in _FORBIDDEN)
    if not MIN_PREFIX <= block.prefix <= MAX_PREFIX or forbidden:
        raise errors.InvalidVpcRange(f"The CIDR '{block.text}' is invalid.")
    return block


def subnet_block(text: str | None) -> Block:
    """A block a subnet may use: /16 to /28 (VPC-01); containment is checked by the caller."""
    block = parse(text)
    if not MIN_PREFIX <= block.prefix <= MAX_PREFIX:
        raise errors.InvalidSubnetRange(f"The CIDR '{block.text}' is invalid.")
    return block


def usable_range(first: int, last: int) -> range:
    """The addresses a subnet hands out: all but the first four and the last (VPC-03)."""
    return range(first + 4, last)


def ip_text(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


def ip_int(text: str) -> int:
    return int(ipaddress.IPv4Address(text))
