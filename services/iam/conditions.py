"""Condition operators of the IAM policy language, as AWS documents them.

A test is `{operator: {key: [values]}}`. The operators are the String, Numeric, Date,
Bool, Binary, IP address and ARN families and Null; each but Null takes an `IfExists`
suffix, and each may take a `ForAnyValue:` or `ForAllValues:` prefix for keys with many
values. The rules for a key missing from the request (condition operators reference,
"Important"): a positive test is false, a negated one (StringNotEquals, NotIpAddress,
ArnNotLike, ...) is true, `...IfExists` is true, ForAllValues is true, ForAnyValue false.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import ipaddress
import re
from collections.abc import Callable, Sequence

from services.core import describe

Matcher = Callable[[str, str], bool]  # (request value, policy value) -> match


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str) -> describe.Wildcard:
    # Not a regular expression: a policy value of many `*` would make one backtrack
    # for ever on a long request value.
    return describe.Wildcard(pattern, escapes=False)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """`*` matches any run of characters, `?` any one character."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    if ignore_case:
        return _glob(pattern.lower()).match(value.lower())
    return _glob(pattern).match(value)


def arn_match(pattern: str, value: str) -> bool:
    """Each of the six colon-separated parts of an ARN is matched on its own, with
    wildcards that do not cross into the next part; the last part keeps its colons."""
    if pattern == "*":
        return True
    want, have = pattern.split(":", 5), value.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        return False
    return all(glob_match(w, h) for w, h in zip(want, have, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_date(text: str) -> dt.datetime | None:
    """An ISO 8601 date or time, or seconds since the epoch (as aws:EpochTime)."""
    text = text.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return dt.datetime.fromtimestamp(float(text), dt.UTC)
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _compare(parse: Callable[[str], object], test: Callable[[object, object], bool]) -> Matcher:
    def match(value: str, wanted: str) -> bool:
        a, b = parse(value), parse(wanted)
        return a is not None and b is not None and test(a, b)

    return match


def _ip(value: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(value.strip()) in ipaddress.ip_network(
            network.strip(), strict=False
        )
    except ValueError:
        return False


def _binary(value: str, wanted: str) -> bool:
    try:
        return base64.b64decode(value, validate=True) == base64.b64decode(wanted, validate=True)
    except (binascii.Error, ValueError):
        return value == wanted


_BOOL = {"true", "false"}

# base operator -> (matcher, negated): a negated operator is true when no value matches.
OPERATORS: dict[str, tuple[Matcher, bool]] = {
    "StringEquals": (lambda v, p: v == p, False),
    "StringNotEquals": (lambda v, p: v == p, True),
    "StringEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda v, p: v.lower() == p.lower(), True),
    "StringLike": (lambda v, p: glob_match(p, v), False),
    "StringNotLike": (lambda v, p: glob_match(p, v), True),
    "NumericEquals": (_compare(_number, lambda a, b: a == b), False),
    "NumericNotEquals": (_compare(_number, lambda a, b: a == b), True),
    "NumericLessThan": (_compare(_number, lambda a, b: a < b), False),
    "NumericLessThanEquals": (_compare(_number, lambda a, b: a <= b), False),
    "NumericGreaterThan": (_compare(_number, lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_compare(_number, lambda a, b: a >= b), False),
    "DateEquals": (_compare(parse_date, lambda a, b: a == b), False),
    "DateNotEquals": (_compare(parse_date, lambda a, b: a == b), True),
    "DateLessThan": (_compare(parse_date, lambda a, b: a < b), False),
    "DateLessThanEquals": (_compare(parse_date, lambda a, b: a <= b), False),
    "DateGreaterThan": (_compare(parse_date, lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_compare(parse_date, lambda a, b: a >= b), False),
    "Bool": (lambda v, p: v.lower() in _BOOL and v.lower() == p.lower(), False),
    "BinaryEquals": (_binary, False),
    "IpAddress": (_ip, False),
    "NotIpAddress": (_ip, True),
    "ArnEquals": (lambda v, p: arn_match(p, v), False),
    "ArnLike": (lambda v, p: arn_match(p, v), False),
    "ArnNotEquals": (lambda v, p: arn_match(p, v), True),
    "ArnNotLike": (lambda v, p: arn_match(p, v), True),
}

# Operators whose policy values may hold policy variables (${aws:username}).
VARIABLE_OPERATORS = frozenset(name for name in OPERATORS if name.startswith(("String", "Arn")))


def split_operator(operator: str) -> tuple[str, str, bool]:
    """`ForAnyValue:StringLikeIfExists` -> ("ForAnyValue", "StringLike", True)."""
    qualifier, sep, rest = operator.partition(":")
    if not sep:
        qualifier, rest = "", operator
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest[: -len("IfExists")] if if_exists else rest
    return qualifier, base, if_exists


def known_operator(operator: str) -> bool:
    qualifier, base, if_exists = split_operator(operator)
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        return False
    if base == "Null":
        return not if_exists and not qualifier
    return base in OPERATORS


def test(operator: str, request_values: Sequence[str] | None, policy_values: Sequence[str]) -> bool:
    """Whether one condition key test holds. `request_values` is None when the request
    context has no such key, else its values (one for a single-valued key)."""
    qualifier, base, if_exists = split_operator(operator)
    if base == "Null":
        # {"Null": {"key": "true"}}: true when the key is absent.
        absent = not request_values
        return any((p.lower() == "true") == absent for p in policy_values)
    matcher, negated = OPERATORS[base]
    if request_values is None or (qualifier and not request_values):
        if if_exists:
            return True
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return negated

    def one(value: str) -> bool:
        hit = any(matcher(value, p) for p in policy_values)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(v) for v in request_values)
    if qualifier == "ForAnyValue":
        return any(one(v) for v in request_values)
    # Without a set operator, a positive test holds when any value matches; a negated
    # one when none does.
    if negated:
        return all(one(v) for v in request_values)
    return any(one(v) for v in request_values)
