"""Row locks of the simulated cloud, and the one order every write takes them in.

Two transactions that lock the same two rows in opposite orders wait on each other
until PostgreSQL kills one with a deadlock. So an operation takes its row locks in this
order, and never goes back to an earlier rank once it holds a later one:

1. the account row (`lock_account`): region-wide quotas (VPCs, Elastic IPs, running
   instances), client tokens, access keys of the root user;
2. resources by the rank of their type, containers first (`ranks()`: IAM groups before
   users, a VPC before its subnets, an instance before its volumes and addresses);
3. rows of one type by primary key, ascending (`rows` orders its query that way).

So an operation that may need the account lock takes it first, even when it turns out
not to need it (StartInstances of an instance that is already running).

Every lock is FOR NO KEY UPDATE. It keeps other writers of the row out, but not the
inserts of rows that refer to it: a foreign key makes PostgreSQL take FOR KEY SHARE on
the referenced row, which FOR UPDATE would block. That is how CreateNetworkInterface
(holding the subnet, inserting its audit event under the account) and RunInstances
(holding the account, waiting for the subnet) used to deadlock. We never change a
primary key, so the weaker lock loses nothing.

With `settings.STRATOLAB_CHECK_LOCK_ORDER` (on in the test suite) a lock taken out of
order inside an operation raises `LockOrderError`, so a new operation that breaks the
order fails its own tests instead of deadlocking under load. If a deadlock or a
serialization failure still happens, the operation layer retries the call
(`operations.call`), then answers the error of `conflict_error`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Model, QuerySet

from services.core import errors
from services.core.context import CallContext
from services.core.errors import AwsError

# The ranks each service declares next to its models (`declare`), in declaration
# order: (model labels, the label they come right after, the label they come right
# before). The account row comes first of all.
_declared: list[tuple[tuple[str, ...], str, str]] = []
_order: list[tuple[str, ...]] = []  # the resolved order, cached (one element: the tuple)
_index: dict[str, int] = {}  # label -> rank, of the cached order


def declare(*labels: str, after: str = "", before: str = "") -> None:
    """Rank rows of the models `labels` ("vpc.Vpc", ...) in this order: right after the
    model `after`, or right before `before`, or (neither) after everything declared so
    far. A service declares its own models, containers first, and places them relative
    to other services' models it is locked with (EC2: an instance before its network
    interfaces). A model that is locked must be ranked."""
    _declared.append((tuple(labels), after, before))
    _order.clear()
    _index.clear()


def ranks() -> tuple[str, ...]:
    """Model labels, in the order their rows are locked."""
    if not _order:
        order = ["core.Account"]
        waiting = list(_declared)
        while waiting:
            placed = False
            for entry in list(waiting):
                labels, after, before = entry
                anchor = after or before
                if anchor and anchor not in order:
                    continue  # its anchor is declared later
                fresh = [label for label in labels if label not in order]
                if not anchor:
                    at = len(order)
                else:
                    at = order.index(anchor) + (1 if after else 0)
                order[at:at] = fresh
                waiting.remove(entry)
                placed = True
            if not placed:  # an anchor nobody declares: after everything
                labels = waiting.pop(0)[0]
                order += [label for label in labels if label not in order]
        _order.append(tuple(order))
        _index.update((label, n) for n, label in enumerate(order))
    return _order[0]


def _ranks() -> dict[str, int]:
    ranks()
    return _index


# SQLSTATEs PostgreSQL aborts a transaction with when concurrent ones collide.
DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"


class LockOrderError(RuntimeError):
    """A row lock taken against the order of this module (a bug of ours)."""


class Moved(Exception):
    """A row changed between reading it (to learn what to lock) and locking it, so the
    locks taken are not the ones the call needs: the operation layer runs it again."""


# The ranks locked so far by the operation running in this thread (None: outside one).
_held: contextvars.ContextVar[list[tuple[int, str]] | None] = contextvars.ContextVar(
    "stratolab_locks_held", default=None
)


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Track the locks of one operation's transaction (operations.call opens it); a
    nested operation shares the scope of the one that called it."""
    if _held.get() is not None:
        yield
        return
    token = _held.set([])
    try:
        yield
    finally:
        _held.reset(token)


def reset() -> None:
    """Forget the locks noted in this scope (its transaction was rolled back)."""
    held = _held.get()
    if held is not None:
        held.clear()


def rank(model: type[Model]) -> int:
    """Where rows of `model` come in the lock order (unranked models last)."""
    return _ranks().get(model._meta.label, len(ranks()))


def _note(model: type[Model]) -> None:
    label = model._meta.label
    if not getattr(settings, "STRATOLAB_CHECK_LOCK_ORDER", False):
        return
    rank = _ranks().get(label)
    if rank is None:
        raise LockOrderError(
            f"{label} is locked but has no rank: declare it next to its model "
            "(services.core.locks.declare)"
        )
    held = _held.get()
    if held is None:
        return
    if any(r == rank for r, _ in held):
        return  # this type is locked already (a helper locking the same row again)
    later = [name for r, name in held if r > rank]
    if later:
        raise LockOrderError(f"{label} locked after {', '.join(sorted(set(later)))}")
    held.append((rank, label))


def rows(qs: QuerySet) -> QuerySet:
    """`qs` locking its rows (FOR NO KEY UPDATE of its own table only) in primary key
    order. Call it where the query is about to run: the lock is noted at once."""
    _note(qs.model)
    return qs.select_for_update(no_key=True, of=("self",)).order_by("pk")


def lock_account(ctx: CallContext) -> None:
    """Lock the caller's account row: serialises the account's quota checks and client
    tokens. Always the first lock of an operation that takes it."""
    from services.core.models import Account

    list(rows(Account.objects.filter(pk=ctx.account.pk)).values_list("pk"))


def is_conflict(exc: BaseException) -> bool:
    """Whether `exc` is PostgreSQL aborting a transaction for a deadlock or a
    serialization failure (a retry may succeed), or `Moved`."""
    if isinstance(exc, Moved):
        return True
    if not isinstance(exc, DatabaseError):
        return False
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in (DEADLOCK, SERIALIZATION_FAILURE)


def conflict_error(service: str) -> AwsError:
    """What AWS answers a request that collided with others, per service: IAM's
    ConcurrentModification, EC2's RequestLimitExceeded, S3's SlowDown, and the throttling
    error of JSON and query services (which the SDKs retry)."""
    from services.core import shapes

    if service == "iam":
        return errors.ConcurrentModification(
            "The request was rejected because multiple requests to change this object were "
            "submitted simultaneously. Wait a few minutes and submit your request again."
        )
    protocol = shapes.service_model(service).protocol if service else "ec2"
    if protocol == "ec2":
        return errors.RequestLimitExceeded("Request limit exceeded.")
    if protocol == "rest-xml":
        return errors.SlowDown("Please reduce your request rate.")
    if protocol == "json":
        return errors.ThrottlingException("Rate exceeded")
    return errors.Throttling("Rate exceeded")
