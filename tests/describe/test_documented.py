"""Every filter name AWS documents for a Describe call Stratolab answers is accepted
(botocore's model documentation of the call's `Filters` member lists them), and each
one not on a column has a path into the call's item."""

from __future__ import annotations

import pytest

from services.core import filters, operations
from services.core.errors import AwsError

# Every registered call of every service whose input has EC2-style Filters.
CALLS = [
    (op.service, op.action)
    for op in operations.registered()
    if filters.filters_member(op.service, op.action)
]
ACTIONS = [action for _, action in CALLS]


def _rejected(ctx, service: str, action: str) -> list[str]:
    member = filters.filters_member(service, action)
    rejected = []
    for name in filters.documented(service, action):
        if name == "tag:<key>":
            name = "tag:Name"
        try:
            operations.call(ctx, service, action, {member: [{"Name": name, "Values": ["x"]}]})
        except AwsError as error:
            # A value of the wrong type matches nothing, as in AWS: never a 500.
            if error.message == f"The filter '{name}' is invalid" or error.status >= 500:
                rejected.append(f"{name}: {error.code}")
    return rejected


def test_the_documented_lists_are_read() -> None:
    assert {"DescribeInstances", "DescribeVolumes", "DescribeNatGateways"} <= set(ACTIONS)
    assert all(filters.documented(service, action) for service, action in CALLS)
    volumes = filters.documented("ec2", "DescribeVolumes")
    assert "attachment.instance-id" in volumes and "tag:<key>" in volumes
    # DescribeImages' nested list of severity values holds no filter names.
    assert "critical" not in filters.documented("ec2", "DescribeImages")
    assert sum(len(filters.documented(*call)) for call in CALLS) >= 480


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "action"), CALLS, ids=ACTIONS)
def test_every_documented_filter_is_accepted(ctx, service: str, action: str) -> None:
    assert _rejected(ctx, service, action) == []


@pytest.mark.parametrize(
    ("action", "name", "path"),
    [
        ("DescribeVolumes", "attachment.instance-id", ("Attachments", "InstanceId")),
        ("DescribeInstances", "network-interface.addresses.private-ip-address",
         ("NetworkInterfaces", "PrivateIpAddresses", "PrivateIpAddress")),
        ("DescribeSecurityGroups", "ip-permission.from-port", ("IpPermissions", "FromPort")),
        ("DescribeSecurityGroups", "egress.ip-permission.group-name",
         ("IpPermissionsEgress", "UserIdGroupPairs", "GroupName")),
        ("DescribeInstances", "block-device-mapping.volume-id",
         ("BlockDeviceMappings", "Ebs", "VolumeId")),
        ("DescribeNetworkAcls", "entry.port-range.from", ("Entries", "PortRange", "From")),
        ("DescribeInstances", "reason", ("StateTransitionReason",)),
        ("DescribeInstances", "affinity", ("Placement", "Affinity")),
    ],
)  # fmt: skip
def test_names_are_paths_into_the_item(action: str, name: str, path: tuple) -> None:
    assert filters.path_of("ec2", action, name)[0] == path


def test_undocumented_names_are_not_derived() -> None:
    assert filters.path_of("ec2", "DescribeVolumes", "size-in-gib") is None
    assert filters.path_of("ec2", "DescribeVolumes", "attachments.instance-id") is None
