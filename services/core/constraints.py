"""What a broken database constraint means in AWS's words, declared once per constraint.

Invariants live in PostgreSQL (one key pair per name, no overlapping subnets, one gateway
per VPC): the operation checks first and gives the friendly AWS error, and the constraint
makes it true when calls race. The loser of such a race gets an IntegrityError out of the
operation's transaction; `operations.call` hands it here, and the error declared for the
constraint's name is what the caller sees. Likewise a delete that Django refuses because
a row still refers to it (a `PROTECT` foreign key: ProtectedError) is AWS's
DependencyViolation, in the words the model's service declares with `on_protected`.

An IntegrityError of a constraint nobody declared stays an InternalFailure, logged: it is
a bug (a missing pre-check or a missing declaration), not an answer.

    constraints.on_violation(KeyPair, "key_pair_name_unique",
                             lambda v: duplicate(v.row.key_name))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, connection
from django.db.models import Model
from django.db.models.deletion import ProtectedError
from django.db.models.signals import pre_save

from services.core import errors
from services.core.context import CallContext
from services.core.errors import AwsError


@dataclass(frozen=True)
class Violation:
    """A constraint a call broke: its name, the call's parameters (after validation),
    the row of the constraint's model the call was saving when it broke (None for a
    queryset update, which saves no instance) and the call's context (who called: S3
    answers BucketAlreadyOwnedByYou to the winner's own account)."""

    constraint: str
    params: dict
    row: Model | None = None
    ctx: CallContext | None = None


ViolationError = Callable[[Violation], AwsError]
# The error for deleting the row with this AWS id while others still refer to it.
DependencyError = Callable[[str], AwsError]


@dataclass
class _Declared:
    model: type[Model]
    error: ViolationError


_by_name: dict[str, _Declared] = {}
# Constraints declared by a unique field's name rather than a constraint's: PostgreSQL
# names those itself, so their real names are read from the database when one breaks.
_by_field: dict[tuple[str, str], _Declared] = {}
_dependencies: dict[type[Model], DependencyError] = {}


def on_violation(model: type[Model], name: str, error: ViolationError) -> None:
    """Declare that breaking `model`'s constraint `name` (a name from its Meta, or the
    name of a `unique=True` field) is the AwsError `error(violation)` gives."""
    declared = _Declared(model, error)
    if any(c.name == name for c in model._meta.constraints):
        _by_name[name] = declared
    else:
        model._meta.get_field(name)  # a typo fails at import, not in a race
        _by_field[(model._meta.db_table, name)] = declared


def on_protected(model: type[Model], error: DependencyError) -> None:
    """Declare the error for deleting a `model` row that a PROTECT foreign key still
    holds (another call added the dependent row after the operation's own check)."""
    _dependencies[model] = error


def dependency_violation(resource_id: str) -> AwsError:
    """EC2's words for a resource that others still depend on, for the models that
    declare nothing else."""
    return errors.DependencyViolation(f"resource {resource_id} has a dependent object")


def has_dependencies(kind: str) -> DependencyError:
    """EC2's words for a VPC-like resource in use: "The vpc 'vpc-1' has dependencies and
    cannot be deleted." (`kind` as AWS spells it: vpc, subnet, networkAcl)."""

    def error(resource_id: str) -> AwsError:
        return errors.DependencyViolation(
            f"The {kind} '{resource_id}' has dependencies and cannot be deleted."
        )

    return error


def dependency_error(model: type[Model], resource_id: str) -> AwsError:
    """The error declared for deleting a `model` row others depend on, for the
    operation's own check that finds the dependants first."""
    return _dependencies.get(model, dependency_violation)(resource_id)


# --- which row a call was saving ----------------------------------------------------------


# The rows the running call saved, last of each model (None outside a call).
_saving: ContextVar[dict[type[Model], Model] | None] = ContextVar("saving", default=None)


def _remember(sender: type[Model], instance: Model, **kwargs: object) -> None:
    rows = _saving.get()
    if rows is not None:
        rows[sender] = instance


pre_save.connect(_remember, dispatch_uid="services.core.constraints")


class watching:
    """Around one call's transaction: remember the last row of each model it saves, so
    that the error for a broken constraint can name what was being written (`rows`)."""

    def __init__(self) -> None:
        self.rows: dict[type[Model], Model] = {}

    def __enter__(self) -> watching:
        self._token = _saving.set(self.rows)
        return self

    def __exit__(self, *exc: object) -> None:
        _saving.reset(self._token)


# --- the translation ----------------------------------------------------------------------


