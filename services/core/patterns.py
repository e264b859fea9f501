"""AWS's event-pattern language: EventBridge rules' event patterns and SNS filter policies.

Both services compile patterns with the same engine (AWS's open-source "Event Ruler"), so
one module answers both: `validate_event_pattern` / `validate_filter_policy` check a
pattern the way the engine does, in its words and at the place it stops reading, and
`matches` / `filter_policy_matches` decide whether an event or a message is matched.

The checker reads the JSON text as a stream of tokens, as the engine does, so the first
problem reported is the one AWS reports first (a semantic error before a later syntax
error) and the location (`line: 1, column: 40`) is where AWS's JSON reader stood.

Matching follows the documented semantics: keys AND, values in an array OR; an array in
the event matches when any of its elements does (objects in arrays are matched element
by element, so two fields of one sub-pattern must come from the same element); strings,
numbers, booleans and null match only their own type; `exists` looks at leaf values.
Wildcards are matched segment by segment (no regular expression, nothing exponential).
"""

from __future__ import annotations

import copy
import ipaddress
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PatternError",
    "filter_policy_matches",
    "matches",
    "message_attributes_event",
    "validate_event_pattern",
    "validate_filter_policy",
]

MESSAGE_ATTRIBUTES = "MessageAttributes"
MESSAGE_BODY = "MessageBody"
SCOPES = (MESSAGE_ATTRIBUTES, MESSAGE_BODY)

# SNS's documented limits (subscription-filter-policy-constraints).
SNS_MAX_KEYS = 5
SNS_MAX_COMBINATIONS = 150
SNS_MAX_BYTES = 256 * 1024

# The match expressions the engine knows; none may be a field name inside "$or".
OPERATORS = (
    "exactly",
    "prefix",
    "suffix",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
    "equals-ignore-case",
    "wildcard",
)
OR = "$or"
NUMERIC_LIMIT = 5e9  # numeric comparisons cover -5e9..5e9
SOURCE_LIMIT = 500  # the JSON reader quotes at most this much of the source


