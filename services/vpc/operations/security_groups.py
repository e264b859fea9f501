"""Security group operations (VPC-11, VPC-12, VPC-13, VPC-16)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from services.core import constraints, describe, filters, locks, lookups
from services.core.context import CallContext
from services.core.errors import AwsError, missing_parameter
from services.core.operations import operation
from services.vpc import cidr, defaults, errors, network, quotas
from services.vpc.models import NetworkInterface, SecurityGroup, SecurityGroupRule, Vpc, security


def _permission_filter(egress: bool, column: str):
    def build(values: list[str]) -> Q:
        return Q(**{f"rules__{column}__in": values, "rules__is_egress": egress})

    return build


FILTERS = filters.Spec(
    "DescribeSecurityGroups",
    {
        "group-id": "resource_id",
        "group-name": "group_name",
        "description": "description",
        "vpc-id": "vpc__resource_id",
        "owner-id": "account_id",
        "ip-permission.cidr": _permission_filter(False, "cidr_ipv4"),
        "ip-permission.protocol": _permission_filter(False, "ip_protocol"),
        "ip-permission.group-id": _permission_filter(False, "referenced_group__resource_id"),
        # The answer's group pairs carry no GroupName (VPC groups): read the column.
        "ip-permission.group-name": _permission_filter(False, "referenced_group__group_name"),
        "egress.ip-permission.cidr": _permission_filter(True, "cidr_ipv4"),
        "egress.ip-permission.protocol": _permission_filter(True, "ip_protocol"),
        "egress.ip-permission.group-id": _permission_filter(True, "referenced_group__resource_id"),
        "egress.ip-permission.group-name": _permission_filter(True, "referenced_group__group_name"),
    },
    # `ip-permission.cidr` could be IpRanges[].CidrIp or Ipv6Ranges[].CidrIpv6 by the
    # shape; `egress.` names the other list of permissions.
    aliases={
        "ip-permission.cidr": ("IpPermissions", "IpRanges", "CidrIp"),
        "ip-permission.ipv6-cidr": ("IpPermissions", "Ipv6Ranges", "CidrIpv6"),
        "egress.ip-permission": ("IpPermissionsEgress",),
        "egress.ip-permission.cidr": ("IpPermissionsEgress", "IpRanges", "CidrIp"),
        "egress.ip-permission.ipv6-cidr": ("IpPermissionsEgress", "Ipv6Ranges", "CidrIpv6"),
    },
    rows=lambda qs: describe.values_of(qs, _COLUMNS),
    items=lambda rows: _groups(rows),
)

RULE_FILTERS = filters.Spec(
    "DescribeSecurityGroupRules",
    {
        "group-id": "group__resource_id",
        "security-group-rule-id": "resource_id",
    },
)

_PROTOCOL_NAMES = {
    **dict.fromkeys(("-1", "all"), "-1"),
    **dict.fromkeys(("tcp", "6"), "tcp"),
    **dict.fromkeys(("udp", "17"), "udp"),
    **dict.fromkeys(("icmp", "1"), "icmp"),
    **dict.fromkeys(("icmpv6", "58"), "icmpv6"),
}


@dataclass(frozen=True)
class RuleSpec:
    """One rule as asked for: a protocol, ports and exactly one peer."""

    ip_protocol: str
    from_port: int
    to_port: int
    cidr_ipv4: str | None
    referenced_group: SecurityGroup | None
    description: str = ""

    @property
    def key(self) -> tuple:
        return (
            self.ip_protocol,
            self.from_port,
            self.to_port,
            self.cidr_ipv4,
            self.referenced_group.pk if self.referenced_group else None,
        )

    def wording(self) -> str:
        """The rule as AWS words it in InvalidPermission.Duplicate."""
        peer = self.cidr_ipv4 or self.referenced_group.resource_id
        if self.ip_protocol == "-1":
            return f"peer: {peer}, ALL, ALLOW"
        if self.ip_protocol in ("icmp", "icmpv6"):
            return (
                f"peer: {peer}, {self.ip_protocol.upper()}, type: {self.from_port}, "
                f"code: {self.to_port}, ALLOW"
            )
        return (
            f"peer: {peer}, {self.ip_protocol.upper()}, from port: {self.from_port}, "
            f"to port: {self.to_port}, ALLOW"
        )


def _protocol(value: object) -> str:
    text = str(value if value is not None else "").strip().lower()
    if text in _PROTOCOL_NAMES:
        return _PROTOCOL_NAMES[text]
    if text.isdigit() and 0 <= int(text) <= 255:
        return text
    raise errors.InvalidParameterValue(
        f"Invalid value '{value}' for IP protocol. Unknown protocol."
    )


def _ports(protocol: str, perm: dict) -> tuple[int, int]:
    if protocol not in ("tcp", "udp", "icmp", "icmpv6"):
        # All traffic, or a protocol without ports: AWS ignores any ports given.
        return -1, -1
    low, high = perm.get("FromPort"), perm.get("ToPort")
    if protocol in ("icmp", "icmpv6"):
        # For ICMP the "ports" are the type and code; -1 means all.
        low = -1 if low is None else low
        high = -1 if high is None else high
        if not (-1 <= low <= 255 and -1 <= high <= 255):
            raise errors.InvalidParameterValue(f"Invalid ICMP type/code {low}/{high}")
        return low, high
    if low is None or high is None:
        raise errors.InvalidParameterValue(
            "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."
        )
    if not (0 <= low <= 65535 and 0 <= high <= 65535) or low > high:
        raise errors.InvalidParameterValue(
            f"Invalid TCP/UDP port range {low}-{high}"
            if low <= high
            else f"The specified port range {low}-{high} is invalid: fromPort must be less "
            "than or equal to toPort"
        )
    return low, high


def _permissions(params: dict) -> list[dict]:
    """IpPermissions, or the older top-level CidrIp/IpProtocol/... form."""
    if params.get("IpPermissions"):
        return params["IpPermissions"]
    if not any(
        params.get(k) is not None for k in ("IpProtocol", "CidrIp", "SourceSecurityGroupName")
    ):
        return []
    perm: dict = {"IpProtocol": params.get("IpProtocol", "-1")}
    for key in ("FromPort", "ToPort"):
        if params.get(key) is not None:
            perm[key] = params[key]
    if params.get("CidrIp"):
        perm["IpRanges"] = [{"CidrIp": params["CidrIp"]}]
    if params.get("SourceSecurityGroupName"):
        perm["UserIdGroupPairs"] = [{"GroupName": params["SourceSecurityGroupName"]}]
    return [perm]


def _peer_group(ctx: CallContext, group: SecurityGroup, pair: dict) -> SecurityGroup:
    visible = SecurityGroup.objects.visible_to(ctx)
    if pair.get("GroupId"):
        peer = visible.filter(resource_id=pair["GroupId"]).first()
        if peer is None:
            raise SecurityGroup.not_found(pair["GroupId"])
    elif pair.get("GroupName"):
        peer = visible.filter(vpc_id=group.vpc_id, group_name=pair["GroupName"]).first()
        if peer is None:
            raise errors.InvalidGroupNotFound(
                f"The security group '{pair['GroupName']}' does not exist in VPC "
                f"'{group.vpc.resource_id}'"
            )
    else:
        raise errors.MissingParameter("Either groupId or groupName must be specified")
    if peer.vpc_id != group.vpc_id:
        # VPC-13: a rule may only name groups of the same VPC (peering is not simulated).
        raise errors.InvalidGroupNotFound(
            "You have specified two resources that belong to different networks."
        )
    return peer


def _rule_specs(ctx: CallContext, group: SecurityGroup, params: dict) -> list[RuleSpec]:
    specs = []
    perms = _permissions(params)
    if not perms:
        raise missing_parameter("ipPermissions")
    for perm in perms:
        protocol = _protocol(perm.get("IpProtocol"))
        low, high = _ports(protocol, perm)
        if perm.get("Ipv6Ranges") or perm.get("PrefixListIds"):
            raise errors.InvalidParameterValue("IPv6 and prefix-list rules are not simulated.")
        ranges = perm.get("IpRanges") or []
        pairs = perm.get("UserIdGroupPairs") or []
        if not ranges and not pairs:
            raise errors.InvalidParameterValue(
                "The request must specify a source (IpRanges or UserIdGroupPairs) for the rule."
            )
        for item in ranges:
            block = cidr.parse(item.get("CidrIp"), "cidrIp")
            specs.append(
                RuleSpec(protocol, low, high, block.text, None, item.get("Description", ""))
            )
        for pair in pairs:
            peer = _peer_group(ctx, group, pair)
            specs.append(RuleSpec(protocol, low, high, None, peer, pair.get("Description", "")))
    return specs


def _group(ctx: CallContext, params: dict, *, for_update: bool = True) -> SecurityGroup:
    """The group named by GroupId, or by GroupName in the default VPC (as AWS allows)."""
    if params.get("GroupId"):
        return lookups.get(ctx, SecurityGroup, params["GroupId"], for_update=for_update)
    if params.get("GroupName"):
        vpc = network.default_vpc(ctx)
        qs = SecurityGroup.objects.visible_to(ctx).filter(vpc=vpc, group_name=params["GroupName"])
        if for_update:
            qs = locks.rows(qs)
        group = qs.first() if vpc else None
        if group is None:
            raise errors.InvalidGroupNotFound(
                f"The security group '{params['GroupName']}' does not exist in default VPC "
                f"'{vpc.resource_id if vpc else 'none'}'"
            )
        return group
    raise errors.MissingParameter("The request must contain the parameter groupId")


# --- groups ---------------------------------------------------------------------------------


@operation("ec2", "CreateSecurityGroup")
def create_security_group(ctx: CallContext, params: dict) -> dict:
    name, description = params["GroupName"], params["Description"]
    if params.get("VpcId"):
        vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    else:
        vpc = network.default_vpc(ctx)
        if vpc is None:
            raise errors.VPCIdNotSpecified("No default VPC for this user")
        vpc = locks.rows(Vpc.objects.filter(pk=vpc.pk)).get()
    if not name or len(name) > 255:
        raise errors.InvalidParameterValue(
            f"Value ({name}) for parameter GroupName is invalid. Length must be 1-255."
        )
    if name.lower().startswith("sg-"):
        raise errors.InvalidParameterValue(
            f"Value ({name}) for parameter GroupName is invalid. Group names may not be in "
            "the format sg-*."
        )
    if name == "default":
        raise errors.InvalidGroupReserved("The security group 'default' is reserved")
    if not description or len(description) > 255:
        raise errors.InvalidParameterValue(
            "Value for parameter GroupDescription is invalid. Length must be 1-255."
        )
    tags = describe.tags_from_specifications(params, "security-group")
    if vpc.security_groups.filter(group_name=name).exists():
        raise _group_exists(name, vpc.resource_id)
    quotas.check(
        vpc.security_groups.count(),
        quotas.SECURITY_GROUPS_PER_VPC,
        "SecurityGroupLimitExceeded",
        "The maximum number of security groups has been reached.",
    )
    group = SecurityGroup(
        account=ctx.account,
        region=ctx.region,
        vpc=vpc,
        group_name=name,
        description=description,
        tags=tags,
    )
    group.save()  # a concurrent create of the same name loses on the unique constraint
    rule = defaults.allow_all_outbound(group)
    rule.save()
    ctx.touch(group)
    result: dict = {"GroupId": group.resource_id, "SecurityGroupArn": group.arn}
    if tags:
        result["Tags"] = group.tag_list()
    return result


def _group_exists(name: str, vpc_id: str) -> AwsError:
    return errors.InvalidGroupDuplicate(
        f"The security group '{name}' already exists for VPC '{vpc_id}'"
    )


# What the constraints decide when calls race (services.core.constraints).
constraints.on_violation(
    SecurityGroup,
    "security_group_name_unique",
    lambda v: _group_exists(v.row.group_name, v.row.vpc.resource_id),
)
constraints.on_violation(
    SecurityGroupRule,
    "security_group_rule_unique",
    lambda v: errors.InvalidPermissionDuplicate("the specified rule already exists"),
)


@operation("ec2", "DeleteSecurityGroup")
def delete_security_group(ctx: CallContext, params: dict) -> dict:
    group = _group(ctx, params)
    if group.is_default:
        # VPC-12
        raise errors.CannotDelete(
            f'the specified group: "{group.resource_id}" name: "default" cannot be deleted '
            "by a user"
        )
    in_use = (
        NetworkInterface.objects.filter(security_groups=group).exists()
        or SecurityGroupRule.objects.filter(referenced_group=group).exclude(group=group).exists()
    )
    if in_use:
        # VPC-16
        raise constraints.dependency_error(SecurityGroup, group.resource_id)
    ctx.touch(group)
    group.rules.all().delete()
    group.delete()
    return {"Return": True, "GroupId": group.resource_id}


@operation("ec2", "DescribeSecurityGroups")
def describe_security_groups(ctx: CallContext, params: dict) -> dict:
    names = params.get("GroupNames")
    qs, named = describe.named_ids(
        SecurityGroup.objects.visible_to(ctx),
        SecurityGroup,
        params.get("GroupIds"),
        {**params, "Filters": params.get("Filters") or names},  # names: ids checked first
    )
    if names:
        # Names are looked up in the default VPC, as AWS does.
        vpc = network.default_vpc(ctx)
        qs = qs.filter(vpc=vpc, group_name__in=names)
        found = set(qs.values_list("group_name", flat=True))
        for name in names:
            if name not in found:
                raise errors.InvalidGroupNotFound(
                    f"The security group '{name}' does not exist in default VPC "
                    f"'{vpc.resource_id if vpc else 'none'}'"
                )
    return describe.page_of_rows(
        qs, params, FILTERS, "SecurityGroups", _COLUMNS, _groups, ids=(SecurityGroup, named)
    )


_COLUMNS = {
    **{name: name for name in security.GROUP_FIELDS if name != "pk"},
    "vpc_resource_id": "vpc__resource_id",
}


def _groups(rows: list[dict]) -> list[dict]:
    """The EC2 `SecurityGroup` shapes of plain group rows, with every rule of the page
    (and the group each names) in one query."""
    rules: dict[int, list[tuple]] = {}
    if rows:
        found = SecurityGroupRule.objects.filter(group_id__in=[r["pk"] for r in rows])
        for group_id, *fields in found.order_by("pk").values_list(
            "group_id", *security.RULE_FIELDS
        ):
            rules.setdefault(group_id, []).append(tuple(fields))
    return [security.describe_row(r, rules.get(r["pk"], [])) for r in rows]


# --- rules ----------------------------------------------------------------------------------


def _authorize(ctx: CallContext, params: dict, *, egress: bool) -> dict:
    group = _group(ctx, params)
    specs = _rule_specs(ctx, group, params)
    existing = {
        (r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4, r.referenced_group_id)
        for r in group.rules.filter(is_egress=egress)
    }
    seen: set[tuple] = set()
    for spec in specs:
        if spec.key in existing or spec.key in seen:
            raise errors.InvalidPermissionDuplicate(
                f'the specified rule "{spec.wording()}" already exists'
            )
        seen.add(spec.key)
    quotas.check(
        len(existing) + len(specs) - 1,
        quotas.RULES_PER_SECURITY_GROUP,
        "RulesPerSecurityGroupLimitExceeded",
        "The maximum number of rules per security group has been reached.",
    )
    tags = describe.tags_from_specifications(params, "security-group-rule")
    made = []
    for spec in specs:
        made.append(
            SecurityGroupRule.objects.create(
                account=ctx.account,
                region=ctx.region,
                group=group,
                is_egress=egress,
                ip_protocol=spec.ip_protocol,
                from_port=spec.from_port,
                to_port=spec.to_port,
                cidr_ipv4=spec.cidr_ipv4,
                referenced_group=spec.referenced_group,
                description=spec.description,
                tags=tags,
            )
        )
    ctx.touch(group)
    return {"Return": True, "SecurityGroupRules": [r.describe() for r in made]}


def _revoke(ctx: CallContext, params: dict, *, egress: bool) -> dict:
    group = _group(ctx, params)
    rules = group.rules.filter(is_egress=egress)
    if params.get("SecurityGroupRuleIds"):
        wanted = params["SecurityGroupRuleIds"]
        chosen = list(rules.filter(resource_id__in=wanted))
        found = {r.resource_id for r in chosen}
        for rule_id in wanted:
            if rule_id not in found:
                raise errors.InvalidSecurityGroupRuleIdNotFound(
                    f"The security group rule ID '{rule_id}' does not exist"
                )
        unknown: list[dict] = []
    else:
        by_key = {
            (r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4, r.referenced_group_id): r
            for r in rules
        }
        chosen, unknown = [], []
        for spec in _rule_specs(ctx, group, params):
            rule = by_key.get(spec.key)
            if rule is None:
                unknown.append(spec)
            else:
                chosen.append(rule)
        if not chosen:
            raise errors.InvalidPermissionNotFound(
                "The specified rule does not exist in this security group."
            )
        unknown = [
            {
                "IpProtocol": s.ip_protocol,
                "FromPort": s.from_port,
                "ToPort": s.to_port,
                "IpRanges": [{"CidrIp": s.cidr_ipv4}] if s.cidr_ipv4 else [],
                "UserIdGroupPairs": (
                    [{"GroupId": s.referenced_group.resource_id}] if s.referenced_group else []
                ),
            }
            for s in unknown
        ]
    revoked = [
        {
            "SecurityGroupRuleId": r.resource_id,
            "GroupId": group.resource_id,
            "IsEgress": r.is_egress,
            "IpProtocol": r.ip_protocol,
            "FromPort": r.from_port,
            "ToPort": r.to_port,
            **({"CidrIpv4": r.cidr_ipv4} if r.cidr_ipv4 else {}),
            **(
                {"ReferencedGroupId": r.referenced_group.resource_id}
                if r.referenced_group_id
                else {}
            ),
        }
        for r in chosen
    ]
    SecurityGroupRule.objects.filter(pk__in=[r.pk for r in chosen]).delete()
    ctx.touch(group)
    result: dict = {"Return": True}
    if unknown:
        result["UnknownIpPermissions"] = unknown
    return result | ({"RevokedSecurityGroupRules": revoked} if revoked else {})


@operation("ec2", "AuthorizeSecurityGroupIngress")
def authorize_ingress(ctx: CallContext, params: dict) -> dict:
    return _authorize(ctx, params, egress=False)


@operation("ec2", "AuthorizeSecurityGroupEgress")
def authorize_egress(ctx: CallContext, params: dict) -> dict:
    return _authorize(ctx, params, egress=True)


@operation("ec2", "RevokeSecurityGroupIngress")
def revoke_ingress(ctx: CallContext, params: dict) -> dict:
    return _revoke(ctx, params, egress=False)


@operation("ec2", "RevokeSecurityGroupEgress")
def revoke_egress(ctx: CallContext, params: dict) -> dict:
    return _revoke(ctx, params, egress=True)


@operation("ec2", "DescribeSecurityGroupRules")
def describe_security_group_rules(ctx: CallContext, params: dict) -> dict:
    qs = SecurityGroupRule.objects.visible_to(ctx).select_related("group", "referenced_group")
    wanted = params.get("SecurityGroupRuleIds")
    if wanted:
        qs = qs.filter(resource_id__in=wanted)
        found = set(qs.values_list("resource_id", flat=True))
        for rule_id in wanted:
            if rule_id not in found:
                raise SecurityGroupRule.not_found(rule_id)
    return lookups.page(qs, params, RULE_FILTERS, "SecurityGroupRules", SecurityGroupRule.describe)
