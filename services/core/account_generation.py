"""In-process caches that are never stale: each entry carries the generation of its
account, a counter PostgreSQL bumps itself (triggers of core migration 0004) whenever
an access key is deactivated, changed or deleted, the account row changes, or the
account's classroom membership or limits change. A hit costs one indexed statement,
read in the same database as the change, so a deactivated key fails on the very next
call whichever process (or tool, or psql session) made the change.

    cache = AccountCache("credentials")
    hit = cache.get(key)            # the value, or None (unknown, or outdated)
    generation = current(account)   # read BEFORE loading what is cached (or in the
    cache.put(key, account, generation, value)   # same query: annotation()), so a
                                                 # change racing the load outdates it

The first statement of an AWS door call is a generation read, so it also stands in for
Django's connection health check (CONN_HEALTH_CHECKS' extra `SELECT 1`): a connection
found dead outside a transaction is reopened and the read made once more.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from django.db import InterfaceError, OperationalError, connection
from django.db.models.expressions import RawSQL

T = TypeVar("T")

_READ = "SELECT COALESCE(SUM(n), 0) FROM core_account_generation WHERE account_id IN (%s, '')"


def current(account_id: str) -> int:
    """The account's generation now (plus the epoch). Outside a transaction this is the
    request's first statement: it checks the connection as Django's health check would,
    without a statement of its own."""
    if not connection.in_atomic_block:
        # This read is the health check: a dead connection is reopened below.
        connection.health_check_done = True
        try:
            return _read(account_id)
        except (InterfaceError, OperationalError):
            connection.close()
    return _read(account_id)


def _read(account_id: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_READ, [account_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def annotation(account_column: str) -> RawSQL:
    """The generation as a column of a query over a table with `account_column`, for a
    cache filled from that query: the row and its generation come from one snapshot."""
    return RawSQL(_READ.replace("%s", account_column), [])


# The generation an Account object was checked at, set on the per-call copy the AWS
# door hands to its CallContext: later checks in the same call (the classroom guard)
# compare with it instead of reading it again.
_CHECKED = "_stratolab_generation"


def mark_checked(account: object, generation: int) -> None:
    setattr(account, _CHECKED, generation)


def checked(account: object) -> int | None:
    """The generation `account` (this call's copy) was checked at, if it was."""
    return getattr(account, _CHECKED, None)


class AccountCache(Generic[T]):
    """A bounded per-process map from a key to (account, generation, value)."""

    def __init__(self, name: str, limit: int = 20_000) -> None:
        self.name = name
        self.limit = limit
        self._entries: dict[object, tuple[str, int, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: object, *, known: int | None = None) -> T | None:
        """The value cached for `key` if its account's generation has not moved.
        `known`: the generation this call has already read (see `checked`), which
        spares the read."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        account_id, generation, value = entry
        if (known if known is not None else current(account_id)) != generation:
            self.discard(key)
            return None
        return value

    def get_checked(self, key: object) -> tuple[T, int] | None:
        """(value, generation) as `get`, for a caller that passes the generation on."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        account_id, generation, value = entry
        if current(account_id) != generation:
            self.discard(key)
            return None
        return value, generation

    def put(self, key: object, account_id: str, generation: int, value: T) -> None:
        """Keep `value`, unless it was read inside a transaction: what a transaction
        reads (and the generation it sees) may be its own uncommitted work, which a
        rollback takes back while the counter returns to a number a later change reuses."""
        if connection.in_atomic_block:
            return
        with self._lock:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            self._entries[key] = (account_id, generation, value)

    def discard(self, key: object) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
