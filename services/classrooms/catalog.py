"""The resources a lab check can name (``resource = "ec2.instances"``), each read through
the operation layer's own Describe/List functions, so a check sees what the API shows.

Reads run as Stratolab itself (door "system") with read-only operations only, and are
not written to the audit log: a lab panel polls every few seconds, and the student's
event history must stay theirs. A few entries join in what a lesson needs and the API
gives only through a second call: a subnet's effective route table (explicit
association, else the VPC's main table: VPC-07), a group's users and attached policies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from services.core import operations, shapes
from services.core.context import CallContext
from services.core.models import Account


class Reader:
    """Runs read-only operations for one account and region, caching each answer for
    the duration of one evaluation."""

    def __init__(self, account: Account, region: str) -> None:
        self.ctx = CallContext.system(account, region)
        self._cache: dict[tuple, object] = {}
        self._items: dict[str, list[dict]] = {}

    def call(self, service: str, action: str, params: dict | None = None) -> dict:
        key = (service, action, repr(sorted((params or {}).items())))
        if key not in self._cache:
            op = operations.get(service, action)
            if op is None or not op.read_only:
                raise ValueError(f"{service}:{action} is not a read-only operation")
            prepared = shapes.prepare(service, action, dict(params or {}))
            with transaction.atomic():
                self._cache[key] = op.func(self.ctx, prepared) or {}
        return self._cache[key]

    def items(self, name: str) -> list[dict]:
        if name not in self._items:
            entry = RESOURCES.get(name)
            if entry is None:
                raise KeyError(f"unknown resource {name!r}; known: {sorted(RESOURCES)}")
            self._items[name] = entry.read(self)
        return self._items[name]


@dataclass(frozen=True)
class Entry:
    service: str
    action: str
    path: str  # where the items sit in the answer: "Reservations.Instances"
    params: dict | None = None
    enrich: Callable[[Reader, list[dict]], None] | None = None

    def read(self, reader: Reader) -> list[dict]:
        from services.classrooms.query import values

        answer = reader.call(self.service, self.action, self.params)
        items = [dict(i) for i in values(answer, self.path)]
        if self.enrich:
            self.enrich(reader, items)
        return items


def _subnet_route_tables(reader: Reader, subnets: list[dict]) -> None:
    tables = reader.items("ec2.route_tables")
    explicit, main = {}, {}
    for table in tables:
        for assoc in table.get("Associations", []):
            if assoc.get("SubnetId"):
                explicit[assoc["SubnetId"]] = table
            if assoc.get("Main"):
                main[table.get("VpcId")] = table
    for subnet in subnets:
        subnet["RouteTable"] = explicit.get(subnet["SubnetId"]) or main.get(subnet.get("VpcId"))


def _attached(kind: str, key: str) -> Callable[[Reader, list[dict]], None]:
    def enrich(reader: Reader, items: list[dict]) -> None:
        for item in items:
            answer = reader.call("iam", f"ListAttached{kind}Policies", {key: item[key]})
            item["AttachedPolicies"] = answer.get("AttachedPolicies", [])

    return enrich


def _groups(reader: Reader, groups: list[dict]) -> None:
    _attached("Group", "GroupName")(reader, groups)
    for group in groups:
        users = reader.call("iam", "GetGroup", {"GroupName": group["GroupName"]})
        group["Users"] = users.get("Users", [])


def _users(reader: Reader, users: list[dict]) -> None:
    _attached("User", "UserName")(reader, users)
    for user in users:
        answer = reader.call("iam", "ListGroupsForUser", {"UserName": user["UserName"]})
        user["Groups"] = answer.get("Groups", [])


RESOURCES: dict[str, Entry] = {
    "ec2.instances": Entry("ec2", "DescribeInstances", "Reservations.Instances"),
    "ec2.volumes": Entry("ec2", "DescribeVolumes", "Volumes"),
    "ec2.snapshots": Entry("ec2", "DescribeSnapshots", "Snapshots", params={"OwnerIds": ["self"]}),
    "ec2.key_pairs": Entry("ec2", "DescribeKeyPairs", "KeyPairs"),
    "ec2.addresses": Entry("ec2", "DescribeAddresses", "Addresses"),
    "ec2.vpcs": Entry("ec2", "DescribeVpcs", "Vpcs"),
    "ec2.subnets": Entry("ec2", "DescribeSubnets", "Subnets", enrich=_subnet_route_tables),
    "ec2.route_tables": Entry("ec2", "DescribeRouteTables", "RouteTables"),
    "ec2.internet_gateways": Entry("ec2", "DescribeInternetGateways", "InternetGateways"),
    "ec2.nat_gateways": Entry("ec2", "DescribeNatGateways", "NatGateways"),
    "ec2.security_groups": Entry("ec2", "DescribeSecurityGroups", "SecurityGroups"),
    "ec2.network_acls": Entry("ec2", "DescribeNetworkAcls", "NetworkAcls"),
    "iam.users": Entry("iam", "ListUsers", "Users", enrich=_users),
    "iam.groups": Entry("iam", "ListGroups", "Groups", enrich=_groups),
    "iam.roles": Entry("iam", "ListRoles", "Roles", enrich=_attached("Role", "RoleName")),
    "iam.instance_profiles": Entry("iam", "ListInstanceProfiles", "InstanceProfiles"),
    "iam.policies": Entry("iam", "ListPolicies", "Policies", params={"Scope": "Local"}),
}
