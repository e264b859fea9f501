"""Worker messages sent off the request thread.

A Celery publish costs 3-6 ms of Redis round trips and kombu work; inside a request it
is time the caller waits for a message nobody needs before the answer. The lifecycle
engine and EventBridge's dispatch hand their sends (closures made on commit) to one
`Publisher` per process (`hand_over`), whose thread sends them in order. The queue is
bounded: when it is full (a broker that does not answer, a flood of calls), a send is
dropped and logged. A lifecycle row is then advanced by the beat sweep
(`services.core.lifecycle.sweep`, every few seconds) when it is due, as for any lost
message; a dropped batch of events is lost, as when the broker is down. A process
that exits sends what is queued first, for a few seconds at most.

With `CELERY_TASK_ALWAYS_EAGER` a send runs the task itself, on the database: then it
runs inline, in the thread (and connection) that committed.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Send = Callable[[], None]


class Publisher:
    """A bounded queue of sends and the daemon thread that runs them, made again in a
    forked child (gunicorn's workers fork from a preloaded master)."""

    def __init__(self, name: str, limit: int = 10_000) -> None:
        self.name = name
        self.limit = limit
        self.dropped = 0
        self._lock = threading.Lock()
        self._pid = 0
        self._queue: queue.Queue[Send] = queue.Queue(limit)
        self._thread: threading.Thread | None = None

    def submit(self, send: Send) -> bool:
        """Queue `send`; False if the queue is full and it was dropped."""
        self._started()
        try:
            self._queue.put_nowait(send)
        except queue.Full:
            self.dropped += 1
            log.warning("%s: queue full, a message dropped; the sweep moves its rows", self.name)
            return False
        return True

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued send has run; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline or not self._alive():
                return False
            time.sleep(0.002)
        return True

    def _alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def _started(self) -> None:
        if self._alive():
            return
        with self._lock:
            if self._alive():
                return
            if self._pid != os.getpid():
                # A forked child: the parent's queued sends are the parent's to send.
                self._queue = queue.Queue(self.limit)
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, args=(self._queue,), name=self.name, daemon=True
            )
            self._thread.start()

    def _run(self, sends: queue.Queue[Send]) -> None:
        while True:
            send = sends.get()
            try:
                send()
            except Exception:  # the sends log their own broker errors; this is a bug
                log.exception("%s: a send failed", self.name)
            finally:
                sends.task_done()


lifecycle_messages = Publisher("lifecycle-publisher")


def send_on_commit(send: Send) -> None:
    """Once the current transaction commits (at once outside one), `hand_over` `send`:
    the call answers without waiting on Redis."""
    from django.db import transaction

    transaction.on_commit(lambda: hand_over(send))


def hand_over(send: Send) -> None:
    """Send a worker message from the process's publisher thread, or inline when tasks
    are eager (they then run on the database, in the connection that committed). Call it
    once the message's transaction has committed."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        send()
    else:
        lifecycle_messages.submit(send)


@atexit.register
def _drain() -> None:
    lifecycle_messages.flush(timeout=3.0)
