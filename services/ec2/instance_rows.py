"""DescribeInstances' read path: a page of instances as plain rows (one values() query
joining each instance's primary interface and its Elastic IP, one for their security
groups, one for their volume attachments), turned into the EC2 `Instance` shape by
`describe_row`, the function Instance.describe() itself uses. No model object is built
per row; tests/describe/test_read_rows.py holds the two paths equal."""

from __future__ import annotations

from django.db.models import F, QuerySet

from services.ec2.models import VolumeAttachment
from services.ec2.models.instances import (
    ENI_FIELDS,
    INSTANCE_FIELDS,
    AttachmentRow,
    GroupRow,
    describe_row,
)
from services.vpc import network

_ENI = "primary_network_interface__"
_COLUMNS = {
    **{f"eni_{name}": F(_ENI + name) for name in ENI_FIELDS},
    "eip_account_id": F(_ENI + "address__account_id"),
}


def values(qs: QuerySet) -> QuerySet:
    """`qs` (instances) as the plain rows describe_row reads."""
    return qs.values(*INSTANCE_FIELDS, **_COLUMNS)


def related(
    instance_pks: list[int], eni_pks: list[int | None]
) -> tuple[dict[int, list[GroupRow]], dict[int, list[AttachmentRow]]]:
    """The security groups of the interfaces `eni_pks` (by interface, in group id
    order) and the volume attachments of the instances `instance_pks` (by instance),
    in one query each."""
    interfaces = [pk for pk in eni_pks if pk]
    groups: dict[int, list[GroupRow]] = {}
    if interfaces:
        through = network.NetworkInterface.security_groups.through
        rows = through.objects.filter(networkinterface_id__in=interfaces).values_list(
            "networkinterface_id", "securitygroup_id", "securitygroup__resource_id",
            "securitygroup__group_name",
        )  # fmt: skip
        for eni, pk, resource_id, name in rows.order_by("securitygroup_id"):
            groups.setdefault(eni, []).append(GroupRow(pk, resource_id, name))
    attachments: dict[int, list[AttachmentRow]] = {}
    if instance_pks:
        rows = VolumeAttachment.objects.filter(instance_id__in=instance_pks).values_list(
            "instance_id", "device", "created_at", "delete_on_termination", "state",
            "volume__resource_id",
        )  # fmt: skip
        for instance_id, *fields in rows:
            attachments.setdefault(instance_id, []).append(AttachmentRow(*fields))
    return groups, attachments


def items(rows: list[dict]) -> list[dict]:
    """The EC2 `Instance` shapes of plain rows (`values`), in their order."""
    groups, attachments = related(
        [r["pk"] for r in rows], [r["primary_network_interface_id"] for r in rows]
    )
    return [
        describe_row(
            r,
            groups.get(r["primary_network_interface_id"], []) if r["eni_resource_id"] else [],
            attachments.get(r["pk"], []),
        )
        for r in rows
    ]


def reservations(rows: list[dict]) -> list[dict]:
    """Plain instance rows grouped into the EC2 `Reservation` shape, in first-seen
    order (what services.ec2.instances.reservations answers for model objects)."""
    grouped: dict[str, dict] = {}
    for row, item in zip(rows, items(rows), strict=True):
        res = grouped.get(row["reservation_id"])
        if res is None:
            res = grouped[row["reservation_id"]] = {
                "ReservationId": row["reservation_id"],
                "OwnerId": row["account_id"],
                "Groups": [],
                "Instances": [],
            }
        res["Instances"].append(item)
    return list(grouped.values())
