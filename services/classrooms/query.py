"""The small query language of lab checks, over the data the Describe/List operations
return (plain dicts and lists, as the AWS API shapes them).

A *path* names values inside an item: ``"State.Name"``, ``"IpPermissions.IpRanges.CidrIp"``.
Lists met on the way are flattened, so a path always yields a list of values.

A *where* is a table of ``path = matcher``; an item passes when every matcher holds
for the values its path yields. A matcher is:

- a literal: some value equals it (``State.Name = "running"``);
- a table of operators: ``eq``, ``ne`` (no value equals), ``in``, ``not_in`` (no value is
  in), ``matches`` (a regular expression, searched), ``gt``/``gte``/``lt``/``lte``,
  ``in_set`` (some value is in a named set), ``exists`` (true: at least one value),
  ``count`` (how many values: a number or a table of operators), ``any``/``all``/``none``
  (of the values, each tested with a where table, for dicts, or a matcher). Operators in
  one table must all hold. ``all`` is false on no values: "all rules are /32" needs a rule.

A where table may also hold ``any_of = [where, where, ...]``: one of them must hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

OPERATORS = {
    "eq", "ne", "in", "not_in", "matches", "gt", "gte", "lt", "lte",
    "in_set", "exists", "count", "any", "all", "none",
}  # fmt: skip

Sets = Mapping[str, set]


class QueryError(ValueError):
    """A check the lab author wrote wrongly (an unknown operator, a bad regex)."""


def values(item: Any, path: str) -> list:
    """The values `path` names in `item`, with lists flattened on the way."""
    current = item if isinstance(item, list) else [item]
    if path in ("", "."):
        return _flatten(current)
    for part in path.split("."):
        part = part.removesuffix("[]")
        found = []
        for value in _flatten(current):
            if isinstance(value, Mapping) and part in value and value[part] is not None:
                found.append(value[part])
        current = found
    return _flatten(current)


def _flatten(items: list) -> list:
    out: list = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def is_operator_table(matcher: Any) -> bool:
    return isinstance(matcher, Mapping) and bool(matcher) and set(matcher) <= OPERATORS


def where(item: Any, conditions: Mapping[str, Any] | None, sets: Sets) -> bool:
    """Whether `item` meets every `path = matcher` of `conditions`. The key `any_of`
    holds a list of where tables, one of which must hold (an "or")."""
    for path, matcher in (conditions or {}).items():
        if path == "any_of":
            if not any(where(item, alternative, sets) for alternative in matcher):
                return False
            continue
        if not match(values(item, path), matcher, sets):
            return False
    return True


def match(found: list, matcher: Any, sets: Sets) -> bool:
    """Whether the values `found` satisfy `matcher`."""
    if not is_operator_table(matcher):
        if isinstance(matcher, Mapping):
            raise QueryError(f"unknown operator in {dict(matcher)!r}; known: {sorted(OPERATORS)}")
        return any(_equal(v, matcher) for v in found)
    return all(_operator(found, op, arg, sets) for op, arg in matcher.items())


def _each(value: Any, matcher: Any, sets: Sets) -> bool:
    if isinstance(matcher, Mapping) and not is_operator_table(matcher):
        return where(value, matcher, sets)
    return match([value], matcher, sets)


def _operator(found: list, op: str, arg: Any, sets: Sets) -> bool:
    if op == "eq":
        return any(_equal(v, arg) for v in found)
    if op == "ne":
        return not any(_equal(v, arg) for v in found)
    if op == "in":
        return any(_equal(v, a) for v in found for a in arg)
    if op == "not_in":
        return not any(_equal(v, a) for v in found for a in arg)
    if op == "matches":
        try:
            pattern = re.compile(arg)
        except re.error as exc:
            raise QueryError(f"bad regular expression {arg!r}: {exc}") from exc
        return any(pattern.search(str(v)) for v in found)
    if op in ("gt", "gte", "lt", "lte"):
        return any(_compare(v, op, arg) for v in found)
    if op == "in_set":
        if arg not in sets:
            raise QueryError(f"no set named {arg!r}")
        return any(v in sets[arg] for v in found)
    if op == "exists":
        return bool(found) == bool(arg)
    if op == "count":
        if isinstance(arg, Mapping):
            return match([len(found)], arg, sets)
        return len(found) == arg
    if op == "any":
        return any(_each(v, arg, sets) for v in found)
    if op == "all":
        return bool(found) and all(_each(v, arg, sets) for v in found)
    if op == "none":
        return not any(_each(v, arg, sets) for v in found)
    raise QueryError(f"unknown operator {op!r}")


def _equal(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return value is expected or str(value).lower() == str(expected).lower()
    if isinstance(expected, int | float) and not isinstance(value, int | float):
        try:
            return float(value) == float(expected)
        except (TypeError, ValueError):
            return False
    return value == expected


def _compare(value: Any, op: str, arg: Any) -> bool:
    try:
        left, right = float(value), float(arg)
    except (TypeError, ValueError):
        return False
    return {
        "gt": left > right,
        "gte": left >= right,
        "lt": left < right,
        "lte": left <= right,
    }[op]
