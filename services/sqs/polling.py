"""What a ReceiveMessage that found nothing tells the door: how long its caller still
wants to wait and when a message of the queue becomes visible by itself (a delay or a
visibility timeout ending), so the door waits (services/sqs/door.py) without holding a
database connection and looks again when woken or due."""

from __future__ import annotations

import contextvars
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Pending:
    queue_pk: int
    wait_seconds: int
    next_visible: dt.datetime | None


_pending: contextvars.ContextVar[Pending | None] = contextvars.ContextVar(
    "sqs_pending_receive", default=None
)


def note(pending: Pending | None) -> None:
    _pending.set(pending)


def take() -> Pending | None:
    found = _pending.get()
    _pending.set(None)
    return found
