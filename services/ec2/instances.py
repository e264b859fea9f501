"""Instances after launch: DescribeInstances and the state changes (StartInstances,
StopInstances, RebootInstances, TerminateInstances). RunInstances is in launch.py."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from services.core import describe, filters, lifecycle, locks, lookups
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.ec2 import errors, instance_rows, instance_types, quotas, state_events
from services.ec2.models import Instance
from services.ec2.models.instances import GONE, STATE_CODES, state_of, user_initiated_reason
from services.vpc import network

_ID = re.compile(r"^i-[0-9a-f]{8}([0-9a-f]{9})?$")

USER_SHUTDOWN = (
    "Client.UserInitiatedShutdown",
    "Client.UserInitiatedShutdown: User initiated shutdown",
)


def _always(value: str) -> Callable[[list[str]], Q]:
    """A filter on something every simulated instance has the same value of."""

    def build(values: list[str]) -> Q:
        return Q() if value in values else Q(pk__in=[])

    return build


def _state_code(values: list[str]) -> Q:
    names = [n for n, code in STATE_CODES.items() if str(code) in values]
    return Q(state__in=names)


def _dns_name(values: list[str]) -> Q:
    q = Q(pk__in=[])
    for v in values:
        match = re.match(r"^ec2-(\d+)-(\d+)-(\d+)-(\d+)\.", v)
        if match:
            q |= Q(primary_network_interface__public_ip=".".join(match.groups()))
    return q


def _private_dns_name(values: list[str]) -> Q:
    q = Q(pk__in=[])
    for v in values:
        match = re.match(r"^ip-(\d+)-(\d+)-(\d+)-(\d+)\.", v)
        if match:
            q |= Q(primary_network_interface__private_ip_address=".".join(match.groups()))
    return q


def _volume_id(values: list[str]) -> Q:
    return Q(volume_attachments__volume__resource_id__in=values)


FILTERS = filters.Spec(
    "DescribeInstances",
    {
        "instance-id": "resource_id",
        "instance-state-name": "state",
        "instance-state-code": _state_code,
        "instance-type": "instance_type",
        "availability-zone": "availability_zone",
        "vpc-id": "vpc_resource_id",
        "subnet-id": "subnet_resource_id",
        "image-id": "image_id",
        "key-name": "key_name",
        "reservation-id": "reservation_id",
        "client-token": "client_token",
        "architecture": "architecture",
        "platform": "platform",
        "platform-details": "platform_details",
        "root-device-name": "root_device_name",
        "root-device-type": _always("ebs"),
        "private-ip-address": "primary_network_interface__private_ip_address",
        "ip-address": "primary_network_interface__public_ip",
        "network-interface.addresses.private-ip-address": (
            "primary_network_interface__private_ip_address"
        ),
        "network-interface.network-interface-id": "primary_network_interface__resource_id",
        "network-interface.mac-address": "primary_network_interface__mac_address",
        "instance.group-id": "primary_network_interface__security_groups__resource_id",
        "instance.group-name": "primary_network_interface__security_groups__group_name",
        "group-id": "primary_network_interface__security_groups__resource_id",
        "group-name": "primary_network_interface__security_groups__group_name",
        "dns-name": _dns_name,
        "private-dns-name": _private_dns_name,
        "block-device-mapping.volume-id": _volume_id,
        "block-device-mapping.device-name": describe.any_of("volume_attachments__device"),
        "disable-api-termination": describe.boolean("disable_api_termination"),
        "instance-initiated-shutdown-behavior": "shutdown_behavior",
        "state-reason-code": "state_reason_code",
        "owner-id": "account_id",
        "ami-launch-index": "ami_launch_index",
        "tenancy": _always("default"),
        "monitoring-state": _always("disabled"),
        "placement-group-name": "placement_group_name",
    },
    # Names whose path the Instance shape does not give; None: data no simulated
    # instance has (the shape has no member for it), so the filter matches nothing.
    aliases={
        "product-code": ("ProductCodes", "ProductCodeId"),
        "placement-partition-number": ("Placement", "PartitionNumber"),
        "state-reason-message": ("StateReason", "Message"),
        # The attachment of an instance's interface is to the instance itself.
        "network-interface.attachment.instance-id": ("InstanceId",),
        "network-interface.attachment.instance-owner-id": ("NetworkInterfaces", "OwnerId"),
        "network-interface.availability-zone": ("Placement", "AvailabilityZone"),
        "network-interface.public-dns-name": ("NetworkInterfaces", "Association", "PublicDnsName"),
        "network-interface.addresses.association.allocation-id": None,
        "network-interface.addresses.association.association-id": None,
        "network-interface.association.allocation-id": None,
        "network-interface.association.association-id": None,
        "network-interface.deny-all-igw-traffic": None,
        "network-interface.ipv6-native": None,
        "network-interface.outpost-arn": None,
        "network-interface.requester-id": None,
        "network-interface.requester-managed": None,
        "network-interface.tag-key": None,
        "network-interface.tag-value": None,
        "metadata-options.http-protocol-ipv4": None,
        "requester-id": None,
    },
    rows=lambda qs: instance_rows.values(qs),
    items=lambda rows: instance_rows.items(rows),
)


def check_id(instance_id: str) -> None:
    if not _ID.match(instance_id or ""):
        raise errors.InvalidInstanceIDMalformed(f'Invalid id: "{instance_id}"')


def visible(ctx: CallContext) -> QuerySet:
    return Instance.objects.visible_to(ctx).exclude(state=GONE)


def get_instances(ctx: CallContext, instance_ids: list[str]) -> list[Instance]:
    """The instances named, locked for a state change, in the order given."""
    if not instance_ids:
        raise errors.MissingParameter("The request must contain the parameter InstanceId")
    for instance_id in instance_ids:
        check_id(instance_id)
    # One locking read: the unknown ids are those it does not return.
    qs = locks.rows(visible(ctx).filter(resource_id__in=instance_ids))
    qs = qs.select_related("primary_network_interface", "primary_network_interface__address")
    by_id = {i.resource_id: i for i in qs}
    missing = [i for i in dict.fromkeys(instance_ids) if i not in by_id]
    if missing:
        raise Instance.not_found_all(missing)
    return [by_id[i] for i in dict.fromkeys(instance_ids)]


def get_instance(ctx: CallContext, instance_id: str, *, for_update: bool = False) -> Instance:
    qs = visible(ctx).select_related("primary_network_interface")
    return lookups.get(ctx, Instance, instance_id, for_update=for_update, qs=qs, check=check_id)


def reservations(ctx: CallContext, instances: list[Instance]) -> list[dict]:
    """Instances grouped into the EC2 `Reservation` shape, in first-seen order."""
    load_related(instances)
    grouped: dict[str, dict] = {}
    for instance in instances:
        res = grouped.setdefault(
            instance.reservation_id,
            {
                "ReservationId": instance.reservation_id,
                "OwnerId": instance.account_id,
                "Groups": [],
                "Instances": [],
            },
        )
        res["Instances"].append(instance.describe())
    return list(grouped.values())


def with_network(qs: QuerySet) -> QuerySet:
    """The instances with their primary interface and its address in the same query
    (`reservations` adds their groups and volumes, two queries for the whole page)."""
    return qs.select_related(
        "primary_network_interface", "primary_network_interface__address"
    ).defer("user_data")


def load_related(instances: list[Instance]) -> None:
    """Give each instance its security groups and volume attachments as plain rows, in
    one query each for all of them: what describe() reads, without a model object or a
    queryset per row (Django's prefetch built three of each per instance)."""
    todo = [i for i in instances if i.related_rows is None]
    if not todo:
        return
    groups, attachments = instance_rows.related(
        [i.pk for i in todo], [i.primary_network_interface_id for i in todo]
    )
    for instance in todo:
        instance.related_rows = (
            groups.get(instance.primary_network_interface_id, []),
            attachments.get(instance.pk, []),
        )


@operation("ec2", "DescribeInstances")
def describe_instances(ctx: CallContext, params: dict) -> dict:
    wanted = params.get("InstanceIds") or []
    if wanted and params.get("MaxResults"):
        raise errors.InvalidParameterCombination(
            "The parameter instancesSet cannot be used with the parameter maxResults"
        )
    qs, named = describe.named_ids(visible(ctx), Instance, wanted, params, check=check_id)
    if params.get("Filters"):
        # A filter over a relation (groups, volumes) may match a row more than once: the
        # rows are those whose ids it matches, rather than DISTINCT over whole rows.
        matching = describe.apply_filters(qs, params.get("Filters"), FILTERS)
        qs = Instance.objects.filter(pk__in=matching.values("pk"))
    rows, token = describe.paginate(
        instance_rows.values(qs), params.get("MaxResults"), params.get("NextToken")
    )
    describe.require_ids(rows, named, Instance)
    result: dict = {"Reservations": instance_rows.reservations(rows)}
    if token:
        result["NextToken"] = token
    return result


def _change(instance: Instance, previous: str) -> dict:
    """The EC2 `InstanceStateChange` shape."""
    return {
        "InstanceId": instance.resource_id,
        "CurrentState": state_of(instance.state),
        "PreviousState": state_of(previous),
    }


def _incorrect(instance: Instance, verb: str) -> AwsError:
    return errors.IncorrectInstanceState(
        f"This instance '{instance.resource_id}' is not in a state from which it can be {verb}."
    )


def _user_shutdown(instances: list[Instance], state: str, from_states: tuple[str, ...]) -> None:
    """Move `instances` into `state` (stopping, shutting-down) as their user asked: one
    UPDATE for all of them and one task for the worker (services.core.lifecycle)."""
    code, message = USER_SHUTDOWN
    lifecycle.begin_many(
        instances,
        state,
        from_states=from_states,
        state_transition_reason=user_initiated_reason(timezone.now()),
        state_reason_code=code,
        state_reason_message=message,
    )
    state_events.changed(instances, state)


@operation("ec2", "StopInstances")
def stop_instances(ctx: CallContext, params: dict) -> dict:
    if params.get("Hibernate"):
        raise errors.UnsupportedHibernationConfiguration(
            "The instance was not launched with hibernation enabled."
        )
    instances = get_instances(ctx, params.get("InstanceIds") or [])
    for instance in instances:
        # EC2-03: a pending instance cannot be stopped yet, a terminated one never.
        if instance.state in ("pending", "shutting-down", "terminated"):
            raise _incorrect(instance, "stopped")
        if instance.disable_api_stop and instance.state == "running":
            raise errors.OperationNotPermitted(
                f"The instance '{instance.resource_id}' may not be stopped. Modify its "
                "'disableApiStop' instance attribute and try again."
            )
    previous = [i.state for i in instances]
    stopping = [i for i in instances if i.state == "running"]
    _user_shutdown(stopping, "stopping", ("running",))
    for instance in stopping:
        ctx.touch(instance)
    return {"StoppingInstances": [_change(i, p) for i, p in zip(instances, previous, strict=True)]}


@operation("ec2", "StartInstances")
def start_instances(ctx: CallContext, params: dict) -> dict:
    # The quota check below needs the account lock, which comes before the instances'.
    quotas.lock_account(ctx)
    instances = get_instances(ctx, params.get("InstanceIds") or [])
    for instance in instances:
        if instance.state in ("stopping", "shutting-down", "terminated"):
            raise errors.IncorrectInstanceState(
                f"The instance '{instance.resource_id}' is not in a state from which it can "
                "be started."
            )
    to_start = [i for i in instances if i.state == "stopped"]
    # Each instance is checked against the quota as it stands (the same answer for
    # every instance of one type and zone, so once per type and zone).
    for type_name, zone in dict.fromkeys((i.instance_type, i.availability_zone) for i in to_start):
        quotas.capacity(ctx, instance_types.require(type_name, zone), 1, 1)
    previous = [i.state for i in instances]
    # EC2-04: a new public IPv4 address; the private one stays (so does an EIP).
    network.assign_public_ips([i.eni for i in to_start if i.eni is not None])
    lifecycle.begin_many(
        to_start,
        "pending",
        from_states=("stopped",),
        state_transition_reason="",
        state_reason_code="pending",
        state_reason_message="pending",
        launch_time=timezone.now(),
    )
    state_events.changed(to_start, "pending")
    for instance in to_start:
        ctx.touch(instance)
    return {"StartingInstances": [_change(i, p) for i, p in zip(instances, previous, strict=True)]}


@operation("ec2", "RebootInstances")
def reboot_instances(ctx: CallContext, params: dict) -> dict:
    instances = get_instances(ctx, params.get("InstanceIds") or [])
    for instance in instances:
        if instance.state in ("stopped", "stopping", "shutting-down", "terminated"):
            raise _incorrect(instance, "rebooted")
    # EC2-02: a reboot keeps the instance running; the OS boots again.
    running = [i for i in instances if i.state == "running"]
    if running:
        now = timezone.now()
        Instance.objects.filter(pk__in=[i.pk for i in running]).update(
            boot_count=F("boot_count") + 1, last_boot_at=now
        )
        for instance in running:
            instance.boot_count += 1
            instance.last_boot_at = now
    for instance in instances:
        ctx.touch(instance)
    return {}


@operation("ec2", "TerminateInstances")
def terminate_instances(ctx: CallContext, params: dict) -> dict:
    instances = get_instances(ctx, params.get("InstanceIds") or [])
    protected = [i for i in instances if i.disable_api_termination and i.state != "terminated"]
    if protected:
        # EC2-06: termination protection blocks the whole call.
        raise errors.OperationNotPermitted(
            f"The instance '{protected[0].resource_id}' may not be terminated. Modify its "
            "'disableApiTermination' instance attribute and try again."
        )
    previous = [i.state for i in instances]
    ending = [i for i in instances if i.state not in ("shutting-down", "terminated")]
    _user_shutdown(ending, "shutting-down", tuple({i.state for i in ending}))
    for instance in ending:
        ctx.touch(instance)
    changes = [_change(i, p) for i, p in zip(instances, previous, strict=True)]
    return {"TerminatingInstances": changes}
