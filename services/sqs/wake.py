"""Waking long pollers: a ReceiveMessage that found nothing waits (in the door, with its
database connection closed) on the queue's Redis channel; whatever makes a message
receivable publishes there after its transaction commits (SendMessage, a visibility
change, a move into the queue, SetQueueAttributes)."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


def channel(queue_pk: int) -> str:
    return f"stratolab:sqs:wake:{queue_pk}"


@functools.cache
def _pool():
    import redis

    return redis.ConnectionPool.from_url(settings.CACHES["default"]["LOCATION"])


def client():
    import redis

    return redis.Redis(connection_pool=_pool())


def publish(queue_pk: int) -> None:
    try:
        client().publish(channel(queue_pk), b"1")
    except Exception:  # a poller then wakes at its deadline, never an error for the sender
        log.warning("could not wake the pollers of queue %s", queue_pk, exc_info=True)


def after_commit(queue_pk: int) -> None:
    transaction.on_commit(lambda: publish(queue_pk))


class Waiter:
    """A subscription to one queue's wake-ups, opened before the first look so that a
    message sent between that look and the wait is not missed."""

    def __init__(self) -> None:
        self._pubsub = None

    def subscribe(self, queue_pk: int) -> None:
        if self._pubsub is not None:
            return
        try:
            self._pubsub = client().pubsub(ignore_subscribe_messages=True)
            self._pubsub.subscribe(channel(queue_pk))
        except Exception:
            log.warning("could not subscribe to queue %s's wake-ups", queue_pk, exc_info=True)
            self._pubsub = None

    def wait(self, seconds: float) -> bool:
        """Block up to `seconds` for a wake-up; whether one came."""
        if seconds <= 0:
            return False
        if self._pubsub is None:
            import time

            time.sleep(min(seconds, 1.0))  # no Redis: look again each second
            return False
        import time

        deadline = time.monotonic() + seconds
        try:
            while (left := deadline - time.monotonic()) > 0:
                # None also for the subscription's own confirmation: wait on.
                if self._pubsub.get_message(timeout=left) is not None:
                    return True
        except Exception:
            return False
        return False

    def close(self) -> None:
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except Exception:
                pass
            self._pubsub = None
