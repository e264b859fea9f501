"""Security groups and their rules: allow-only, stateful, per VPC (VPC-11, VPC-12, VPC-13)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from services.core.lookups import NotFound
from services.core.models import Resource

PROTOCOL_LABELS = {"-1": "All", "tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "icmpv6": "ICMPv6"}


class SecurityGroup(NotFound, Resource):
    """A VPC's security group. New groups allow all outbound and no inbound traffic; the
    default group also lets its own members in and cannot be deleted."""

    not_found_error = (
        "InvalidGroup.NotFound",
        "The security group '{id}' does not exist",
    )

    id_prefix = "sg"
    arn_format = "arn:aws:ec2:{region}:{account}:security-group/{id}"
    cloudformation_type = "AWS::EC2::SecurityGroup"

    vpc = models.ForeignKey("vpc.Vpc", on_delete=models.CASCADE, related_name="security_groups")
    group_name = models.CharField(max_length=255)
    description = models.CharField(max_length=255)

    class Meta:
        verbose_name = "security group"
        constraints = [
            models.UniqueConstraint(
                fields=["vpc", "group_name"], name="security_group_name_unique"
            ),
        ]

    @property
    def is_default(self) -> bool:
        return self.group_name == "default"

    @property
    def vpc_resource_id(self) -> str:
        return self.vpc.resource_id

    @property
    def inbound_rule_count(self) -> str:
        n = self.rules.filter(is_egress=False).count()
        return f"{n} Permission entr{'y' if n == 1 else 'ies'}"

    @property
    def outbound_rule_count(self) -> str:
        n = self.rules.filter(is_egress=True).count()
        return f"{n} Permission entr{'y' if n == 1 else 'ies'}"

    def permissions(self, egress: bool) -> list[dict]:
        """Rules grouped into the `IpPermission` shape: one per protocol and port range."""
        grouped: dict[tuple, dict] = {}
        if "rules" in getattr(self, "_prefetched_objects_cache", {}):
            # A Describe page prefetched every group's rules in one query (with_rules).
            rules = sorted((r for r in self.rules.all() if r.is_egress == egress),
                           key=lambda r: r.pk)  # fmt: skip
        else:
            rules = self.rules.filter(is_egress=egress).select_related("referenced_group")
            rules = rules.order_by("id")
        for rule in rules:
            key = (rule.ip_protocol, rule.from_port, rule.to_port)
            perm = grouped.get(key)
            if perm is None:
                perm = {
                    "IpProtocol": rule.ip_protocol,
                    "IpRanges": [],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [],
                }
                if rule.ip_protocol != "-1":
                    perm["FromPort"] = rule.from_port
                    perm["ToPort"] = rule.to_port
                grouped[key] = perm
            if rule.cidr_ipv4:
                item = {"CidrIp": rule.cidr_ipv4}
                if rule.description:
                    item["Description"] = rule.description
                perm["IpRanges"].append(item)
            elif rule.referenced_group_id:
                pair = {
                    "GroupId": rule.referenced_group.resource_id,
                    "UserId": rule.referenced_group.account_id,
                }
                if rule.description:
                    pair["Description"] = rule.description
                perm["UserIdGroupPairs"].append(pair)
        return list(grouped.values())

    def describe(self) -> dict:
        """The EC2 `SecurityGroup` shape."""
        data: dict = {
            "GroupId": self.resource_id,
            "GroupName": self.group_name,
            "Description": self.description,
            "VpcId": self.vpc.resource_id,
            "OwnerId": self.account_id,
            "SecurityGroupArn": self.arn,
            "IpPermissions": self.permissions(egress=False),
            "IpPermissionsEgress": self.permissions(egress=True),
        }
        if self.tags:
            data["Tags"] = self.tag_list()
        return data


def with_rules(qs: models.QuerySet) -> models.QuerySet:
    """Security groups with all their rules (and the groups those name) in one more
    query for the whole page, instead of two per group."""
    return qs.prefetch_related(
        models.Prefetch(
            "rules", queryset=SecurityGroupRule.objects.select_related("referenced_group")
        )
    )


class SecurityGroupRule(NotFound, Resource):
    """One allow rule: a protocol and port range from (or to) a CIDR or another group."""

    not_found_error = (
        "InvalidSecurityGroupRuleId.NotFound",
        "The security group rule ID '{id}' does not exist",
    )

    id_prefix = "sgr"
    arn_format = "arn:aws:ec2:{region}:{account}:security-group-rule/{id}"
    cloudformation_type = "AWS::EC2::SecurityGroupIngress"

    group = models.ForeignKey(SecurityGroup, on_delete=models.CASCADE, related_name="rules")
    is_egress = models.BooleanField(default=False)
    ip_protocol = models.CharField(max_length=8)  # -1, tcp, udp, icmp or a protocol number
    from_port = models.IntegerField(default=-1)
    to_port = models.IntegerField(default=-1)
    cidr_ipv4 = models.CharField(max_length=18, null=True, blank=True)
    referenced_group = models.ForeignKey(
        SecurityGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referencing_rules",
    )
    description = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "security group rule"
        constraints = [
            # InvalidPermission.Duplicate, under concurrency too.
            models.UniqueConstraint(
                fields=[
                    "group",
                    "is_egress",
                    "ip_protocol",
                    "from_port",
                    "to_port",
                    "cidr_ipv4",
                    "referenced_group",
                ],
                nulls_distinct=False,
                name="security_group_rule_unique",
            ),
            models.CheckConstraint(
                condition=Q(cidr_ipv4__isnull=False) ^ Q(referenced_group__isnull=False),
                name="security_group_rule_one_peer",
            ),
        ]

    @property
    def protocol_label(self) -> str:
        return PROTOCOL_LABELS.get(self.ip_protocol, self.ip_protocol)

    @property
    def port_label(self) -> str:
        if self.ip_protocol == "-1" or self.from_port == -1:
            return "All"
        if self.from_port == self.to_port:
            return str(self.from_port)
        return f"{self.from_port} - {self.to_port}"

    @property
    def type_label(self) -> str:
        from services.vpc.rule_types import label_of

        return label_of(self.ip_protocol, self.from_port, self.to_port)

    @property
    def peer_label(self) -> str:
        return self.cidr_ipv4 or (
            self.referenced_group.resource_id if self.referenced_group else ""
        )

    def describe(self) -> dict:
        """The EC2 `SecurityGroupRule` shape."""
        data: dict = {
            "SecurityGroupRuleId": self.resource_id,
            "GroupId": self.group.resource_id,
            "GroupOwnerId": self.account_id,
            "IsEgress": self.is_egress,
            "IpProtocol": self.ip_protocol,
            "FromPort": self.from_port,
            "ToPort": self.to_port,
            "SecurityGroupRuleArn": self.arn,
            "Tags": self.tag_list(),
        }
        if self.cidr_ipv4:
            data["CidrIpv4"] = self.cidr_ipv4
        if self.referenced_group_id:
            data["ReferencedGroupInfo"] = {
                "GroupId": self.referenced_group.resource_id,
                "UserId": self.referenced_group.account_id,
            }
        if self.description:
            data["Description"] = self.description
        return data
