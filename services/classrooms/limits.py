"""Classroom limits, applied to every call a student's sandbox makes through any door.

They plug into the operation layer as a guard (`operations.add_guard`): it runs after
the request is validated and before IAM, for every call except Stratolab's own. A call
outside the limits fails as AWS Organizations fails a call a service control policy
denies (UnauthorizedOperation for EC2, AccessDenied elsewhere), naming the classroom
limit; a quota fails with the error code AWS uses for that quota.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from services.classrooms import errors
from services.classrooms.models import Classroom, Student
from services.core import account_generation, authz, locks, operations
from services.core.context import CallContext
from services.core.errors import AwsError

# Always allowed: asking who you are, and the region list every client reads first.
_ALWAYS = {"sts:GetCallerIdentity", "ec2:DescribeRegions", "ec2:DescribeAvailabilityZones"}
_LIVE_STATES = ("pending", "running", "stopping", "stopped")


def install() -> None:
    operations.add_guard(check)
    operations.add_guard(check_counts, in_transaction=True)


def _deny(ctx: CallContext, op: operations.Operation, why: str) -> AwsError:
    decision = authz.Decision(
        False, f"with an explicit deny in a service control policy (classroom limit: {why})"
    )
    return authz.denied(ctx, op.iam_action, decision)


# The classroom of each sandbox account (None: not a student's), per process, checked
# against the account's generation, which a change of the classroom's limits or of its
# roster bumps (services.core.account_generation): one indexed read per call.
_ROOMS: account_generation.AccountCache[Classroom | bool] = account_generation.AccountCache(
    "classrooms"
)


def classroom_of(account_id: str, known: int | None = None) -> Classroom | None:
    """The classroom whose student owns the account, or None. Callers only read it.
    `known`: the account's generation this call has already checked."""
    cached = _ROOMS.get(account_id, known=known)
    if cached is not None:
        return cached or None
    generation = account_generation.current(account_id)
    student = Student.objects.filter(account_id=account_id).select_related("classroom").first()
    room = student.classroom if student is not None else None
    # False marks "not a student" (None means not cached).
    _ROOMS.put(account_id, account_id, generation, room if room is not None else False)
    return room


def check(ctx: CallContext, op: operations.Operation, params: dict) -> None:
    """Refuse the call if the caller's classroom does not allow it."""
    if op.iam_action in _ALWAYS:
        return
    room = classroom_of(ctx.account.id, account_generation.checked(ctx.account))
    if room is None:
        return
    if ctx.door == "console" and room.session_minutes:
        _check_session(ctx, room.session_minutes)
    if room.allowed_services and op.iam_prefix not in room.allowed_services:
        raise _deny(ctx, op, f"the service {op.iam_prefix} is not available in this classroom")
    if room.allowed_regions and not op.global_service and ctx.region not in room.allowed_regions:
        allowed = ", ".join(room.allowed_regions)
        raise _deny(ctx, op, f"this classroom works in {allowed} only")
    if op.iam_action == "ec2:RunInstances":
        wanted = params.get("InstanceType") or "m1.small"
        if room.allowed_instance_types and wanted not in room.allowed_instance_types:
            raise _deny(ctx, op, _types_message(wanted, room.allowed_instance_types))
    elif op.iam_action == "ec2:ModifyInstanceAttribute":
        wanted = (params.get("InstanceType") or {}).get("Value")
        if wanted and room.allowed_instance_types and wanted not in room.allowed_instance_types:
            raise _deny(ctx, op, _types_message(wanted, room.allowed_instance_types))
    _check_counts(ctx, op, params, room)


# The limits that count what the account has, by the action that adds to them.
_COUNTED = {
    "ec2:RunInstances": ("max_instances", "max_vcpus"),
    "ec2:CreateVolume": ("max_volumes",),
    "ec2:AllocateAddress": ("max_elastic_ips",),
}


def check_counts(ctx: CallContext, op: operations.Operation, params: dict) -> None:
    """The count limits once more, inside the call's transaction and under the account
    lock (the first lock of services.core.locks), so that racing calls cannot pass a
    limit together; `check` gave the early answer."""
    limits = _COUNTED.get(op.iam_action)
    if limits is None:
        return
    room = classroom_of(ctx.account.id, account_generation.checked(ctx.account))
    if room is None or all(getattr(room, name) is None for name in limits):
        return
    locks.lock_account(ctx)
    _check_counts(ctx, op, params, room)


def _check_counts(ctx: CallContext, op: operations.Operation, params: dict, room) -> None:
    if op.iam_action == "ec2:RunInstances":
        _check_launch(ctx, op, params, room)
    elif op.iam_action == "ec2:CreateVolume" and room.max_volumes is not None:
        from services.ec2.models import Volume

        if Volume.objects.filter(account=ctx.account).exclude(state="deleted").count() >= (
            room.max_volumes
        ):
            raise errors.VolumeLimitExceeded(
                f"You have reached the classroom limit of {room.max_volumes} volumes."
            )
    elif op.iam_action == "ec2:AllocateAddress" and room.max_elastic_ips is not None:
        from services.vpc.models import Address

        if Address.objects.filter(account=ctx.account).count() >= room.max_elastic_ips:
            raise errors.AddressLimitExceeded(
                "The maximum number of addresses has been reached "
                f"(classroom limit: {room.max_elastic_ips} Elastic IP addresses)."
            )


def _check_session(ctx: CallContext, minutes: int) -> None:
    """A console session lasts `minutes` from the caller's last successful sign-in (the
    ConsoleLogin event); signing in again starts a new one."""
    from services.core.models import Event

    login = (
        Event.objects.filter(
            account=ctx.account,
            event_name="ConsoleLogin",
            error_code="",
            user_name=ctx.principal.name,
        )
        .order_by("-event_time")
        .values_list("event_time", flat=True)
        .first()
    )
    if login is not None and login < timezone.now() - dt.timedelta(minutes=minutes):
        raise errors.ExpiredToken(
            f"Your console session has ended (classroom limit: sessions last {minutes} "
            "minutes). Sign out and sign in again."
        )


def _types_message(wanted: str, allowed: list[str]) -> str:
    return f"the instance type {wanted} is not allowed; allowed: {', '.join(allowed)}"


def _check_launch(ctx: CallContext, op: operations.Operation, params: dict, room) -> None:
    from services.ec2 import instance_types
    from services.ec2.models import Instance

    wanted = params.get("InstanceType") or "m1.small"
    count = int(params.get("MinCount") or 1)
    live = Instance.objects.filter(account=ctx.account, state__in=_LIVE_STATES)
    if room.max_instances is not None and live.count() + count > room.max_instances:
        left = max(0, room.max_instances - live.count())
        raise errors.InstanceLimitExceeded(
            f"Your quota allows for {left} more running instance(s). You requested at "
            f"least {count} (classroom limit: {room.max_instances} instances)."
        )
    if room.max_vcpus is not None:
        found = instance_types.find(wanted)
        per = found.vcpus if found else 1
        used = sum(
            (t.vcpus if (t := instance_types.find(name)) else 1)
            for name in live.values_list("instance_type", flat=True)
        )
        if used + per * count > room.max_vcpus:
            raise errors.VcpuLimitExceeded(
                f"You have requested more vCPU capacity than your current vCPU limit of "
                f"{room.max_vcpus} allows (classroom limit)."
            )