class PatternError(ValueError):
    """A pattern AWS refuses. `message` is the whole text AWS answers with;
    `reason` is the engine's own sentence (without the location)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or message


# --- reading the JSON text as tokens --------------------------------------------------


class _Syntax(Exception):
    """The engine's complaint and where the reader stood (an offset into the text)."""

    def __init__(self, reason: str, offset: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


@dataclass
class _Token:
    kind: str  # { } [ ] name str int float true false null
    value: Any
    text: str
    end: int


_WS = " \t\r\n"
_LITERALS = {"true": True, "false": False, "null": None}
_VALUE_EXPECTED = (
    "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
)


def _char(c: str) -> str:
    return f"Unexpected character ('{c}' (code {ord(c)}))"


class _Reader:
    """A pull parser over JSON text with the wording of AWS's JSON reader."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.stack: list[str] = []  # "{" or "["
        # what may come next: "value", "value_or_end" (after "["), "name_or_end" (after
        # "{"), "name" (after "," in an object), "comma_or_end", "done"
        self.state = "value"
        self.last = 0  # where the last token ended

    def _peek(self) -> str:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WS:
            pos += 1
        self.pos = pos
        return text[pos] if pos < len(text) else ""

    def _fail(self, reason: str) -> None:
        # the reader has taken the character it complains about
        raise _Syntax(
            reason, self.pos + 1 if reason.startswith("Unexpected character") else self.pos
        )

    def next(self) -> _Token | None:
        token = self._next()
        if token is not None:
            self.last = token.end
        return token

    def _eof(self) -> None:
        if self.stack:
            kind = "Object" if self.stack[-1] == "{" else "Array"
            self._fail(f"Unexpected end-of-input: expected close marker for {kind}")
        self._fail("No content to map due to end-of-input")

    def _next(self) -> _Token | None:
        c = self._peek()
        state = self.state
        if state == "done":
            if c:
                self._fail(f"{_char(c)}: expected end-of-input")
            return None
        if not c:
            if state == "value" and not self.stack:
                return None  # no content at all
            self._eof()
        if state == "comma_or_end":
            marker = "}" if self.stack[-1] == "{" else "]"
            if c == marker:
                return self._close(marker)
            if c != ",":
                kind = "Object" if marker == "}" else "Array"
                self._fail(f"{_char(c)}: was expecting comma to separate {kind} entries")
            self.pos += 1
            state = self.state = "name" if marker == "}" else "value"
            c = self._peek()
            if not c:
                self._eof()
        if state in ("name_or_end", "name"):
            if c == "}" and state == "name_or_end":
                return self._close("}")
            if c != '"':
                self._fail(f"{_char(c)}: was expecting double-quote to start field name")
            name = self._string()
            found = self._peek()
            if found != ":":
                if not found:
                    self._eof()
                self._fail(
                    f"{_char(found)}: was expecting a colon to separate field name and value"
                )
            self.pos += 1
            self.state = "value"
            return _Token("name", name, name, self.pos)
        if state == "value_or_end" and c == "]":
            return self._close("]")
        return self._value(c)

    def _after_value(self) -> None:
        self.state = "comma_or_end" if self.stack else "done"

    def _close(self, marker: str) -> _Token:
        self.pos += 1
        self.stack.pop()
        self._after_value()
        return _Token(marker, None, marker, self.pos)

    def _value(self, c: str) -> _Token:
        if c in "{[":
            self.pos += 1
            self.stack.append(c)
            self.state = "name_or_end" if c == "{" else "value_or_end"
            return _Token(c, None, c, self.pos)
        if c == '"':
            text = self._string()
            self._after_value()
            return _Token("str", text, text, self.pos)
        if c == "-" or c.isdigit():
            token = self._number()
            self._after_value()
            return token
        if c.isalpha():
            start = self.pos
            while self.pos < len(self.text) and (
                self.text[self.pos].isalnum() or self.text[self.pos] in "_$"
            ):
                self.pos += 1
            word = self.text[start : self.pos]
            if word in _LITERALS:
                self._after_value()
                return _Token(word, _LITERALS[word], word, self.pos)
            self._fail(
                f"Unrecognized token '{word}': was expecting (JSON String, Number, Array, "
                "Object or token 'null', 'true' or 'false')"
            )
        self._fail(f"{_char(c)}: {_VALUE_EXPECTED}")
        raise AssertionError  # unreachable

    def _string(self) -> str:
        start = self.pos
        end = self.pos + 1
        text = self.text
        while True:
            if end >= len(text):
                self.pos = end
                self._fail("Unexpected end-of-input in VALUE_STRING")
            c = text[end]
            if c == "\\":
                end += 2
                continue
            if c == '"':
                break
            if ord(c) < 32:
                self.pos = end
                self._fail(
                    f"Illegal unquoted character (CTRL-CHAR, code {ord(c)}): has to be "
                    "escaped using backslash to be included in string value"
                )
            end += 1
        try:
            value = json.loads(text[start : end + 1])
        except ValueError:
            self.pos = end
            self._fail("Unrecognized character escape")
        self.pos = end + 1
        return value

    def _number(self) -> _Token:
        text, start = self.text, self.pos
        end = start
        if text[end] == "-":
            end += 1
        digits = end
        while end < len(text) and text[end].isdigit():
            end += 1
        if end == digits:
            self.pos = end
            found = text[end] if end < len(text) else " "
            self._fail(
                f"{_char(found)}: expected digit (0-9) to follow minus sign, "
                "for valid numeric value"
            )
        is_float = False
        if end < len(text) and text[end] == ".":
            is_float = True
            end += 1
            while end < len(text) and text[end].isdigit():
                end += 1
        if end < len(text) and text[end] in "eE":
            is_float = True
            end += 1
            if end < len(text) and text[end] in "+-":
                end += 1
            while end < len(text) and text[end].isdigit():
                end += 1
        self.pos = end
        literal = text[start:end]
        try:
            value: Any = float(literal) if is_float else int(literal)
        except ValueError:
            self._fail(f"Malformed numeric value ('{literal}')")
        return _Token("float" if is_float else "int", value, literal, end)


# --- the engine's checks, token by token ----------------------------------------------

_NUMBERS = ("int", "float")
_SCALARS = ("str", "int", "float", "true", "false", "null")


class _Checker:
    """Walks a pattern's tokens as AWS's rule compiler does, failing where it fails."""

    def __init__(self, text: str) -> None:
        self.reader = _Reader(text)

    def fail(self, reason: str) -> None:
        raise _Syntax(reason, self.reader.last)

    def token(self) -> _Token:
        token = self.reader.next()
        if token is None:
            self.fail("Unexpected end-of-input")
        assert token is not None
        return token

    def run(self) -> None:
        first = self.reader.next()
        if first is None or first.kind != "{":
            self.fail("Filter is not an object")
        self.object(in_or=False)
        # the rest of the text must be well-formed JSON too
        while self.reader.next() is not None:
            pass

    def object(self, *, in_or: bool) -> None:
        present = False
        while True:
            token = self.token()
            if token.kind == "}":
                break
            present = True
            name = token.value
            if name == OR:
                self.or_relationship()
                continue
            if in_or and name in OPERATORS:
                self.fail(f"{name} is Ruler reserved fieldName which cannot be used inside {OR}.")
            value = self.token()
            if value.kind == "{":
                self.object(in_or=in_or)
            elif value.kind == "[":
                self.values()
            else:
                self.fail(f'"{name}" must be an object or an array')
        if not present:
            self.fail("Empty objects are not allowed")

    def or_relationship(self) -> None:
        if self.token().kind != "[":
            self.fail(f"It must be an Array followed with {OR}.")
        count = 0
        while True:
            token = self.token()
            if token.kind == "]":
                break
            count += 1
            if token.kind != "{":
                self.fail(f"Only JSON object is allowed in array of {OR} relationship.")
            self.object(in_or=True)
        if count < 2:
            self.fail(f"There must have at least 2 Objects in {OR} relationship.")

    def values(self) -> None:
        count = 0
        while True:
            token = self.token()
            if token.kind == "]":
                break
            count += 1
            if token.kind == "{":
                self.expression()
            elif token.kind not in _SCALARS:
                self.fail("Match value must be String, number, true, false, or null")
        if not count:
            self.fail("Empty arrays are not allowed")

    def end_object(self) -> None:
        if self.token().kind != "}":
            self.fail("Only one key allowed in match expression")

    def expression(self) -> None:
        token = self.token()
        if token.kind != "name":
            self.fail("Match expression name not found")
        op = token.value
        if op == "exactly":
            if self.token().kind != "str":
                self.fail("exact match pattern must be a string")
            self.end_object()
        elif op in ("prefix", "suffix"):
            value = self.token()
            if value.kind == "{":
                self.ignore_case_inside(op)
                return
            if value.kind != "str":
                self.fail(f"{op} match pattern must be a string")
            self.end_object()
        elif op == "numeric":
            if self.token().kind != "[":
                self.fail("Value of numeric must be an array.")
            self.numeric()
            if self.token().kind != "}":
                self.fail("Too many elements in numeric expression")
        elif op == "anything-but":
            self.anything_but()
        elif op == "exists":
            if self.token().kind not in ("true", "false"):
                self.fail("exists match pattern must be either true or false.")
            self.end_object()
        elif op == "cidr":
            value = self.token()
            if value.kind != "str":
                self.fail("prefix match pattern must be a string")
            problem = _cidr_problem(value.value)
            if problem:
                # the engine throws this past its JSON reader: no location
                raise _Syntax(problem, None)
            self.end_object()
        elif op == "equals-ignore-case":
            if self.token().kind != "str":
                self.fail("equals-ignore-case match pattern must be a string")
            self.end_object()
        elif op == "wildcard":
            value = self.token()
            if value.kind != "str":
                self.fail("wildcard match pattern must be a string")
            self.wildcard(value.value)
            self.end_object()
        else:
            self.fail(f"Unrecognized match type {op}")

    def ignore_case_inside(self, op: str) -> None:
        title = op.capitalize()
        token = self.token()
        if token.kind != "name":
            self.fail(f"{title} expression name not found")
        if token.value != "equals-ignore-case":
            self.fail(f"Unsupported {op} pattern: {token.value}")
        if self.token().kind != "str":
            self.fail("equals-ignore-case match pattern must be a string")
        self.end_object()
        self.end_object()

    def wildcard(self, value: str) -> None:
        data = ('"' + value + '"').encode()
        i = 0
        while i < len(data):
            if data[i] == 0x2A and i + 1 < len(data) and data[i + 1] == 0x2A:
                self.fail(f"Consecutive wildcard characters at pos {i}")
            if data[i] == 0x5C:
                if i + 1 < len(data) and data[i + 1] in (0x2A, 0x5C):
                    i += 2
                    continue
                self.fail(f"Invalid escape character at pos {i}")
            i += 1

    def anything_but(self) -> None:
        kind = ""
        token = self.token()
        if token.kind == "{":
            name = self.token()
            if name.kind != "name":
                self.fail("Anything-But expression name not found")
            if name.value not in ("equals-ignore-case", "prefix", "suffix", "wildcard"):
                self.fail(f"Unsupported anything-but pattern: {name.value}")
            kind = name.value
            token = self.token()
        if token.kind not in ("[", "str", "int", "float"):
            self.fail("Value of anything-but must be an array or single string/number value.")
        if token.kind == "[":
            if kind:
                while (item := self.token()).kind != "]":
                    self.anything_but_set_value(item, kind)
            else:
                has_number = has_string = False
                while (item := self.token()).kind != "]":
                    if item.kind == "str":
                        has_string = True
                    elif item.kind in _NUMBERS:
                        has_number = True
                        self.comparable(item)
                    else:
                        self.fail("Inside anything but list, start|null|boolean is not supported.")
                if has_number == has_string:
                    self.fail(
                        "Inside anything but list, either all values are number or string, "
                        "mixed type is not supported"
                    )
        elif kind:
            self.anything_but_set_value(token, kind)
        elif token.kind in _NUMBERS:
            self.comparable(token)
        if self.token().kind != "}":
            self.fail("Too many elements in numeric expression")
        if kind and self.token().kind != "}":
            self.fail("Too many elements in numeric expression")

    def anything_but_set_value(self, token: _Token, kind: str) -> None:
        if token.kind != "str":
            if kind == "equals-ignore-case":
                self.fail(
                    "Inside anything-but/equals-ignore-case list, "
                    "number|start|null|boolean is not supported."
                )
            if kind == "wildcard":
                self.fail("wildcard match pattern must be a string")
            self.fail("prefix/suffix match pattern must be a string")
        if kind in ("prefix", "suffix") and token.value == "":
            self.fail("Null prefix/suffix not allowed")
        if kind == "wildcard":
            self.wildcard(token.value)

    def comparable(self, token: _Token) -> None:
        """The engine compares numbers within +-5e9 only (in Java's words)."""
        if not -NUMERIC_LIMIT <= float(token.value) <= NUMERIC_LIMIT:
            self.fail("Value must be between -5.0E9 and 5.0E9, inclusive")

    def numeric(self) -> None:
        token = self.token()
        if token.kind != "str":
            self.fail(f"Invalid member in numeric match: {token.text}")
        operator = token.value
        if operator not in ("=", ">", ">=", "<", "<="):
            self.token()
            self.fail(f"Unrecognized numeric range operator: {operator}")
        value = self.token()
        if value.kind not in _NUMBERS:
            self.fail(f"Value of {'equals' if operator == '=' else operator} must be numeric")
        self.comparable(value)
        after = self.token()
        if after.kind == "]":
            return
        if operator not in (">", ">="):
            self.fail("Too many elements in numeric expression")
        if after.kind != "str":
            self.fail(f"Bad value in numeric range: {after.text}")
        if after.value not in ("<", "<="):
            self.fail(f"Bad numeric range operator: {after.value}")
        top = self.token()
        if top.kind not in _NUMBERS:
            self.fail(f"Value of {after.value} must be numeric")
        self.comparable(top)
        if self.token().kind != "]":
            self.fail("Too many terms in numeric range expression")
        if not float(value.value) < float(top.value):
            self.fail("Bottom must be less than top")


def _cidr_problem(cidr: str) -> str | None:
    """What the engine says of a bad "cidr" value (its own words), or None."""
    parts = cidr.split("/")
    if len(parts) != 2:
        return "Malformed CIDR, one '/' required"
    try:
        bits = int(parts[1])
    except ValueError:
        return "Malformed CIDR, mask bits must be an integer"
    if bits < 0:
        return "Malformed CIDR, mask bits must not be negative"
    try:
        address = ipaddress.ip_address(parts[0])
    except ValueError:
        return f"Nonstandard IP address: {parts[0]}"
    # the engine's own bounds: a /32 (IPv4) or /128 (IPv6) is refused
    if address.version == 4 and bits > 31:
        return "IPv4 mask bits must be < 32"
    if address.version == 6 and bits > 127:
        return "IPv6 mask bits must be < 128"
    return None


def _where(text: str, offset: int | None) -> str:
    return "" if offset is None else f"\n at {_location(text, offset)}"


def _location(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    shown = text
    if len(text) > SOURCE_LIMIT:
        shown = f'{text[:SOURCE_LIMIT]}"[truncated {len(text) - SOURCE_LIMIT} chars]'
        return f'[Source: (String)"{shown}; line: {line}, column: {column}]'
    return f'[Source: (String)"{shown}"; line: {line}, column: {column}]'


def _as_text(pattern: str | dict) -> str:
    if isinstance(pattern, (bytes, bytearray)):
        pattern = pattern.decode("utf-8", errors="replace")
    if isinstance(pattern, str):
        return pattern
    return json.dumps(pattern)


def _check(text: str, prefix: str) -> None:
    try:
        _Checker(text).run()
    except _Syntax as problem:
        raise PatternError(
            f"{prefix}{problem.reason}{_where(text, problem.offset)}", problem.reason
        ) from None


def validate_event_pattern(pattern: str | dict) -> dict:
    """The pattern as a dict, or PatternError with EventBridge's
    InvalidEventPatternException message ("Event pattern is not valid. Reason: ...")."""
    text = _as_text(pattern)
    _check(text, "Event pattern is not valid. Reason: ")
    return (
        json.loads(text) if isinstance(pattern, str | bytes | bytearray) else copy.deepcopy(pattern)
    )


def validate_filter_policy(
    policy: str | dict, scope: str = MESSAGE_ATTRIBUTES, *, subscribe: bool = False
) -> dict:
    """The filter policy as a dict, or PatternError with SNS's InvalidParameter message:
    "Invalid parameter: FilterPolicy: ..." (SetSubscriptionAttributes), or with
    `subscribe=True` "Invalid parameter: Attributes Reason: FilterPolicy: ..." (Subscribe).
    `scope` is the subscription's FilterPolicyScope."""
    head = "Invalid parameter: Attributes Reason: " if subscribe else "Invalid parameter: "
    prefix = f"{head}FilterPolicy: "
    text = _as_text(policy)
    if len(text.encode("utf-8", errors="replace")) > SNS_MAX_BYTES:
        raise PatternError(f"{prefix}Filter policy is too long", "Filter policy is too long")
    try:
        # the syntax first, as SNS reads the JSON before it counts anything
        reader = _Reader(text)
        while reader.next() is not None:
            pass
    except _Syntax as problem:
        raise PatternError(
            f"{prefix}{problem.reason}{_where(text, problem.offset)}", problem.reason
        ) from None
    tree = json.loads(text)
    if isinstance(tree, dict):
        if len(tree) > SNS_MAX_KEYS:
            reason = f"Filter policy can not have more than {SNS_MAX_KEYS} keys"
            raise PatternError(prefix + reason, reason)
        if scope == MESSAGE_ATTRIBUTES and _nested(tree):
            reason = "Filter policy scope MessageAttributes does not support nested filter policy"
            raise PatternError(f"{head}{reason}", reason)
        if _combinations(tree) > SNS_MAX_COMBINATIONS:
            raise PatternError(
                f"{prefix}Filter policy is too complex", "Filter policy is too complex"
            )
    _check(text, prefix)
    return tree


def _nested(policy: dict) -> bool:
    for key, value in policy.items():
        if key == OR and isinstance(value, list):
            if any(isinstance(branch, dict) and _nested(branch) for branch in value):
                return True
        elif isinstance(value, dict):
            return True
    return False


def _combinations(policy: dict, depth: int = 1, total: int = 1) -> int:
    """SNS's complexity: the product of the arrays' lengths, each times its nesting
    depth (the documentation's example: 3 x 4 x 2 x 3 = 72); "$or" branches add up."""
    for key, value in policy.items():
        if key == OR and isinstance(value, list):
            total = sum(
                _combinations(branch, depth, total) for branch in value if isinstance(branch, dict)
            )
        elif isinstance(value, dict):
            total = _combinations(value, depth + 1, total)
        elif isinstance(value, list):
            total = total * len(value) * depth
    return total


# --- matching ---------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _leaves(value: Any) -> Iterator[Any]:
    """The leaf values at a path: arrays (of arrays) are flattened, objects are no leaf."""
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif not isinstance(value, dict):
        yield value


def _objects(value: Any) -> Iterator[dict]:
    if isinstance(value, list):
        for item in value:
            yield from _objects(item)
    elif isinstance(value, dict):
        yield value


def matches(pattern: dict, event: dict) -> bool:
    """Whether `event` (an EventBridge event, or any JSON object) matches `pattern`
    (already validated)."""
    return isinstance(event, dict) and _match_object(pattern, event)


@dataclass(frozen=True)
class _Rules:
    """Where SNS reads the language differently from EventBridge (SNS's documentation):
    `exists: true` wants a non-null, non-empty value, and anything-but on a String.Array
    attribute matches only when none of its elements is listed."""

    sns: bool = False


_EVENTBRIDGE = _Rules()
_SNS = _Rules(sns=True)


class _StringArray(list):
    """The elements of an SNS String.Array attribute."""


def _match_object(pattern: dict, obj: dict, rules: _Rules = _EVENTBRIDGE) -> bool:
    for key, condition in pattern.items():
        if key == OR and isinstance(condition, list):
            if not any(_match_object(branch, obj, rules) for branch in condition):
                return False
            continue
        present = key in obj
        value = obj.get(key)
        if isinstance(condition, dict):
            candidates = list(_objects(value)) if present else []
            # a sub-pattern may still match nothing there (exists: false)
            if not any(_match_object(condition, item, rules) for item in candidates or [{}]):
                return False
        elif isinstance(condition, list):
            leaves = list(_leaves(value)) if present else []
            every = rules.sns and isinstance(value, _StringArray)
            if not any(_match_value(item, leaves, rules, every) for item in condition):
                return False
        else:
            return False
    return True


def _match_value(condition: Any, leaves: list, rules: _Rules = _EVENTBRIDGE,
                 every: bool = False) -> bool:  # fmt: skip
    if isinstance(condition, dict):
        if len(condition) != 1:
            return False
        ((op, arg),) = condition.items()
        if op == "exists":
            if rules.sns:
                leaves = [leaf for leaf in leaves if leaf is not None and leaf != ""]
            return bool(leaves) is bool(arg)
        if op == "anything-but" and every:
            return bool(leaves) and all(_match_operator(op, arg, leaf) for leaf in leaves)
        return any(_match_operator(op, arg, leaf) for leaf in leaves)
    return any(_equal(condition, leaf) for leaf in leaves)


def _equal(expected: Any, leaf: Any) -> bool:
    if expected is None or isinstance(expected, bool):
        return leaf is expected
    if _is_number(expected):
        return _is_number(leaf) and math.isclose(
            float(expected), float(leaf), rel_tol=0, abs_tol=1e-9
        )
    if isinstance(expected, str) and isinstance(leaf, str):
        if expected == leaf:
            return True
        # the engine reads an IP address in a pattern as that one address
        try:
            return ipaddress.ip_address(expected) == ipaddress.ip_address(leaf)
        except ValueError:
            return False
    return False


def _fold(text: str) -> str:
    return text.casefold()


def _match_operator(op: str, arg: Any, leaf: Any) -> bool:
    if op == "exactly":
        return isinstance(leaf, str) and leaf == arg
    if op == "prefix":
        if not isinstance(leaf, str):
            return False
        if isinstance(arg, dict):
            return _fold(leaf).startswith(_fold(arg.get("equals-ignore-case", "")))
        return leaf.startswith(arg)
    if op == "suffix":
        if not isinstance(leaf, str):
            return False
        if isinstance(arg, dict):
            return _fold(leaf).endswith(_fold(arg.get("equals-ignore-case", "")))
        return leaf.endswith(arg)
    if op == "equals-ignore-case":
        return isinstance(leaf, str) and _fold(leaf) == _fold(arg)
    if op == "wildcard":
        return isinstance(leaf, str) and wildcard_match(arg, leaf)
    if op == "numeric":
        return _is_number(leaf) and _in_range(arg, float(leaf))
    if op == "cidr":
        if not isinstance(leaf, str):
            return False
        try:
            return ipaddress.ip_address(leaf) in _network(arg)
        except (ValueError, TypeError):
            return False
    if op == "anything-but":
        return _anything_but(arg, leaf)
    return False


def _anything_but(arg: Any, leaf: Any) -> bool:
    if isinstance(arg, dict):
        ((kind, values),) = arg.items()
        values = values if isinstance(values, list) else [values]
        if not isinstance(leaf, str):
            # the engine compares quoted text: a number or null starts with no prefix
            return True
        if kind == "prefix":
            return not any(leaf.startswith(v) for v in values)
        if kind == "suffix":
            return not any(leaf.endswith(v) for v in values)
        if kind == "equals-ignore-case":
            return not any(_fold(leaf) == _fold(v) for v in values)
        if kind == "wildcard":
            return not any(wildcard_match(v, leaf) for v in values)
        return False
    values = arg if isinstance(arg, list) else [arg]
    return not any(_equal(v, leaf) for v in values)


def _in_range(spec: list, value: float) -> bool:
    i = 0
    while i + 1 < len(spec):
        op, bound = spec[i], float(spec[i + 1])
        i += 2
        if op == "=" and not math.isclose(value, bound, rel_tol=0, abs_tol=1e-9):
            return False
        if op == ">" and not value > bound:
            return False
        if op == ">=" and not value >= bound:
            return False
        if op == "<" and not value < bound:
            return False
        if op == "<=" and not value <= bound:
            return False
    return True


def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if not isinstance(cidr, str) or "/" not in cidr:
        raise ValueError(cidr)
    return ipaddress.ip_network(cidr, strict=False)


def _wildcard_segments(pattern: str) -> list[str]:
    """The literal pieces between unescaped `*` (`\\*` is a star, `\\\\` a backslash)."""
    segments, current, i = [], [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            current.append(pattern[i + 1])
            i += 2
            continue
        if c == "*":
            segments.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    segments.append("".join(current))
    return segments


def wildcard_match(pattern: str, value: str) -> bool:
    """`*` matches any run of characters. Leftmost matching of each middle piece is
    exact for this language, so it runs in linear passes, never backtracking."""
    segments = _wildcard_segments(pattern)
    if len(segments) == 1:
        return value == segments[0]
    head, *middle, tail = segments
    if len(head) + len(tail) > len(value):
        return False
    if not value.startswith(head) or not value.endswith(tail):
        return False
    pos, stop = len(head), len(value) - len(tail)
    for piece in middle:
        found = value.find(piece, pos, stop)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


# --- SNS filter policies ----------------------------------------------------------------


def message_attributes_event(attributes: dict | None) -> dict:
    """SNS MessageAttributes as the values a filter policy sees: a String is a string,
    a Number a number, a String.Array its elements; Binary attributes are not seen.
    Takes the Publish shape ({"DataType", "StringValue"}) or the envelope's
    ({"Type", "Value"})."""
    event: dict[str, Any] = {}
    for name, attribute in (attributes or {}).items():
        if not isinstance(attribute, dict):
            continue
        data_type = str(attribute.get("DataType") or attribute.get("Type") or "")
        raw = attribute.get("StringValue", attribute.get("Value"))
        base = data_type.split(".", 1)[0]
        if data_type == "String.Array":
            try:
                items = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                items = None
            event[name] = _StringArray(items if isinstance(items, list) else [raw])
        elif base == "Number":
            try:
                number = float(raw)
            except (TypeError, ValueError):
                continue
            event[name] = int(number) if number.is_integer() and "." not in str(raw) else number
        elif base == "String":
            if isinstance(raw, str):
                event[name] = raw
    return event


def filter_policy_matches(
    policy: dict, message: dict | str | None, scope: str = MESSAGE_ATTRIBUTES
) -> bool:
    """Whether a message passes a subscription's filter policy: `message` is the
    MessageAttributes (scope MessageAttributes) or the body (scope MessageBody: a dict,
    or the text, which must be a JSON object to match anything)."""
    if scope == MESSAGE_BODY:
        body = message
        if isinstance(body, (str, bytes)):
            try:
                body = json.loads(body)
            except ValueError:
                return False
        return isinstance(body, dict) and _match_object(policy, body, _SNS)
    published = message if isinstance(message, dict) else {}
    if not published:
        # SNS: a message without attributes matches no policy (not even "exists": false)
        return False
    return _match_object(policy, message_attributes_event(published), _SNS)
