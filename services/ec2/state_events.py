"""EventBridge's "EC2 Instance State-change Notification": one event per instance each
time it enters a state, whether a call moved it (RunInstances, StartInstances,
StopInstances, TerminateInstances) or the worker did (running, stopped, terminated).
Sent through core's hook (services.core.hooks.aws_event), after the change commits."""

from __future__ import annotations

from collections.abc import Iterable

from services.core import hooks
from services.ec2.models import Instance

DETAIL_TYPE = "EC2 Instance State-change Notification"


def changed(instances: Iterable[Instance], state: str) -> None:
    for instance in instances:
        hooks.aws_event(
            instance.account_id,
            instance.region,
            source="aws.ec2",
            detail_type=DETAIL_TYPE,
            detail={"instance-id": instance.resource_id, "state": state},
            resources=[instance.arn],
        )
