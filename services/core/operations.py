"""The operation layer: one function per AWS action, and the one way to call it.

Every door calls `call(ctx, service, action, params)`. The call authorizes, validates
against botocore's model, runs the function in one transaction, and writes one audit
event whether it succeeded or failed. Functions take and return data in the shapes of
the AWS API and raise `AwsError` for bad input.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.transaction import TransactionManagementError

from services.core import audit, authz, constraints, errors, locks, shapes
from services.core.context import CallContext
from services.core.errors import INTERNAL_FAILURE, AwsError
from services.core.regions import is_region

log = logging.getLogger(__name__)

OperationFunc = Callable[[CallContext, dict], dict]


@dataclass(frozen=True)
class Operation:
    service: str  # botocore's service name: ec2, s3, iam, cloudtrail
    action: str  # the AWS action: CreateVolume
    func: OperationFunc
    iam_prefix: str  # the IAM action prefix: ec2, s3, iam
    read_only: bool
    global_service: bool
    # False for the few actions AWS lets anyone call (sts:GetCallerIdentity).
    needs_permission: bool = True
    # The IAM action when it is not the API action's name (S3: ListObjectsV2 is
    # s3:ListBucket, HeadObject is s3:GetObject).
    iam_name: str = ""

    @property
    def iam_action(self) -> str:
        return self.iam_name or f"{self.iam_prefix}:{self.action}"

    @property
    def event_source(self) -> str:
        return f"{self.iam_prefix}.amazonaws.com"


_registry: dict[tuple[str, str], Operation] = {}

# Checks every call passes before IAM authorization, except Stratolab's own (door
# "system"): classroom limits register one. A guard raises AwsError to refuse the call.
Guard = Callable[[CallContext, Operation, dict], None]
_guards: list[Guard] = []
_transaction_guards: list[Guard] = []


def add_guard(guard: Guard, *, in_transaction: bool = False) -> None:
    """Register `guard(ctx, op, params)` to run before every non-system call. With
    `in_transaction` it runs inside the call's transaction, just before the operation:
    a limit it counts under a row lock (services.core.locks) then holds against
    concurrent calls, as the operations' own quotas do."""
    guards = _transaction_guards if in_transaction else _guards
    if guard not in guards:
        guards.append(guard)


_READ_PREFIXES = ("Describe", "List", "Get", "Lookup", "Head")


def operation(
    service: str,
    action: str,
    *,
    iam_prefix: str | None = None,
    read_only: bool | None = None,
    global_service: bool = False,
    needs_permission: bool = True,
    iam_action: str = "",
) -> Callable[[OperationFunc], OperationFunc]:
    """Register `func` as the implementation of `service`'s `action`. `iam_action` names
    the IAM action it is authorized as when that is not `<iam_prefix>:<action>`."""

    def register(func: OperationFunc) -> OperationFunc:
        key = (service, action)
        if key in _registry:
            raise RuntimeError(f"{service}:{action} is registered twice")
        _registry[key] = Operation(
            service=service,
            action=action,
            func=func,
            iam_prefix=iam_prefix or service,
            read_only=action.startswith(_READ_PREFIXES) if read_only is None else read_only,
            global_service=global_service,
            needs_permission=needs_permission,
            iam_name=iam_action,
        )
        return func

    return register


def get(service: str, action: str) -> Operation | None:
    return _registry.get((service, action))


def registered(service: str | None = None) -> list[Operation]:
    return [op for op in _registry.values() if service is None or op.service == service]


def _permit(ctx: CallContext, op: Operation, params: dict) -> None:
    """The guards and IAM authorization every call passes before it runs."""
    if ctx.door != "system":
        for guard in _guards:
            guard(ctx, op, params)
    if op.needs_permission:
        authz.authorize(ctx, op.iam_action, [], params)


def authorize(
    ctx: CallContext, service: str, action: str, params: dict | None = None, *, record: bool = True
) -> None:
    """Raise the AwsError `call(ctx, service, action, params)` would raise before it
    runs (a classroom limit, AccessDenied, UnauthorizedOperation), else return.

    For a door that shows the result of a read without running it: the console's tables
    and details pages read their rows from the database, and pass here first so that
    they show what the Describe/List/Get call they stand for would. A denial is an
    audit event, as the denied call would be (`record=False`: a check of many actions
    at once, the console's search, writes none)."""
    op = get(service, action)
    if op is None:
        raise errors.InvalidAction(
            f"Stratolab does not simulate {service}:{action} yet.", status=501
        )
    params = dict(params or {})
    try:
        _permit(ctx, op, params)
    except AwsError as error:
        if record:
            audit.record(ctx, op, params, error=error)
        raise


