"""Security groups and their rules: allow-only, stateful, per VPC (VPC-11, VPC-12, VPC-13)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from services.core import describe
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
        indexes = [describe.tags_index("vpc_securitygroup_tags_gin")]
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

    def _rule_rows(self) -> list[tuple]:
        if "rules" in getattr(self, "_prefetched_objects_cache", {}):
            # A page prefetched every group's rules in one query (with_rules).
            rules = sorted(self.rules.all(), key=lambda r: r.pk)
        else:
            rules = list(self.rules.select_related("referenced_group").order_by("id"))
        return [
            (
                r.is_egress, r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4,
                r.referenced_group.resource_id if r.referenced_group_id else None,
                r.referenced_group.account_id if r.referenced_group_id else None,
                r.description,
            )
            for r in rules
        ]  # fmt: skip

    def permissions(self, egress: bool) -> list[dict]:
        """Rules grouped into the `IpPermission` shape: one per protocol and port range."""
        return permissions(self._rule_rows(), egress)

    def describe(self) -> dict:
        """The EC2 `SecurityGroup` shape."""
        row = {field: getattr(self, field) for field in GROUP_FIELDS}
        row["vpc_resource_id"] = self.vpc.resource_id
        return describe_row(row, self._rule_rows())


# The columns describe_row reads, and a rule's (RULE_FIELDS, in that order, in id
# order), as services.vpc.operations.security_groups selects them with values().
GROUP_FIELDS = ("pk", "resource_id", "group_name", "description", "account_id", "region", "tags")
RULE_FIELDS = (
    "is_egress", "ip_protocol", "from_port", "to_port", "cidr_ipv4",
    "referenced_group__resource_id", "referenced_group__account_id", "description",
)  # fmt: skip


def permissions(rules: list[tuple], egress: bool) -> list[dict]:
    """Rules (RULE_FIELDS tuples) grouped into the `IpPermission` shape: one per
    protocol and port range, in the order of their first rule."""
    grouped: dict[tuple, dict] = {}
    for is_egress, protocol, from_port, to_port, cidr, group_id, owner, note in rules:
        if is_egress != egress:
            continue
        key = (protocol, from_port, to_port)
        perm = grouped.get(key)
        if perm is None:
            perm = {
                "IpProtocol": protocol,
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            }
            if protocol != "-1":
                perm["FromPort"] = from_port
                perm["ToPort"] = to_port
            grouped[key] = perm
        if cidr:
            item = {"CidrIp": cidr}
            if note:
                item["Description"] = note
            perm["IpRanges"].append(item)
        elif group_id is not None:
            pair = {"GroupId": group_id, "UserId": owner}
            if note:
                pair["Description"] = note
            perm["UserIdGroupPairs"].append(pair)
    return list(grouped.values())


def describe_row(r: dict, rules: list[tuple]) -> dict:
    """The EC2 `SecurityGroup` shape of a group row (GROUP_FIELDS and
    `vpc_resource_id`) and its rules."""
    data: dict = {
        "GroupId": r["resource_id"],
        "GroupName": r["group_name"],
        "Description": r["description"],
        "VpcId": r["vpc_resource_id"],
        "OwnerId": r["account_id"],
        "SecurityGroupArn": SecurityGroup.arn_format.format(
            region=r["region"], account=r["account_id"], id=r["resource_id"]
        ),
        "IpPermissions": permissions(rules, False),
        "IpPermissionsEgress": permissions(rules, True),
    }
    if r["tags"]:
        data["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(r["tags"].items())]
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
