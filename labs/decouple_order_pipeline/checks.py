"""The checks of this lab the query language cannot say: what a queue policy allows,
and whether a queue has delivered (or now holds) a message."""

from __future__ import annotations

import json

SEND_ACTIONS = ("sqs:sendmessage", "sqs:*", "*")
SOURCE_OPERATORS = ("arnequals", "arnlike", "stringequals", "stringlike")


def _queue(evaluation, name: str) -> dict | None:
    for queue in evaluation.reader.items("sqs.queues"):
        if queue.get("QueueName") == name:
            return queue
    return None


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _names_sns(principal) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return "sns.amazonaws.com" in _as_list(principal.get("Service", [])) or "*" in _as_list(
        principal.get("AWS", [])
    )


def _source_arns(conditions: dict) -> list[str]:
    found: list[str] = []
    for operator, pairs in (conditions or {}).items():
        if operator.lower().removeprefix("forallvalues:").removeprefix("foranyvalue:") not in (
            SOURCE_OPERATORS
        ):
            continue
        for key, values in (pairs or {}).items():
            if key.lower() == "aws:sourcearn":
                found += [str(v) for v in _as_list(values)]
    return found


def _accepts_the_topic(evaluation, name: str) -> tuple[bool, str]:
    queue = _queue(evaluation, name)
    if queue is None:
        return False, f"There is no queue {name}."
    topics = evaluation.sets["orders_topic"]
    if not topics:
        return False, "There is no orders topic yet."
    text = (queue.get("Attributes") or {}).get("Policy") or ""
    if not text:
        return False, f"{name} has no access policy: only its owner may send to it."
    try:
        policy = json.loads(text)
    except ValueError:
        return False, f"The access policy of {name} is not JSON."
    open_to_all = False
    for statement in _as_list(policy.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = [str(a).lower() for a in _as_list(statement.get("Action", []))]
        if not any(a in SEND_ACTIONS for a in actions) or not _names_sns(
            statement.get("Principal")
        ):
            continue
        sources = _source_arns(statement.get("Condition") or {})
        if any(source in topics for source in sources):
            return True, ""
        if not sources:
            open_to_all = True
    if open_to_all:
        return False, (
            f"{name} lets SNS send without an aws:SourceArn condition: any topic could write "
            "to it. Name the orders topic."
        )
    return (
        False,
        f"No statement of {name}'s policy lets sns.amazonaws.com send from the orders topic.",
    )


def billing_accepts_the_topic(evaluation) -> tuple[bool, str]:
    return _accepts_the_topic(evaluation, "orders-billing")


def shipping_accepts_the_topic(evaluation) -> tuple[bool, str]:
    return _accepts_the_topic(evaluation, "orders-shipping")


def _received(evaluation, name: str) -> bool:
    """A ReceiveMessage on the queue `name` that returned at least one message."""
    for event in evaluation.events():
        if event["EventName"] != "ReceiveMessage" or event["ErrorCode"]:
            continue
        url = str(event["RequestParameters"].get("QueueUrl", ""))
        if url.rstrip("/").rsplit("/", 1)[-1] == name and event["ResponseElements"].get("Messages"):
            return True
    return False


def _got_a_message(evaluation, name: str) -> tuple[bool, str]:
    if _received(evaluation, name):
        return True, ""
    return False, f"No message has been received from {name} yet: poll the queue for messages."


def billing_got_a_message(evaluation) -> tuple[bool, str]:
    return _got_a_message(evaluation, "orders-billing")


def shipping_got_a_message(evaluation) -> tuple[bool, str]:
    return _got_a_message(evaluation, "orders-shipping")


def dlq_got_a_message(evaluation) -> bool:
    """A message moved to orders-dlq: it is there now, or was received from there."""
    if _received(evaluation, "orders-dlq"):
        return True
    queue = _queue(evaluation, "orders-dlq")
    attributes = (queue or {}).get("Attributes") or {}
    held = sum(
        int(attributes.get(name) or 0)
        for name in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
    )
    return held > 0