def call(ctx: CallContext, service: str, action: str, params: dict | None = None) -> dict:
    """Run one AWS action for `ctx`. Returns the response shape; raises AwsError."""
    params = dict(params or {})
    op = get(service, action)
    if op is None:
        code = errors.NotImplemented if service else errors.InvalidAction
        raise code(
            f"Stratolab does not simulate {service}:{action} yet.",
            501,
        )
    try:
        if not op.global_service and not is_region(ctx.region):
            raise errors.InvalidRegion(f"The region '{ctx.region}' does not exist.")
        params = shapes.prepare(service, action, params)
        _permit(ctx, op, params)
        if params.pop("DryRun", False):
            raise errors.DryRunOperation("Request would have succeeded, but DryRun flag is set.")
        return _run(ctx, op, params)
    except AwsError as error:
        audit.record(ctx, op, params, error=error)
        raise
    except Exception as exc:
        # A bug of ours must still reach the caller as an AWS error, never a traceback.
        log.exception("operation %s:%s failed", service, action)
        error = AwsError(*INTERNAL_FAILURE, 500)
        audit.record(ctx, op, params, error=error)
        raise error from exc


# A call PostgreSQL aborted for a deadlock or a serialization failure runs again, up to
# this many times in all, after a short random pause so the colliding calls spread out.
ATTEMPTS = 4


def _run(ctx: CallContext, op: Operation, params: dict) -> dict:
    """Run `op` and write its audit event in one transaction (see services.core.locks for
    the order its row locks are taken in). A read runs without one (`_read`)."""
    # Inside a caller's transaction a retry cannot help: the caller's locks stay held.
    outermost = not transaction.get_connection().in_atomic_block
    retry = outermost and _replayable(params)
    reading = op.read_only and retry
    for attempt in range(1, ATTEMPTS + 1):
        touched = len(ctx.resources)
        if reading:
            try:
                return _read(ctx, op, params)
            except (_NeedsTransaction, TransactionManagementError):
                # It writes or locks after all (Django refuses a SELECT ... FOR UPDATE
                # itself): nothing it did is kept; run it again as a write.
                del ctx.resources[touched:]
                reading = False
        saving = constraints.watching()
        try:
            with saving, locks.scope(), transaction.atomic():
                if ctx.door != "system":
                    for guard in _transaction_guards:
                        guard(ctx, op, params)
                result = op.func(ctx, params) or {}
                # The event is the transaction's last write, and its statement commits.
                audit.record(ctx, op, params, result=result, commit=outermost)
            return result
        except Exception as exc:
            if not locks.is_conflict(exc):
                # A constraint that decided a race, in the AWS words declared for it
                # (services.core.constraints); an undeclared one stays a bug.
                error = constraints.translate(exc, params, saving.rows, ctx)
                if error is not None:
                    raise error from exc
                raise
            del ctx.resources[touched:]
            if not retry or attempt == ATTEMPTS:
                log.warning("%s:%s gave up after a lock conflict: %s", op.service, op.action, exc)
                raise locks.conflict_error(op.service) from exc
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")


class _NeedsTransaction(BaseException):
    """A read-only call made a statement that writes or locks. A BaseException, so
    that no `except Exception` on the way swallows it before `_run` runs the call
    again in a transaction."""


# What a statement of a read may be: SELECT (or a WITH that only selects), no row locks.
_NOT_A_READ = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|LOCK|nextval|setval|pg_advisory\w*)\b"
    r"|\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b",
    re.IGNORECASE,
)


def _reads_only(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
    head = sql.lstrip(" \n\t(")[:6].upper()
    if not head.startswith(("SELECT", "WITH")) or _NOT_A_READ.search(sql):
        raise _NeedsTransaction()
    return execute(sql, params, many, context)


def _read(ctx: CallContext, op: Operation, params: dict) -> dict:
    """Run a read-only `op` in autocommit: its statements are SELECTs, each with its own
    snapshot as it would have under READ COMMITTED inside a transaction, and the audit
    INSERT commits itself, so the call costs no BEGIN and no COMMIT round trip. The
    first statement that would write or lock raises `_NeedsTransaction` before it is
    sent (nothing was changed yet), and `_run` runs the call again as a write."""
    connection = transaction.get_connection()
    with constraints.watching(), locks.scope(), connection.execute_wrapper(_reads_only):
        if ctx.door != "system":
            for guard in _transaction_guards:
                guard(ctx, op, params)
        result = op.func(ctx, params) or {}
    audit.record(ctx, op, params, result=result)
    return result


_PLAIN = (str, int, float, bool, bytes, type(None), dt.datetime, dt.date)


def _replayable(value: object) -> bool:
    """Whether `params` can be handed to a second attempt unchanged: plain data only, no
    request body stream that the first attempt consumed."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif not isinstance(item, _PLAIN):
            return False
    return True
