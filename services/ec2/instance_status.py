"""Status checks: DescribeInstanceStatus and the console's "Status check" column.

A running instance's checks are "initializing" for a while after it boots (the setting
`ec2.instance.initializing`), then "ok": "2/2 checks passed".
"""

from __future__ import annotations

from django.utils import timezone

from services.core import describe
from services.core.context import CallContext
from services.core.operations import operation
from services.ec2 import errors
from services.ec2.models import Instance
from services.ec2.models.instances import state_of

_STATUS_FILTERS = (
    "instance-status.status",
    "system-status.status",
    "instance-status.reachability",
    "system-status.reachability",
)


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


@operation("ec2", "DescribeInstanceStatus")
def describe_instance_status(ctx: CallContext, params: dict) -> dict:
    from services.ec2.instances import FILTERS, only_ids

    if params.get("InstanceIds") and params.get("MaxResults"):
        raise errors.InvalidParameterCombination(
            "The parameter instancesSet cannot be used with the parameter maxResults"
        )
    qs = Instance.objects.visible_to(ctx).exclude(state="gone")
    qs = only_ids(qs, params.get("InstanceIds"))
    if not params.get("IncludeAllInstances"):
        qs = qs.filter(state="running")
    filters = []
    status_filters: dict[str, list[str]] = {}
    for f in params.get("Filters") or []:
        name = f.get("Name", "")
        if name in _STATUS_FILTERS:
            status_filters[name] = [str(v) for v in f.get("Values") or []]
        else:
            filters.append(f)
    qs = describe.apply_filters(qs, filters, FILTERS)
    rows, token = describe.paginate(qs, params.get("MaxResults"), params.get("NextToken"))
    statuses = [describe_status(i) for i in rows]
    for name, values in status_filters.items():
        part, field = name.split(".")
        key = "InstanceStatus" if part == "instance-status" else "SystemStatus"
        if field == "status":
            statuses = [s for s in statuses if s[key]["Status"] in values]
        else:
            statuses = [
                s for s in statuses if any(d["Status"] in values for d in s[key].get("Details", []))
            ]
    result: dict = {"InstanceStatuses": statuses}
    if token:
        result["NextToken"] = token
    return result
