"""Would a packet get through? The security-group and network-ACL rules of the VPC
applied as AWS applies them, for labs and checks that ask "can A reach B on port P".

Security groups are stateful and allow-only: traffic passes when any rule of any group
on the interface allows it (VPC-11), and the reply of an allowed connection always
passes. Network ACLs are stateless and ordered: the first matching rule decides, in
each direction, for the request and again for the reply to the client's ephemeral
port (VPC-10). Routing is local inside a VPC (VPC-07).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.vpc import cidr
from services.vpc.models import NetworkInterface, SecurityGroup

PROTOCOL_NUMBERS = {"tcp": "6", "udp": "17", "icmp": "1", "-1": "-1"}
EPHEMERAL_PORT = 49152  # what a Linux client uses for its side of a connection


def _in(block_text: str, ip: str) -> bool:
    block = cidr.parse(block_text)
    return block.first <= cidr.ip_int(ip) <= block.last


def groups_allow(
    groups: list[SecurityGroup],
    *,
    egress: bool,
    protocol: str,
    port: int | None,
    peer_ip: str,
    peer_groups: list[SecurityGroup] = (),
) -> bool:
    """Whether any rule of any of `groups` allows the traffic (VPC-11): rules add up."""
    peer_group_ids = {g.pk for g in peer_groups}
    for group in groups:
        for rule in group.rules.filter(is_egress=egress):
            if rule.ip_protocol not in ("-1", protocol):
                continue
            if rule.ip_protocol != "-1" and port is not None and rule.from_port != -1:
                if not rule.from_port <= port <= rule.to_port:
                    continue
            if rule.cidr_ipv4 and _in(rule.cidr_ipv4, peer_ip):
                return True
            if rule.referenced_group_id and rule.referenced_group_id in peer_group_ids:
                return True
    return False


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str


def connection(
    source: NetworkInterface, target: NetworkInterface, protocol: str, port: int
) -> Verdict:
    """Can `source` open a `protocol` connection to `port` on `target` (same VPC), and
    does the reply come back?"""
    if source.vpc_id != target.vpc_id:
        return Verdict(False, "The interfaces are in different VPCs (no peering simulated).")
    number = PROTOCOL_NUMBERS.get(protocol, protocol)
    src_groups = list(source.security_groups.all())
    dst_groups = list(target.security_groups.all())
    if not groups_allow(
        src_groups, egress=True, protocol=protocol, port=port,
        peer_ip=target.private_ip_address, peer_groups=dst_groups,
    ):  # fmt: skip
        return Verdict(False, "No outbound rule of the source's security groups allows it.")
    if source.subnet_id != target.subnet_id:
        # ACLs apply where traffic crosses a subnet boundary, both ways (stateless).
        steps = [
            (source.subnet.network_acl, True, target.private_ip_address, port, "request out of"),
            (target.subnet.network_acl, False, source.private_ip_address, port, "request into"),
            (target.subnet.network_acl, True, source.private_ip_address, EPHEMERAL_PORT,
             "reply out of"),
            (source.subnet.network_acl, False, target.private_ip_address, EPHEMERAL_PORT,
             "reply into"),
        ]  # fmt: skip
        for acl, egress, ip, p, what in steps:
            if acl.evaluate(egress=egress, protocol=number, ip=ip, port=p) != "allow":
                return Verdict(
                    False, f"Network ACL {acl.resource_id} denies the {what} its subnet."
                )
    if not groups_allow(
        dst_groups, egress=False, protocol=protocol, port=port,
        peer_ip=source.private_ip_address, peer_groups=src_groups,
    ):  # fmt: skip
        return Verdict(False, "No inbound rule of the target's security groups allows it.")
    # Security groups are stateful: the reply needs no rule of its own.
    return Verdict(True, "Allowed, and the reply returns.")
