"""A policy's visual summary, as the IAM console shows it beside the JSON: for each
effect, a row per service with the access levels it grants (List, Read, Write,
Permissions management, Tagging; "Full access" when all of them are complete), the
resources and the request conditions.

Actions are the ones Stratolab implements (the operation registry), so a wildcard
counts what it really reaches here. Access levels follow AWS's classification by
action name (AWS's service authorization reference classifies them one by one; the
name rules below give the same answer for the actions implemented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.core import operations
from services.iam.evaluator import action_matches
from services.iam.policy_doc import PolicyDocument, Statement

LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")

# Write actions that change who may do what: AWS files them as Permissions management.
_PERMISSION_WORDS = ("Policy", "Permission", "Acl", "PublicAccessBlock", "OwnershipControls")
_PERMISSION_PREFIXES = ("Put", "Attach", "Detach", "Delete", "Create", "Set", "Update", "Add",
                        "Remove")  # fmt: skip


def access_level(action: str) -> str:
    """The access level of an action, by AWS's naming."""
    if action.startswith(("Tag", "Untag")) or action in ("CreateTags", "DeleteTags"):
        return "Tagging"
    if action.startswith(("List", "Describe")) or action.endswith("Tags"):
        return "List"
    if action.startswith(("Get", "Head", "Simulate", "Lookup", "Generate")):
        return "Read"
    if action.startswith(_PERMISSION_PREFIXES) and any(w in action for w in _PERMISSION_WORDS):
        return "Permissions management"
    return "Write"


def catalog() -> dict[str, dict[str, list[str]]]:
    """{iam prefix: {access level: [actions]}} of every implemented action."""
    found: dict[str, dict[str, list[str]]] = {}
    for op in operations.registered():
        levels = found.setdefault(op.iam_prefix, {level: [] for level in LEVELS})
        levels[access_level(op.action)].append(op.action)
    for levels in found.values():
        for actions in levels.values():
            actions.sort()
    return found


@dataclass
class ServiceRow:
    service: str
    levels: dict[str, list[str]] = field(default_factory=dict)  # granted actions by level
    resources: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    known: bool = True
    full_levels: list[str] = field(default_factory=list)
    limited_levels: list[str] = field(default_factory=list)

    @property
    def access(self) -> str:
        if not self.known:
            return "Service not simulated in Stratolab"
        if (
            self.full_levels
            and not self.limited_levels
            and len(self.full_levels)
            == len([lv for lv in LEVELS if self.levels.get(lv) is not None])
        ):
            return "Full access"
        parts = []
        if self.full_levels:
            parts.append("Full: " + ", ".join(self.full_levels))
        if self.limited_levels:
            parts.append("Limited: " + ", ".join(self.limited_levels))
        return " | ".join(parts) or "None"

    @property
    def action_count(self) -> int:
        return sum(len(a) for a in self.levels.values())


def _resources(statement: Statement) -> list[str]:
    if statement.resources is None:
        return []
    if statement.not_resource:
        return ["All resources except " + ", ".join(statement.resources)]
    if "*" in statement.resources:
        return ["All resources"]
    return list(statement.resources)


def _conditions(statement: Statement) -> list[str]:
    return [f"{c.operator} {c.key}: {', '.join(c.values)}" for c in statement.conditions]


def _granted(statement: Statement, prefix: str, actions: list[str]) -> list[str]:
    matched = [
        a
        for a in actions
        if any(action_matches(pattern, f"{prefix}:{a}") for pattern in statement.actions)
    ]
    if statement.not_action:
        return [a for a in actions if a not in matched]
    return matched


def summarize(document: PolicyDocument) -> dict[str, list[ServiceRow]]:
    """{"Allow": rows, "Deny": rows}: one row per service a statement reaches."""
    known = catalog()
    by_effect: dict[str, dict[str, ServiceRow]] = {"Allow": {}, "Deny": {}}
    for statement in document.statements:
        rows = by_effect.setdefault(statement.effect, {})
        for prefix, levels in known.items():
            for level, actions in levels.items():
                granted = _granted(statement, prefix, actions)
                if not granted:
                    continue
                row = rows.setdefault(prefix, ServiceRow(prefix, {lv: [] for lv in LEVELS}))
                row.levels[level] = sorted(set(row.levels[level]) | set(granted))
                for text in _resources(statement):
                    if text not in row.resources:
                        row.resources.append(text)
                for text in _conditions(statement) or ["None"]:
                    if text not in row.conditions:
                        row.conditions.append(text)
        if not statement.not_action:
            for pattern in statement.actions:
                prefix = pattern.split(":", 1)[0].lower()
                if pattern != "*" and prefix not in known:
                    rows.setdefault(
                        prefix, ServiceRow(prefix, known=False, resources=_resources(statement))
                    )
    result: dict[str, list[ServiceRow]] = {}
    for effect, rows in by_effect.items():
        for row in rows.values():
            if not row.known:
                continue
            for level in LEVELS:
                available = known[row.service][level]
                granted = row.levels.get(level) or []
                if not available:
                    row.levels[level] = None  # type: ignore[assignment]
                elif len(granted) == len(available):
                    row.full_levels.append(level)
                elif granted:
                    row.limited_levels.append(level)
        result[effect] = sorted(rows.values(), key=lambda r: (not r.known, r.service))
    return result
