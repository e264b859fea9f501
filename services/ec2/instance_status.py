"""Status checks: DescribeInstanceStatus and the console's "Status check" column.

A running instance's checks are "initializing" for a while after it boots (the setting
`ec2.instance.initializing`), then "ok": "2/2 checks passed".
"""

from __future__ import annotations

import functools

from django.utils import timezone

from services.core import describe, filters, lookups
from services.core.context import CallContext
from services.core.operations import operation
from services.ec2 import errors
from services.ec2.models import Instance
from services.ec2.models.instances import state_of


def _check(status: str) -> dict:
    detail = {"ok": "passed", "initializing": "initializing"}.get(status, status)
    summary = {"Status": status}
    if status != "not-applicable":
        summary["Details"] = [{"Name": "reachability", "Status": detail}]
    return summary


def status_summary(instance: Instance) -> tuple[str, str, str]:
    """(instance status, system status, console label) of `instance`."""
    if instance.state != "running":
        return "not-applicable", "not-applicable", "–"
    since = instance.last_boot_at or instance.state_changed_at
    if timezone.now() - since < Instance.lifecycle.duration("initializing"):
        return "initializing", "initializing", "Initializing"
    return "ok", "ok", "2/2 checks passed"


def describe_status(instance: Instance) -> dict:
    """The EC2 `InstanceStatus` shape."""
    inst, system, _ = status_summary(instance)
    return {
        "AvailabilityZone": instance.availability_zone,
        "AvailabilityZoneId": instance.availability_zone_id,
        "InstanceId": instance.resource_id,
        "InstanceState": state_of(instance.state),
        "InstanceStatus": _check(inst),
        "SystemStatus": _check(system),
        "AttachedEbsStatus": _check(system),
        "Events": [],
    }


@functools.cache
def _filters() -> filters.Spec:
    """The instance columns DescribeInstances filters on, and every other documented
    name matched on the InstanceStatus item."""
    from services.ec2.instances import FILTERS

    return filters.Spec(
        "DescribeInstanceStatus",
        dict(FILTERS),
        aliases={
            "instance-status.reachability": ("InstanceStatus", "Details", "Status"),
            "system-status.reachability": ("SystemStatus", "Details", "Status"),
        },
        render=describe_status,
    )


@operation("ec2", "DescribeInstanceStatus")
def describe_instance_status(ctx: CallContext, params: dict) -> dict:
    from services.ec2.instances import check_id

    if params.get("InstanceIds") and params.get("MaxResults"):
        raise errors.InvalidParameterCombination(
            "The parameter instancesSet cannot be used with the parameter maxResults"
        )
    qs = Instance.objects.visible_to(ctx).exclude(state="gone")
    qs = lookups.only_ids(qs, Instance, params.get("InstanceIds"), check=check_id)
    if not params.get("IncludeAllInstances"):
        qs = qs.filter(state="running")
    # Status names are matched on the InstanceStatus item before paging, so a page
    # holds what the filters keep.
    qs = describe.apply_filters(qs, params.get("Filters"), _filters())
    rows, token = describe.paginate(qs, params.get("MaxResults"), params.get("NextToken"))
    result: dict = {"InstanceStatuses": [describe_status(i) for i in rows]}
    if token:
        result["NextToken"] = token
    return result
