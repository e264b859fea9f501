"""The "Type" of a security group rule as the console names it (SSH, HTTP, All traffic,
...): each is a protocol and a port range; "Custom" types let the user pick the ports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleType:
    key: str
    label: str
    protocol: str  # -1, tcp, udp, icmp
    from_port: int | None  # None: the user enters the ports
    to_port: int | None


RULE_TYPES: tuple[RuleType, ...] = (
    RuleType("custom-tcp", "Custom TCP", "tcp", None, None),
    RuleType("custom-udp", "Custom UDP", "udp", None, None),
    RuleType("custom-icmp", "Custom ICMP - IPv4", "icmp", None, None),
    RuleType("all-tcp", "All TCP", "tcp", 0, 65535),
    RuleType("all-udp", "All UDP", "udp", 0, 65535),
    RuleType("all-icmp", "All ICMP - IPv4", "icmp", -1, -1),
    RuleType("all", "All traffic", "-1", -1, -1),
    RuleType("ssh", "SSH", "tcp", 22, 22),
    RuleType("smtp", "SMTP", "tcp", 25, 25),
    RuleType("dns-udp", "DNS (UDP)", "udp", 53, 53),
    RuleType("dns-tcp", "DNS (TCP)", "tcp", 53, 53),
    RuleType("http", "HTTP", "tcp", 80, 80),
    RuleType("https", "HTTPS", "tcp", 443, 443),
    RuleType("mysql", "MYSQL/Aurora", "tcp", 3306, 3306),
    RuleType("rdp", "RDP", "tcp", 3389, 3389),
    RuleType("postgresql", "PostgreSQL", "tcp", 5432, 5432),
)
BY_KEY = {t.key: t for t in RULE_TYPES}


def label_of(protocol: str, from_port: int, to_port: int) -> str:
    """The console's name for a rule's protocol and ports."""
    for t in RULE_TYPES:
        if t.from_port is not None and (t.protocol, t.from_port, t.to_port) == (
            protocol,
            from_port,
            to_port,
        ):
            return t.label
    for t in RULE_TYPES:
        if t.from_port is None and t.protocol == protocol:
            return t.label
    return f"Custom Protocol ({protocol})"


def key_of(protocol: str, from_port: int, to_port: int) -> str:
    label = label_of(protocol, from_port, to_port)
    return next((t.key for t in RULE_TYPES if t.label == label), "custom-tcp")


def parse_ports(text: str) -> tuple[int, int]:
    """'22' or '1024-65535' (or '-1' for all ICMP); raises ValueError."""
    text = text.strip()
    if not text:
        raise ValueError("Enter a port or a port range.")
    if text.count("-") == 1 and not text.startswith("-"):
        low, high = (int(p) for p in text.split("-"))
        return low, high
    value = int(text)
    return value, value
