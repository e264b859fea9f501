"""Subscription filter policies, in AWS's filter-policy language
(services/core/patterns.py): checked when set, matched for each message in the worker.
Scope MessageAttributes matches the message's attributes (String, Number and
String.Array values); scope MessageBody matches the message, when it is a JSON object."""

from __future__ import annotations

import json

from services.core import patterns
from services.sns import errors


def check(text: str, scope: str, *, subscribe: bool = False) -> None:
    """SNS's InvalidParameter, in SNS's words, for a policy it would refuse."""
    try:
        patterns.validate_filter_policy(text, scope, subscribe=subscribe)
    except patterns.PatternError as error:
        raise errors.InvalidParameter(error.message) from None


def accepts(policy_text: str, scope: str, message: str, attributes: dict) -> bool:
    """Whether a message passes a subscription's filter policy (none: every message)."""
    if not policy_text:
        return True
    policy = json.loads(policy_text)
    if scope == "MessageBody":
        return patterns.filter_policy_matches(policy, message, scope)
    return patterns.filter_policy_matches(policy, attributes or {}, scope)
