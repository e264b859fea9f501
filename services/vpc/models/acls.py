"""Network ACLs: stateless, numbered allow and deny rules per subnet (VPC-10)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from services.core.lookups import NotFound
from services.core.models import Resource

# The rule AWS numbers 32767 and shows as "*": it denies whatever no rule matched.
CATCH_ALL_RULE = 32767
MAX_RULE_NUMBER = 32766
PROTOCOL_NAMES = {"-1": "All", "6": "TCP", "17": "UDP", "1": "ICMP", "58": "ICMPv6"}


class NetworkAcl(NotFound, Resource):
    """A VPC's network ACL. The default one allows everything; a new one denies everything."""

    not_found_error = (
        "InvalidNetworkAclID.NotFound",
        "The networkAcl ID '{id}' does not exist",
    )

    id_prefix = "acl"
    arn_format = "arn:aws:ec2:{region}:{account}:network-acl/{id}"
    cloudformation_type = "AWS::EC2::NetworkAcl"

    vpc = models.ForeignKey("vpc.Vpc", on_delete=models.CASCADE, related_name="network_acls")
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = "network ACL"
        constraints = [
            models.UniqueConstraint(
                fields=["vpc"], condition=Q(is_default=True), name="network_acl_one_default"
            ),
        ]

    @property
    def vpc_resource_id(self) -> str:
        return self.vpc.resource_id

    @property
    def is_default_label(self) -> str:
        return "Yes" if self.is_default else "No"

    @property
    def associated_subnet_count(self) -> str:
        count = self.subnets.count()
        return f"{count} Subnet{'s' if count != 1 else ''}" if count else "–"

    @property
    def inbound_rule_count(self) -> int:
        return self.entries.filter(egress=False).count()

    @property
    def outbound_rule_count(self) -> int:
        return self.entries.filter(egress=True).count()

    def evaluate(self, *, egress: bool, protocol: str, ip: str, port: int | None = None) -> str:
        """What this ACL does with one packet (VPC-10): rules in number order, the first
        that matches decides; `protocol` is an IP protocol number ("6") or "-1".
        Returns "allow" or "deny"."""
        from services.vpc import cidr

        value = cidr.ip_int(ip)
        for entry in self.entries.filter(egress=egress).order_by("rule_number"):
            block = cidr.parse(entry.cidr_block)
            if not block.first <= value <= block.last:
                continue
            if entry.protocol not in ("-1", protocol):
                continue
            if entry.port_from is not None and (
                port is None or not entry.port_from <= port <= entry.port_to
            ):
                continue
            return entry.rule_action
        return "deny"

    def describe(self) -> dict:
        """The EC2 `NetworkAcl` shape."""
        data: dict = {
            "NetworkAclId": self.resource_id,
            "VpcId": self.vpc.resource_id,
            "OwnerId": self.account_id,
            "IsDefault": self.is_default,
            "Entries": [e.describe() for e in self.entries.all()],
            "Associations": [
                {
                    "NetworkAclAssociationId": s.acl_association_id,
                    "NetworkAclId": self.resource_id,
                    "SubnetId": s.resource_id,
                }
                for s in self.subnets.all()
            ],
        }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data


class NetworkAclEntry(models.Model):
    """One numbered rule; rules are evaluated lowest number first, first match wins."""

    network_acl = models.ForeignKey(NetworkAcl, on_delete=models.CASCADE, related_name="entries")
    rule_number = models.PositiveIntegerField()
    egress = models.BooleanField()
    protocol = models.CharField(max_length=4)  # "-1" or an IP protocol number
    rule_action = models.CharField(max_length=5)  # allow, deny
    cidr_block = models.CharField(max_length=18)
    port_from = models.IntegerField(null=True, blank=True)
    port_to = models.IntegerField(null=True, blank=True)
    icmp_type = models.IntegerField(null=True, blank=True)
    icmp_code = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["egress", "rule_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["network_acl", "egress", "rule_number"], name="network_acl_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(rule_number__gte=1, rule_number__lte=CATCH_ALL_RULE),
                name="network_acl_rule_number_range",
            ),
            models.CheckConstraint(
                condition=Q(rule_action__in=["allow", "deny"]), name="network_acl_rule_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_label} {'out' if self.egress else 'in'} {self.rule_action}"

    @property
    def rule_label(self) -> str:
        return "*" if self.rule_number == CATCH_ALL_RULE else str(self.rule_number)

    @property
    def protocol_label(self) -> str:
        return PROTOCOL_NAMES.get(self.protocol, self.protocol)

    @property
    def port_label(self) -> str:
        if self.protocol == "-1" or self.port_from is None:
            return "All"
        if self.port_from == self.port_to:
            return str(self.port_from)
        return f"{self.port_from} - {self.port_to}"

    def describe(self) -> dict:
        data: dict = {
            "RuleNumber": self.rule_number,
            "Protocol": self.protocol,
            "RuleAction": self.rule_action,
            "Egress": self.egress,
            "CidrBlock": self.cidr_block,
        }
        if self.port_from is not None:
            data["PortRange"] = {"From": self.port_from, "To": self.port_to}
        if self.icmp_type is not None:
            data["IcmpTypeCode"] = {"Type": self.icmp_type, "Code": self.icmp_code}
        return data
