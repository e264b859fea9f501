"""EventBridge with IAM (rule and bus ARNs in policies, AWS's AccessDeniedException),
classroom resets (the default buses come back, rules go) and lab-check names."""

from __future__ import annotations

import pytest

from services.core import operations, registry
from services.core.errors import AwsError
from services.events.models import EventBus, Rule
from tests.iam.conftest import allow, as_key, iam, policy, user_ctx  # noqa: F401

PATTERN = '{"source": ["my.app"]}'


def test_an_iam_user_may_put_only_the_rules_its_policy_names(account, user_ctx):  # noqa: F811
    own = f"arn:aws:events:us-east-1:{account.id}:rule/team-*"
    alice = user_ctx(inline=(policy(allow(["events:PutRule", "events:ListRules"], own)),))
    arn = operations.call(alice, "events", "PutRule", {"Name": "team-a", "EventPattern": PATTERN})
    assert arn["RuleArn"].endswith(":rule/team-a")
    with pytest.raises(AwsError) as info:
        operations.call(alice, "events", "PutRule", {"Name": "other", "EventPattern": PATTERN})
    error = info.value
    assert (error.code, error.status) == ("AccessDeniedException", 400)
    assert (
        f"is not authorized to perform: events:PutRule on resource: "
        f"arn:aws:events:us-east-1:{account.id}:rule/other" in error.message
    )
    assert list(Rule.objects.values_list("resource_id", flat=True)) == ["team-a"]


def test_a_classroom_reset_empties_eventbridge_and_gives_the_default_buses_back(ctx, account):
    from services.classrooms.reset import reset

    operations.call(ctx, "events", "CreateEventBus", {"Name": "orders"})
    operations.call(ctx, "events", "PutRule", {"Name": "r", "EventPattern": PATTERN})
    reset(account)
    assert not Rule.objects.filter(account=account).exists()
    names = set(EventBus.objects.filter(account=account).values_list("resource_id", flat=True))
    assert names == {"default"}


def test_lab_checks_can_name_buses_and_rules():
    checks = registry.lab_checks()
    assert "events.rules" in checks and "events.event_buses" in checks
