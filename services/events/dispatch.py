"""Events on their way: put on a bus after the call commits, matched against the bus's
rules and delivered to the rules' targets by the Celery worker.

A call (PutEvents, or any code emitting the cloud's own events through
`hooks.aws_event`) adds events with `publish`; once its transaction commits, one task
per transaction carries them to the worker, and only for a bus that has an enabled
rule with a pattern (most calls of most accounts match nothing: no message at all).
The worker's `route` matches each event against the rules (services.core.patterns) and
delivers to SQS (services.sqs.delivery) and SNS (services.sns.delivery)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from services.core import patterns, publisher
from services.events import transform
from services.events.models import DEFAULT_BUS, Rule, Target, iso

log = logging.getLogger(__name__)


def envelope(
    account_id: str,
    region: str,
    *,
    source: str,
    detail_type: str,
    detail: dict,
    resources: Iterable[str] = (),
    time: dt.datetime | None = None,
    event_id: str | None = None,
) -> dict:
    """An event in AWS's shape, its members in AWS's order."""
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account_id,
        "time": iso(time or timezone.now()),
        "region": region,
        "resources": list(resources),
        "detail": detail,
    }


class _Flush:
    """The events one transaction put on buses, sent to the worker when it commits."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        try:
            send(self.items)
        except Exception:  # the call has committed: its answer must not fail for this
            log.exception("could not put %d events on their buses", len(self.items))


def _pending() -> _Flush | None:
    """The current transaction's flush, if an earlier event registered one."""
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Flush) and not entry[1].sent:
            return entry[1]
    return None


def publish(account_id: str, region: str, bus: str, event: dict) -> None:
    """Put `event` on the bus `bus` of the account in `region`, once the current
    transaction commits (at once outside one)."""
    item = {"account": account_id, "region": region, "bus": bus, "event": event}
    flush = _pending() if connection.in_atomic_block else None
    if flush is not None:
        flush.items.append(item)
        return
    flush = _Flush()
    flush.items.append(item)
    transaction.on_commit(flush)  # outside a transaction: at once


def _listening(account_id: str, region: str, bus: str) -> bool:
    return (
        Rule.objects.filter(account_id=account_id, region=region, bus__resource_id=bus)
        .exclude(state="DISABLED")
        .exclude(event_pattern="")
        .exists()
    )


def send(items: list[dict]) -> None:
    """Hand `items` to the worker, leaving out those of buses no rule listens on."""
    buses: dict[tuple[str, str, str], bool] = {}
    wanted = []
    for item in items:
        key = (item["account"], item["region"], item["bus"])
        if key not in buses:
            buses[key] = _listening(*key)
        if buses[key]:
            wanted.append(item)
    if not wanted:
        return
    from services.events.tasks import route_task

    def hand_to_worker() -> None:
        try:
            route_task.delay(wanted)
        except Exception:  # broker down: the events are lost, as a failed PutEvents entry
            log.warning("could not hand %d events to the worker", len(wanted))

    # Off the request thread, as the lifecycle's messages: the call does not wait on Redis.
    publisher.hand_over(hand_to_worker)


# --- in the worker ------------------------------------------------------------------


def route(items: list[dict]) -> int:
    """Match each event against its bus's enabled rules and deliver it to the matching
    rules' targets. Returns how many deliveries were made."""
    delivered = 0
    rules_of: dict[tuple[str, str, str], list[Rule]] = {}
    for item in items:
        key = (item["account"], item["region"], item["bus"])
        if key not in rules_of:
            rules_of[key] = list(
                Rule.objects.filter(account_id=key[0], region=key[1], bus__resource_id=key[2])
                .exclude(state="DISABLED")
                .exclude(event_pattern="")
                .select_related("bus")
                .prefetch_related("targets")
                .order_by("resource_id")
            )
        event = item["event"]
        for rule in rules_of[key]:
            try:
                matched = patterns.matches(json.loads(rule.event_pattern), event)
            except Exception:
                log.exception("rule %s: its pattern could not be matched", rule.arn)
                continue
            if matched:
                delivered += deliver_to_targets(rule, event)
    return delivered


def deliver_to_targets(rule: Rule, event: dict) -> int:
    delivered = 0
    for target in rule.targets.all():
        if deliver(rule, target, event):
            delivered += 1
    return delivered


def deliver(rule: Rule, target: Target, event: dict) -> bool:
    """Send `event`, shaped by the target's input settings, to one target. A refused
    delivery goes to the target's dead-letter queue, if it has one."""
    body = transform.payload(target.data, event, rule_arn=rule.arn, rule_name=rule.resource_id)
    try:
        _send(rule, target.arn, body, target.data, event)
        return True
    except Exception as exc:
        log.info("rule %s: target %s refused the event: %s", rule.arn, target.target_id, exc)
        dead_letter = (target.data.get("DeadLetterConfig") or {}).get("Arn")
        if dead_letter:
            _dead_letter(rule, target, event, dead_letter, exc)
        return False


def _sender(rule: Rule) -> Any:
    from services.sqs.delivery import ServicePrincipal

    return ServicePrincipal(
        service="events.amazonaws.com", source_arn=rule.arn, source_account=rule.account_id
    )


def _send(rule: Rule, arn: str, body: str, data: dict, event: dict) -> None:
    service = arn.split(":")[2]
    if service == "sqs":
        from services.sqs import delivery

        group = (data.get("SqsParameters") or {}).get("MessageGroupId")
        delivery.deliver(
            arn,
            body,
            sender=_sender(rule),
            group_id=group,
            # A FIFO queue without content-based deduplication takes the event id.
            deduplication_id=event["id"] if arn.endswith(".fifo") else None,
        )
    elif service == "sns":
        from services.sns import delivery as sns_delivery

        sns_delivery.publish(
            arn,
            body,
            sender=_sender(rule),
            group_id=(data.get("SqsParameters") or {}).get("MessageGroupId"),
            deduplication_id=event["id"] if arn.endswith(".fifo") else None,
        )
    else:
        raise RuntimeError(f"no delivery to {service} targets")


def _dead_letter(rule: Rule, target: Target, event: dict, queue_arn: str, exc: Exception) -> None:
    """The event as it was, with AWS's attributes saying why it was not delivered."""
    from services.sqs import delivery

    code = getattr(exc, "code", "") or type(exc).__name__
    attributes = {
        "RULE_ARN": {"DataType": "String", "StringValue": rule.arn},
        "TARGET_ARN": {"DataType": "String", "StringValue": target.arn},
        "ERROR_CODE": {"DataType": "String", "StringValue": str(code)},
        "ERROR_MESSAGE": {"DataType": "String", "StringValue": str(exc)[:256] or str(code)},
    }
    try:
        delivery.deliver(queue_arn, json.dumps(event), sender=_sender(rule), attributes=attributes)
    except Exception:
        log.info("rule %s: dead-letter queue %s refused the event too", rule.arn, queue_arn)


def default_bus_event(account_id: str, region: str, event: dict) -> None:
    publish(account_id, region, DEFAULT_BUS, event)
