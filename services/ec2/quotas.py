"""Default EC2 service quotas of a new account, checked under a row lock on the account
so that concurrent launches cannot pass a quota together."""

from __future__ import annotations

from collections import Counter

from django.conf import settings

from services.core import locks
from services.core.context import CallContext
from services.ec2 import errors, instance_types
from services.ec2.instance_types import InstanceType
from services.ec2.models import Instance

# On-Demand vCPU quotas per instance bucket, as a new account gets them: Standard
# (A, C, D, H, I, M, R, T, Z) 32; G and VT 0 and P 0 until an increase is requested.
# Standard and the running count come from settings so that a load test can raise them.
VCPU_QUOTAS = {"standard": settings.STRATOLAB_EC2_VCPU_QUOTA, "G": 0, "P": 0}
# Running instances per region (the older, count-based quota AWS still applies).
RUNNING_INSTANCES = settings.STRATOLAB_EC2_RUNNING_INSTANCES
# States that count as running for the quotas.
COUNTED_STATES = ("pending", "running", "stopping", "shutting-down")


def lock_account(ctx: CallContext) -> None:
    """The account lock quotas are checked under (the first lock: services.core.locks)."""
    locks.lock_account(ctx)


def capacity(ctx: CallContext, itype: InstanceType, min_count: int, max_count: int) -> int:
    """How many of `itype` may start now (at most `max_count`), or the AWS error when
    fewer than `min_count` may. Call with the account locked."""
    running = Counter(
        Instance.objects.visible_to(ctx)
        .filter(state__in=COUNTED_STATES)
        .values_list("instance_type", flat=True)
    )
    count_room = RUNNING_INSTANCES - sum(running.values())
    if count_room < min_count:
        raise errors.InstanceLimitExceeded(
            f"Your quota allows for {max(0, count_room)} more running instance(s). "
            f"You requested at least {min_count}"
        )
    room = count_room
    limit = VCPU_QUOTAS.get(itype.quota_bucket)
    if limit is not None:
        used = 0
        for name, n in running.items():
            other = instance_types.find(name)
            if other is not None and other.quota_bucket == itype.quota_bucket:
                used += other.vcpus * n
        vcpu_room = (limit - used) // itype.vcpus
        if vcpu_room < min_count:
            raise errors.VcpuLimitExceeded(
                f"You have requested more vCPU capacity than your current vCPU limit of "
                f"{limit} allows for the instance bucket that the specified instance type "
                "belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to "
                "request an adjustment to this limit."
            )
        room = min(room, vcpu_room)
    return min(room, max_count)
