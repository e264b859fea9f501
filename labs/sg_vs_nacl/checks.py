"""The one check of this lab the query language cannot say: an order between two rules."""

from __future__ import annotations


def deny_before_allow(evaluation) -> tuple[bool, str]:
    """Some ACL of the web subnet denies 203.0.113.0/24 inbound with a lower rule number
    than its first inbound allow of port 80 (VPC-10: first match wins)."""
    acls = evaluation.sets["web_acls"]
    for acl in evaluation.reader.items("ec2.network_acls"):
        if acl["NetworkAclId"] not in acls:
            continue
        inbound = [e for e in acl.get("Entries", []) if not e.get("Egress")]
        allows = [
            e["RuleNumber"]
            for e in inbound
            if e["RuleAction"] == "allow" and e["RuleNumber"] < 32767 and _covers_80(e)
        ]
        denies = [
            e["RuleNumber"]
            for e in inbound
            if e["RuleAction"] == "deny" and e.get("CidrBlock") == "203.0.113.0/24"
        ]
        if denies and allows and min(denies) < min(allows):
            return True, ""
        if denies and allows:
            return False, f"Rule {min(denies)} (deny) comes after rule {min(allows)} (allow)."
    return False, "No inbound deny rule for 203.0.113.0/24 in the web subnet's ACL."


def _covers_80(entry: dict) -> bool:
    if entry.get("Protocol") == "-1":
        return True
    ports = entry.get("PortRange") or {}
    return entry.get("Protocol") == "6" and ports.get("From", 0) <= 80 <= ports.get("To", 0)
