"""IAM policy documents: parsing and validation, with the line each problem is on.

`parse_policy(text, kind)` turns a JSON policy into a `PolicyDocument` or raises
`PolicyError`, an `AwsError("MalformedPolicyDocument", ...)` whose message is the one IAM
gives and which also carries the line and column the console's JSON editor points at
(IAM-04). `kind` says where the document is used: identity policies (and permissions
boundaries and session policies) may not name a Principal and must name resources;
resource-based policies must name a Principal; role trust policies must name a
Principal, may not name resources and may only allow STS actions.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from services.core.errors import AwsError

PolicyKind = Literal["identity", "resource", "trust"]

VERSIONS = ("2012-10-17", "2008-10-17")
SYNTAX = "Syntax errors in policy."
VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")

_STATEMENT_KEYS = {
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
    "Resource", "NotResource", "Condition",
}  # fmt: skip
_SID = re.compile(r"^[0-9A-Za-z]*$")
_VENDOR = re.compile(r"^[A-Za-z0-9-]+$")


class PolicyError(AwsError):
    """A malformed policy: IAM's message, plus where in the text the problem is."""

    def __init__(self, message: str, line: int = 0, column: int = 0, detail: str = "") -> None:
        super().__init__("MalformedPolicyDocument", message, 400)
        self.line = line
        self.column = column
        self.detail = detail or message

    def finding(self) -> dict[str, object]:
        """The problem as the console's policy editor lists it."""
        return {"line": self.line, "column": self.column, "message": self.detail}


# --- JSON that remembers where each value was -------------------------------------------

Path = tuple[Any, ...]
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")


# No policy grammar nests deeper than a few levels (Statement, Condition, operator, key,
# values); a document nested deeper is malformed, and is refused before Python's own
# recursion limit is reached.
MAX_DEPTH = 32


class _Json:
    """A small JSON reader that records the (line, column) of every value by its path,
    so a validation error can point at the line of the offending element."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[Path, tuple[int, int]] = {}
        self.ends: dict[Path, tuple[int, int]] = {}
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def where(self, offset: int) -> tuple[int, int]:
        before = bisect.bisect_left(self.newlines, offset)
        line_start = self.newlines[before - 1] + 1 if before else 0
        return before + 1, offset - line_start + 1

    def fail(self, offset: int, what: str) -> PolicyError:
        line, col = self.where(min(offset, len(self.text)))
        return PolicyError(SYNTAX, line, col, f"Invalid JSON: {what} (line {line}, column {col}).")

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def document(self) -> Any:
        i = self.skip(0)
        value, i = self.value(i, ())
        i = self.skip(i)
        if i != len(self.text):
            raise self.fail(i, "unexpected text after the end of the document")
        return value

    def value(self, i: int, path: Path) -> tuple[Any, int]:
        value, end = self._value(i, path)
        self.ends[path] = self.where(end)
        return value, end

    def _value(self, i: int, path: Path) -> tuple[Any, int]:
        text = self.text
        if i >= len(text):
            raise self.fail(i, "the document ends too early")
        self.positions[path] = self.where(i)
        ch = text[i]
        if ch in "{[" and len(path) >= MAX_DEPTH:
            raise self.fail(i, f"the document is nested more than {MAX_DEPTH} levels deep")
        if ch == "{":
            return self.object(i + 1, path)
        if ch == "[":
            return self.array(i + 1, path)
        if ch == '"':
            return self.string(i)
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return val, i + len(word)
        m = _NUMBER.match(text, i)
        if m:
            number = m.group()
            try:
                return (float(number) if any(c in number for c in ".eE") else int(number)), m.end()
            except ValueError:  # more digits than Python converts
                raise self.fail(i, "the number is too long") from None
        raise self.fail(i, f"unexpected character {ch!r}")

    def string(self, i: int) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, i + 1)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.pos, exc.msg.lower()) from None

    def object(self, i: int, path: Path) -> tuple[dict, int]:
        result: dict[str, Any] = {}
        i = self.skip(i)
        if self.text.startswith("}", i):
            return result, i + 1
        while True:
            if not self.text.startswith('"', i):
                raise self.fail(i, "expected a quoted element name")
            key, i = self.string(i)
            i = self.skip(i)
            if not self.text.startswith(":", i):
                raise self.fail(i, f"expected ':' after {key!r}")
            i = self.skip(i + 1)
            result[key], i = self.value(i, (*path, key))
            i = self.skip(i)
            if self.text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.text.startswith("}", i):
                return result, i + 1
            raise self.fail(i, "expected ',' or '}'")

    def array(self, i: int, path: Path) -> tuple[list, int]:
        result: list[Any] = []
        i = self.skip(i)
        if self.text.startswith("]", i):
            return result, i + 1
        while True:
            item, i = self.value(i, (*path, len(result)))
            result.append(item)
            i = self.skip(i)
            if self.text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if self.text.startswith("]", i):
                return result, i + 1
            raise self.fail(i, "expected ',' or ']'")


# --- the document model --------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One key test of a Condition block: `{"StringEquals": {"aws:username": ["bob"]}}`."""

    operator: str  # as written: ForAnyValue:StringLikeIfExists
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    index: int  # 0-based position in the document
    effect: str  # Allow or Deny
    sid: str = ""
    actions: tuple[str, ...] = ()
    not_action: bool = False
    resources: tuple[str, ...] | None = None  # None: the statement has no Resource element
    not_resource: bool = False
    # {"AWS": ("arn:...",), "Service": (...)}; {"*": ("*",)} for "Principal": "*"
    principals: dict[str, tuple[str, ...]] | None = None
    not_principal: bool = False
    conditions: tuple[Condition, ...] = ()
    line: int = 0  # where the statement's object starts and ends in the text
    column: int = 0
    end_line: int = 0
    end_column: int = 0

    @property
    def label(self) -> str:
        """How the console names this statement: its Sid, or its position."""
        return self.sid or f"statement {self.index + 1}"


