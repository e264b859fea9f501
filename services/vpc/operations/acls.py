"""Network ACL operations (VPC-10)."""

from __future__ import annotations

from services.core import constraints, describe, filters, ids, locks, lookups, shapes
from services.core.context import CallContext
from services.core.errors import missing_parameter
from services.core.operations import operation
from services.vpc import cidr, defaults, errors, quotas
from services.vpc.models import NetworkAcl, NetworkAclEntry, Subnet, Vpc
from services.vpc.models.acls import MAX_RULE_NUMBER

FILTERS = filters.Spec(
    "DescribeNetworkAcls",
    {
        "network-acl-id": "resource_id",
        "vpc-id": "vpc__resource_id",
        "default": describe.boolean("is_default"),
        "owner-id": "account_id",
        "association.association-id": "subnets__acl_association_id",
        "association.network-acl-id": "resource_id",
        "association.subnet-id": "subnets__resource_id",
        "entry.cidr": "entries__cidr_block",
        "entry.egress": describe.boolean("entries__egress"),
        "entry.protocol": "entries__protocol",
        "entry.rule-action": "entries__rule_action",
        "entry.rule-number": "entries__rule_number",
    },
)

# Names the AWS CLI and console accept for the protocol numbers.
_PROTOCOLS = {"all": "-1", "-1": "-1", "tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}


def _protocol(value: str) -> str:
    text = str(value).strip().lower()
    if text in _PROTOCOLS:
        return _PROTOCOLS[text]
    if text.isdigit() and 0 <= int(text) <= 255:
        return text
    raise errors.InvalidParameterValue(f"Invalid value '{value}' for protocol.")


def _entry_fields(params: dict) -> dict:
    """Validated columns of a rule from Create/ReplaceNetworkAclEntry's parameters."""
    number = params["RuleNumber"]
    if not 1 <= number <= MAX_RULE_NUMBER:
        raise errors.InvalidParameterValue(
            f"Value ({number}) for parameter ruleNumber is invalid. "
            f"Expecting a value between 1 and {MAX_RULE_NUMBER}."
        )
    action = str(params["RuleAction"]).lower()
    if action not in shapes.enum_values("ec2", "RuleAction"):
        raise errors.InvalidParameterValue(
            f"Value ({params['RuleAction']}) for parameter ruleAction is invalid."
        )
    if params.get("Ipv6CidrBlock"):
        raise errors.InvalidParameterValue("IPv6 ACL rules are not simulated.")
    if not params.get("CidrBlock"):
        raise missing_parameter("cidrBlock")
    block = cidr.parse(params["CidrBlock"])
    protocol = _protocol(params["Protocol"])
    fields = {
        "rule_number": number,
        "egress": bool(params["Egress"]),
        "protocol": protocol,
        "rule_action": action,
        "cidr_block": block.text,
        "port_from": None,
        "port_to": None,
        "icmp_type": None,
        "icmp_code": None,
    }
    if protocol in ("6", "17"):
        ports = params.get("PortRange")
        if not ports or "From" not in ports or "To" not in ports:
            raise missing_parameter("portRange")
        low, high = ports["From"], ports["To"]
        if not (0 <= low <= 65535 and 0 <= high <= 65535 and low <= high):
            raise errors.InvalidParameterValue(f"Invalid port range {low}-{high}")
        fields.update(port_from=low, port_to=high)
    elif protocol == "1":
        icmp = params.get("IcmpTypeCode")
        if not icmp:
            raise missing_parameter("icmpTypeCode")
        fields.update(icmp_type=icmp.get("Type", -1), icmp_code=icmp.get("Code", -1))
    return fields


def _direction(egress: bool) -> str:
    return "egress" if egress else "ingress"


@operation("ec2", "CreateNetworkAcl")
def create_network_acl(ctx: CallContext, params: dict) -> dict:
    vpc = lookups.get(ctx, Vpc, params["VpcId"], for_update=True)
    tags = describe.tags_from_specifications(params, "network-acl")
    quotas.check(
        vpc.network_acls.count(),
        quotas.NETWORK_ACLS_PER_VPC,
        "NetworkAclLimitExceeded",
        "The maximum number of network ACLs has been reached.",
    )
    acl = NetworkAcl(account=ctx.account, region=ctx.region, vpc=vpc, tags=tags)
    acl.save()
    NetworkAclEntry.objects.bulk_create(defaults.acl_entries(acl, allow_all=False))
    ctx.touch(acl)
    result = {"NetworkAcl": acl.describe()}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


constraints.on_protected(NetworkAcl, constraints.has_dependencies("networkAcl"))


@operation("ec2", "DeleteNetworkAcl")
def delete_network_acl(ctx: CallContext, params: dict) -> dict:
    acl = lookups.get(ctx, NetworkAcl, params["NetworkAclId"], for_update=True)
    if acl.is_default:
        raise errors.InvalidParameterValue(f"cannot delete default network ACL {acl.resource_id}")
    if acl.subnets.exists():
        raise constraints.dependency_error(NetworkAcl, acl.resource_id)
    ctx.touch(acl)
    acl.delete()
    return {}


@operation("ec2", "DescribeNetworkAcls")
def describe_network_acls(ctx: CallContext, params: dict) -> dict:
    qs = lookups.only_ids(
        NetworkAcl.objects.visible_to(ctx), NetworkAcl, params.get("NetworkAclIds")
    ).select_related("vpc")
    return lookups.page(qs, params, FILTERS, "NetworkAcls", NetworkAcl.describe)


@operation("ec2", "CreateNetworkAclEntry")
def create_network_acl_entry(ctx: CallContext, params: dict) -> dict:
    acl = lookups.get(ctx, NetworkAcl, params["NetworkAclId"], for_update=True)
    fields = _entry_fields(params)
    if acl.entries.filter(egress=fields["egress"], rule_number=fields["rule_number"]).exists():
        raise errors.NetworkAclEntryAlreadyExists(
            f"The network acl entry identified by {fields['rule_number']} already exists."
        )
    numbered = acl.entries.filter(egress=fields["egress"], rule_number__lte=MAX_RULE_NUMBER).count()
    quotas.check(
        numbered,
        quotas.ACL_RULES_PER_DIRECTION,
        "NetworkAclEntryLimitExceeded",
        "The maximum number of network acl entries has been reached.",
    )
    acl.entries.create(**fields)
    ctx.touch(acl)
    return {}


def _entry(acl: NetworkAcl, number: int, egress: bool) -> NetworkAclEntry:
    entry = acl.entries.filter(egress=egress, rule_number=number).first()
    if entry is None or number > MAX_RULE_NUMBER:
        raise errors.InvalidNetworkAclEntryNotFound(
            f"The network acl entry identified by {number} and {_direction(egress)} "
            f"does not exist in {acl.resource_id}."
        )
    return entry


@operation("ec2", "ReplaceNetworkAclEntry")
def replace_network_acl_entry(ctx: CallContext, params: dict) -> dict:
    acl = lookups.get(ctx, NetworkAcl, params["NetworkAclId"], for_update=True)
    fields = _entry_fields(params)
    entry = _entry(acl, fields["rule_number"], fields["egress"])
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    ctx.touch(acl)
    return {}


@operation("ec2", "DeleteNetworkAclEntry")
def delete_network_acl_entry(ctx: CallContext, params: dict) -> dict:
    acl = lookups.get(ctx, NetworkAcl, params["NetworkAclId"], for_update=True)
    _entry(acl, params["RuleNumber"], bool(params["Egress"])).delete()
    ctx.touch(acl)
    return {}


@operation("ec2", "ReplaceNetworkAclAssociation")
def replace_network_acl_association(ctx: CallContext, params: dict) -> dict:
    assoc_id = params["AssociationId"]
    subnet = locks.rows(Subnet.objects.visible_to(ctx)).filter(acl_association_id=assoc_id).first()
    if subnet is None:
        raise errors.InvalidAssociationIDNotFound(f"The association ID '{assoc_id}' does not exist")
    acl = lookups.get(ctx, NetworkAcl, params["NetworkAclId"])
    if acl.vpc_id != subnet.vpc_id:
        raise errors.InvalidParameterValue(
            f"Network ACL {acl.resource_id} and subnet {subnet.resource_id} belong to "
            "different networks"
        )
    # VPC-10: the subnet moves to exactly one other ACL, under a new association id.
    subnet.network_acl = acl
    subnet.acl_association_id = ids.resource_id("aclassoc")
    subnet.save(update_fields=["network_acl", "acl_association_id"])
    ctx.touch(acl)
    return {"NewAssociationId": subnet.acl_association_id}