def translate(
    exc: BaseException,
    params: dict,
    rows: dict | None = None,
    ctx: CallContext | None = None,
) -> AwsError | None:
    """The AwsError declared for `exc` (an IntegrityError or a ProtectedError), or None
    when nothing is declared for it."""
    if isinstance(exc, ProtectedError):
        return _protected(exc)
    if not isinstance(exc, IntegrityError):
        return None
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if not name:
        return None
    if getattr(exc.__cause__, "sqlstate", None) == _FOREIGN_KEY_VIOLATION:
        return _foreign_key(diag, rows or {})
    declared = _by_name.get(name) or _field_constraint(getattr(diag, "table_name", None), name)
    if declared is None:
        return None
    row = (rows or {}).get(declared.model)
    return declared.error(Violation(name, params, row, ctx))


_FOREIGN_KEY_VIOLATION = "23503"
# PostgreSQL's details: a delete of a row others still refer to, and a row that refers
# to one that is gone.
_STILL_REFERENCED = re.compile(r"^Key \((\w+)\)=\((.+)\) is still referenced from table")
_NOT_PRESENT = re.compile(r"^Key \((\w+)\)=\((.+)\) is not present in table")


def _model_of(table: str | None) -> type[Model] | None:
    return next((m for m in apps.get_models() if m._meta.db_table == table), None)


def _foreign_key(diag: object, rows: dict) -> AwsError | None:
    """A foreign key PostgreSQL checked at commit, after a racing call changed the other
    side. A delete of a row another call made refer to it: the deleted model's dependency
    error, as for a ProtectedError. A row saved into one another call deleted: the
    not-found error of the one that is gone (DeleteVpc won over CreateSubnet)."""
    table = getattr(diag, "table_name", None) or ""
    info = _table_constraints(table).get(getattr(diag, "constraint_name", None) or "", {})
    target = _model_of((info.get("foreign_key") or (None,))[0])
    detail = getattr(diag, "message_detail", None) or ""
    if target is None:
        return None
    if key := _STILL_REFERENCED.match(detail):
        return dependency_error(target, _resource_id(target, key.group(2)))
    source = _model_of(table)
    row = rows.get(source) if source is not None else None
    columns = info.get("columns") or ()
    if not _NOT_PRESENT.match(detail) or row is None or len(columns) != 1:
        return None
    field = next((f for f in source._meta.concrete_fields if f.column == columns[0]), None)
    # The referenced object the operation assigned is still on the row it saved.
    gone = field.get_cached_value(row, None) if field is not None else None
    if gone is None or not hasattr(target, "not_found"):
        return None
    return target.not_found(getattr(gone, "resource_id", str(gone.pk)))


def _resource_id(model: type[Model], pk: object) -> str:
    """The AWS id of `model`'s row `pk` (the pk itself for a model without one)."""
    if not any(f.name == "resource_id" for f in model._meta.concrete_fields):
        return str(pk)
    found = model._default_manager.filter(pk=pk).values_list("resource_id", flat=True).first()
    return str(found or pk)


_introspected: dict[str, dict[str, dict]] = {}


def _table_constraints(table: str) -> dict[str, dict]:
    """The constraints of `table` as the database has them (names PostgreSQL chose)."""
    if table and table not in _introspected:
        with connection.cursor() as cursor:
            _introspected[table] = connection.introspection.get_constraints(cursor, table)
    return _introspected.get(table, {})


def _field_constraint(table: str | None, name: str) -> _Declared | None:
    """The declaration for a unique field whose constraint PostgreSQL named `name`."""
    if not table or not any(t == table for t, _ in _by_field):
        return None
    columns = _table_constraints(table).get(name, {}).get("columns") or ()
    for (declared_table, field_name), declared in _by_field.items():
        if declared_table == table and len(columns) == 1:
            if declared.model._meta.get_field(field_name).column == columns[0]:
                return declared
    return None


# Django's words: "... referenced through protected foreign keys: 'Subnet.vpc'."
_PROTECTED_BY = re.compile(r"'(\w+)\.(\w+)'")


def _protected(exc: ProtectedError) -> AwsError | None:
    """DependencyViolation (or what the deleted model declares) for the row a PROTECT
    foreign key of the dependent rows points at."""
    held = set(_PROTECTED_BY.findall(str(exc.args[0]) if exc.args else ""))
    for obj in exc.protected_objects:
        for f in obj._meta.concrete_fields:
            if f.remote_field is None or (type(obj).__name__, f.name) not in held:
                continue
            target = f.related_model
            return dependency_error(target, _resource_id(target, getattr(obj, f.attname)))
    return None