@dataclass(frozen=True)
class PolicyDocument:
    version: str
    statements: tuple[Statement, ...]
    id: str = ""
    text: str = field(default="", compare=False)

    @property
    def supports_variables(self) -> bool:
        # Policy variables exist only from version 2012-10-17; before, ${...} is literal.
        return self.version == "2012-10-17"


def _strings(value: object) -> list[str] | None:
    """A JSON string or list of strings as a list; None if it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _condition_value(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    return None


class _Validator:
    def __init__(self, reader: _Json, kind: PolicyKind) -> None:
        self.reader = reader
        self.kind = kind

    def error(self, message: str, path: Path, detail: str = "") -> PolicyError:
        line, col = self.reader.positions.get(path, (0, 0))
        # The editor's text names the line; the API message stays IAM's own wording.
        text = detail or message
        return PolicyError(message, line, col, f"Line {line}: {text}" if line else text)

    def document(self, data: object) -> PolicyDocument:
        if not isinstance(data, dict):
            raise self.error(SYNTAX, (), "The policy must be a JSON object.")
        for key in data:
            if key not in ("Version", "Id", "Statement"):
                raise self.error(SYNTAX, (key,), f"Unknown element {key!r} in the policy.")
        version = data.get("Version", "2008-10-17")
        if version not in VERSIONS:
            raise self.error(
                SYNTAX,
                ("Version",),
                f"Version must be 2012-10-17 (or the legacy 2008-10-17), not {version!r}.",
            )
        policy_id = data.get("Id", "")
        if not isinstance(policy_id, str):
            raise self.error(SYNTAX, ("Id",), "Id must be a string.")
        if "Statement" not in data:
            raise self.error(SYNTAX, (), "The policy has no Statement element.")
        raw = data["Statement"]
        items: list[tuple[object, Path]]
        if isinstance(raw, dict):
            items = [(raw, ("Statement",))]
        elif isinstance(raw, list) and raw:
            items = [(s, ("Statement", i)) for i, s in enumerate(raw)]
        else:
            raise self.error(
                SYNTAX, ("Statement",), "Statement must be an object or a non-empty list."
            )
        statements = [self.statement(i, s, p) for i, (s, p) in enumerate(items)]
        sids = [s.sid for s in statements if s.sid]
        if len(sids) != len(set(sids)):
            dup = next(s for s in statements if s.sid and sids.count(s.sid) > 1 and s.index > 0)
            raise self.error(
                "Statement IDs (SID) in a single policy must be unique.",
                items[dup.index][1] + ("Sid",),
            )
        return PolicyDocument(version, tuple(statements), policy_id)

    def statement(self, index: int, data: object, path: Path) -> Statement:
        if not isinstance(data, dict):
            raise self.error(SYNTAX, path, f"Statement {index + 1} must be a JSON object.")
        for key in data:
            if key not in _STATEMENT_KEYS:
                raise self.error(SYNTAX, (*path, key), f"Unknown element {key!r} in a statement.")
        sid = data.get("Sid", "")
        if not isinstance(sid, str):
            raise self.error(SYNTAX, (*path, "Sid"), "Sid must be a string.")
        if self.kind != "resource" and not _SID.match(sid):
            raise self.error(
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies "
                "the regular expression [0-9A-Za-z]*",
                (*path, "Sid"),
            )
        effect = data.get("Effect")
        if effect is None:
            raise self.error(SYNTAX, path, f"Statement {index + 1} is missing Effect.")
        if effect not in ("Allow", "Deny"):
            raise self.error(
                SYNTAX, (*path, "Effect"), f'Effect must be "Allow" or "Deny", not {effect!r}.'
            )
        principals, not_principal = self.principal(data, path)
        actions, not_action = self.actions(data, path)
        resources, not_resource = self.resources(data, path)
        return Statement(
            index=index,
            effect=effect,
            sid=sid,
            actions=tuple(actions),
            not_action=not_action,
            resources=tuple(resources) if resources is not None else None,
            not_resource=not_resource,
            principals=principals,
            not_principal=not_principal,
            conditions=self.conditions(data.get("Condition"), (*path, "Condition")),
            line=self.reader.positions.get(path, (0, 0))[0],
            column=self.reader.positions.get(path, (0, 0))[1],
            end_line=self.reader.ends.get(path, (0, 0))[0],
            end_column=self.reader.ends.get(path, (0, 0))[1],
        )

    def principal(self, data: dict, path: Path) -> tuple[dict | None, bool]:
        keys = [k for k in ("Principal", "NotPrincipal") if k in data]
        if self.kind == "identity":
            if keys:
                raise self.error(
                    "Policy document should not specify a principal.", (*path, keys[0])
                )
            return None, False
        if not keys:
            raise self.error("Missing required field Principal", path)
        if len(keys) == 2:
            raise self.error(
                SYNTAX, (*path, "NotPrincipal"), "Use Principal or NotPrincipal, not both."
            )
        key = keys[0]
        if self.kind == "trust" and key == "NotPrincipal":
            raise self.error("Has prohibited field NotPrincipal", (*path, key))
        raw = data[key]
        if raw == "*":
            return {"*": ("*",)}, key == "NotPrincipal"
        if not isinstance(raw, dict) or not raw:
            raise self.error(SYNTAX, (*path, key), f'{key} must be "*" or an object.')
        result: dict[str, tuple[str, ...]] = {}
        for ptype, value in raw.items():
            values = _strings(value)
            if ptype not in PRINCIPAL_TYPES or values is None:
                raise self.error(
                    f"Invalid principal in policy: {json.dumps(ptype)}:{json.dumps(value)}",
                    (*path, key, ptype),
                )
            for v in values:
                if ptype == "AWS" and not _valid_aws_principal(v):
                    raise self.error(
                        f'Invalid principal in policy: "AWS":"{v}"', (*path, key, ptype)
                    )
            result[ptype] = tuple(values)
        return result, key == "NotPrincipal"

    def actions(self, data: dict, path: Path) -> tuple[list[str], bool]:
        keys = [k for k in ("Action", "NotAction") if k in data]
        if not keys:
            raise self.error("Policy statement must contain actions.", path)
        if len(keys) == 2:
            raise self.error(SYNTAX, (*path, "NotAction"), "Use Action or NotAction, not both.")
        key = keys[0]
        values = _strings(data[key])
        if values is None:
            raise self.error(SYNTAX, (*path, key), f"{key} must be a string or a list of strings.")
        for value in values:
            self.check_action(value, (*path, key))
        if self.kind == "trust" and data.get("Effect") == "Allow" and key == "Action":
            for value in values:
                if not value.lower().startswith("sts:") and value != "*":
                    raise self.error(
                        "AssumeRole policy may only specify STS AssumeRole actions.", (*path, key)
                    )
        return values, key == "NotAction"

    def check_action(self, value: str, path: Path) -> None:
        if value == "*":
            return
        if ":" not in value:
            raise self.error(VENDOR, path, f"Action {value!r} has no service prefix (ec2:...).")
        vendor, _, name = value.partition(":")
        if ":" in name:
            raise self.error("Actions/Condition can contain only one colon.", path)
        if not _VENDOR.match(vendor) or not name:
            raise self.error(VENDOR, path, f"Action {value!r} is not of the form service:Action.")

    def resources(self, data: dict, path: Path) -> tuple[list[str] | None, bool]:
        keys = [k for k in ("Resource", "NotResource") if k in data]
        if self.kind == "trust":
            if keys:
                raise self.error(f"Has prohibited field {keys[0]}", (*path, keys[0]))
            return None, False
        if not keys:
            raise self.error("Policy statement must contain resources.", path)
        if len(keys) == 2:
            raise self.error(
                SYNTAX, (*path, "NotResource"), "Use Resource or NotResource, not both."
            )
        key = keys[0]
        values = _strings(data[key])
        if values is None:
            raise self.error(SYNTAX, (*path, key), f"{key} must be a string or a list of strings.")
        for value in values:
            self.check_resource(value, (*path, key))
        return values, key == "NotResource"

    def check_resource(self, value: str, path: Path) -> None:
        if value == "*":
            return
        parts = value.split(":", 5)
        # A pattern may stop early when it ends in a wildcard: arn:aws:s3:*
        if parts[0] != "arn" or len(parts) < (3 if value.endswith("*") else 6):
            raise self.error(f'Resource {value} must be in ARN format or "*".', path)
        partition, service = parts[1], parts[2]
        region = parts[3] if len(parts) > 3 else ""
        if partition not in PARTITIONS and "*" not in partition and "?" not in partition:
            raise self.error(f'Partition "{partition}" is not valid for resource "{value}".', path)
        if service == "iam" and region:
            raise self.error(f"IAM resource {value} cannot contain region information.", path)

    def conditions(self, raw: object, path: Path) -> tuple[Condition, ...]:
        from services.iam.conditions import known_operator

        if raw is None:
            return ()
        if not isinstance(raw, dict):
            raise self.error(SYNTAX, path, "Condition must be an object.")
        found: list[Condition] = []
        for operator, block in raw.items():
            if not known_operator(operator):
                raise self.error(
                    SYNTAX, (*path, operator), f"Unknown condition operator {operator!r}."
                )
            if not isinstance(block, dict) or not block:
                raise self.error(
                    SYNTAX, (*path, operator), f"{operator} must map condition keys to values."
                )
            for key, value in block.items():
                vendor, sep, _ = key.partition(":")
                if not sep or not _VENDOR.match(vendor):
                    raise self.error(
                        VENDOR, (*path, operator, key), f"Condition key {key!r} has no prefix."
                    )
                items = value if isinstance(value, list) else [value]
                values = [_condition_value(v) for v in items]
                if not values or any(v is None for v in values):
                    raise self.error(
                        SYNTAX,
                        (*path, operator, key),
                        f"The value of {key} must be a string, number, boolean or a list of them.",
                    )
                found.append(Condition(operator, key, tuple(values)))
        return tuple(found)


_ACCOUNT = re.compile(r"^\d{12}$")
_PRINCIPAL_ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):(iam::(\d{12}|\*):(root|user/.+|role/.+|federated-user/.+)"
    r"|sts::(\d{12}|\*):(assumed-role/.+|federated-user/.+))$"
)


def _valid_aws_principal(value: str) -> bool:
    return value == "*" or bool(_ACCOUNT.match(value)) or bool(_PRINCIPAL_ARN.match(value))


def load_json(text: str) -> tuple[object, dict[Path, tuple[int, int]]]:
    """Read JSON text, keeping the position of each value. Raises PolicyError."""
    reader = _Json(text)
    return reader.document(), reader.positions


def parse_policy(text: str | dict, kind: PolicyKind = "identity") -> PolicyDocument:
    """The policy in `text`, validated for its use. Raises PolicyError (IAM-04)."""
    if isinstance(text, dict):
        try:
            text = json.dumps(text, indent=2)
        except (ValueError, TypeError, RecursionError):
            raise PolicyError(SYNTAX, 0, 0, "The policy document is not JSON.") from None
    if not isinstance(text, str) or not text.strip():
        raise PolicyError(SYNTAX, 0, 0, "The policy document is empty.")
    reader = _Json(text)
    data = reader.document()
    document = _Validator(reader, kind).document(data)
    return PolicyDocument(document.version, document.statements, document.id, text)


def validate(text: str, kind: PolicyKind = "identity") -> list[dict[str, object]]:
    """Findings for the policy editor: empty when the document is valid."""
    try:
        parse_policy(text, kind)
    except PolicyError as error:
        return [error.finding()]
    return []
