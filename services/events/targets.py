"""A rule's targets: PutTargets and RemoveTargets (per-entry failures), the listings."""

from __future__ import annotations

import re

from services.core import locks
from services.core.context import CallContext
from services.core.operations import operation
from services.events import errors, paging, transform
from services.events.buses import get_bus
from services.events.models import MAX_TARGETS_PER_RULE, Rule, Target
from services.events.rules import get_rule

_ARN = re.compile(r"^arn:aws[\w-]*:([a-z0-9\-]+):([a-z0-9\-]*):(\d{12})?:(.+)$")
# The target services Stratolab delivers to (Lambda when it lands).
DELIVERED = ("sqs", "sns")


def _check_arn(arn: str) -> str:
    m = _ARN.match(arn)
    if m is None:
        raise errors.ValidationException(
            f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
        )
    return m.group(1)


@operation("events", "PutTargets")
def put_targets(ctx: CallContext, params: dict) -> dict:
    rule = get_rule(ctx, params["Rule"], params.get("EventBusName"), for_update=True)
    wanted = params.get("Targets") or []
    for target in wanted:
        service = _check_arn(target["Arn"])
        transform.check_target(target)
        if service == "sqs" and target["Arn"].endswith(".fifo"):
            if not (target.get("SqsParameters") or {}).get("MessageGroupId"):
                raise errors.ValidationException(
                    f"Parameter(s) SqsParameters must be specified for target: {target['Id']}."
                )
    existing = {t.target_id: t for t in locks.rows(Target.objects.filter(rule=rule))}
    failed: list[dict] = []
    accepted: dict[str, dict] = {}
    for target in wanted:
        service = _check_arn(target["Arn"])
        if service not in DELIVERED:
            failed.append(
                {
                    "TargetId": target["Id"],
                    "ErrorCode": "ValidationException",
                    "ErrorMessage": f"Stratolab does not deliver to {service} targets yet.",
                }
            )
            continue
        accepted[target["Id"]] = target
    if len(set(existing) | set(accepted)) > MAX_TARGETS_PER_RULE:
        raise errors.LimitExceededException(
            "The requested resource exceeds the maximum number allowed."
        )
    for target_id, target in accepted.items():
        data = {k: v for k, v in target.items() if k not in ("Id", "Arn")}
        row = existing.get(target_id)
        if row is None:
            Target.objects.create(rule=rule, target_id=target_id, arn=target["Arn"], data=data)
        else:
            row.arn, row.data = target["Arn"], data
            row.save(update_fields=["arn", "data"])
    ctx.touch(rule)
    return {"FailedEntryCount": len(failed), "FailedEntries": failed}


@operation("events", "RemoveTargets")
def remove_targets(ctx: CallContext, params: dict) -> dict:
    rule = get_rule(ctx, params["Rule"], params.get("EventBusName"), for_update=True)
    ids = params.get("Ids") or []
    # An id the rule does not have is no failure: it is not there afterwards either.
    gone = locks.rows(Target.objects.filter(rule=rule, target_id__in=ids))
    Target.objects.filter(pk__in=[t.pk for t in gone]).delete()
    ctx.touch(rule)
    return {"FailedEntryCount": 0, "FailedEntries": []}


@operation("events", "ListTargetsByRule")
def list_targets_by_rule(ctx: CallContext, params: dict) -> dict:
    rule = get_rule(ctx, params["Rule"], params.get("EventBusName"))
    rows, token = paging.page(rule.targets.order_by("target_id"), params)
    result: dict = {"Targets": [t.describe() for t in rows]}
    if token:
        result["NextToken"] = token
    return result


@operation("events", "ListRuleNamesByTarget")
def list_rule_names_by_target(ctx: CallContext, params: dict) -> dict:
    bus = get_bus(ctx, params.get("EventBusName"))
    qs = (
        Rule.objects.filter(bus=bus, targets__arn=params["TargetArn"])
        .distinct()
        .order_by("resource_id")
    )
    rows, token = paging.page(qs, params)
    result: dict = {"RuleNames": [r.resource_id for r in rows]}
    if token:
        result["NextToken"] = token
    return result
