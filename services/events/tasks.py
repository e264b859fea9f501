"""EventBridge's Celery tasks: routing events to targets, firing scheduled rules."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from services.events import dispatch, schedules
from services.events.models import Rule

log = logging.getLogger(__name__)


@shared_task(name="services.events.tasks.route", ignore_result=True)
def route_task(items: list[dict]) -> int:
    return dispatch.route(items)


@shared_task(name="services.events.tasks.fire_schedules", ignore_result=True)
def fire_schedules(limit: int = 200) -> int:
    """Fire every enabled scheduled rule that is due (celery beat runs this every few
    seconds): a "Scheduled Event" to the rule's own targets, and the next time set."""
    return fire_due(limit)


def fire_due(limit: int = 200) -> int:
    now = timezone.now()
    fired: list[tuple[Rule, dict]] = []
    with transaction.atomic():
        # SKIP LOCKED: two workers' beats never fire one rule twice.
        due = list(
            Rule.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_fire_at__lte=now)
            .exclude(state="DISABLED")
            .exclude(schedule_expression="")
            .select_related("bus")
            .order_by("next_fire_at")[:limit]
        )
        for rule in due:
            try:
                rule.next_fire_at = schedules.next_fire(rule.schedule_expression, now)
            except Exception:  # an expression stored before a stricter check: stop it
                log.warning("rule %s: schedule %r is not valid", rule.arn, rule.schedule_expression)
                rule.next_fire_at = None
            rule.last_fired_at = now
            rule.save(update_fields=["next_fire_at", "last_fired_at"])
            event = dispatch.envelope(
                rule.account_id,
                rule.region,
                source="aws.events",
                detail_type="Scheduled Event",
                detail={},
                resources=[rule.arn],
                time=now,
            )
            fired.append((rule, event))
    for rule, event in fired:
        try:
            dispatch.deliver_to_targets(rule, event)
        except Exception:
            log.exception("rule %s: scheduled event not delivered", rule.arn)
    return len(fired)
