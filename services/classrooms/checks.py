"""Evaluating a lab's checks against one sandbox: what the Describe/List operations show
(through `catalog.Reader`) and what the audit log recorded since the lab started."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from dataclasses import dataclass, field
from typing import Any

from services.classrooms import query
from services.classrooms.catalog import Reader
from services.classrooms.labs import LABS_DIR, Check, Lab
from services.core.models import Account, Event


@dataclass
class CheckResult:
    label: str
    passed: bool
    message: str = ""


@dataclass
class StepResult:
    number: int
    title: str
    checks: list[CheckResult]
    # Set when an earlier evaluation saw the step pass (a classroom keeps passes).
    passed_at: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.passed_at) or self.passing_now

    @property
    def passing_now(self) -> bool:
        return all(c.passed for c in self.checks)


@dataclass
class LabResult:
    lab: Lab
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed_steps(self) -> int:
        return sum(s.passed for s in self.steps)

    @property
    def score(self) -> int:
        """Percent of steps whose checks all pass."""
        return round(100 * self.passed_steps / len(self.steps)) if self.steps else 0

    @property
    def complete(self) -> bool:
        return self.passed_steps == len(self.steps)

    def as_json(self) -> dict:
        return {
            "lab": self.lab.slug,
            "score": self.score,
            "complete": self.complete,
            "steps": [
                {
                    "number": s.number,
                    "title": s.title,
                    "passed": s.passed,
                    "checks": [
                        {"label": c.label, "passed": c.passed, "message": c.message}
                        for c in s.checks
                    ],
                }
                for s in self.steps
            ],
        }


class Evaluation:
    """The state one evaluation reads: resources, named sets and events, each fetched
    once."""

    def __init__(self, lab: Lab, account: Account, since: dt.datetime | None) -> None:
        self.lab = lab
        self.account = account
        self.reader = Reader(account, lab.region)
        self.since = since
        self._sets: dict[str, set] = {}
        self._events: list[dict] | None = None

    @property
    def sets(self) -> dict[str, set]:
        for name in self.lab.sets:
            self.set(name)
        return self._sets

    def set(self, name: str) -> set:
        if name not in self._sets:
            self._sets[name] = set()  # a set naming itself ends empty, not in recursion
            spec = self.lab.sets[name]
            found = self.matching(spec)
            select = spec.get("select", "")
            self._sets[name] = {
                v for item in found for v in query.values(item, select) if _hashable(v)
            }
        return self._sets[name]

    def _sets_for(self, spec: Any) -> dict[str, set]:
        for name in _set_names(spec):
            if name in self.lab.sets:
                self.set(name)
        return self._sets

    def events(self) -> list[dict]:
        if self._events is None:
            rows = Event.objects.filter(account=self.account).exclude(door="system")
            if self.since:
                rows = rows.filter(event_time__gte=self.since)
            self._events = [
                {
                    "EventName": e.event_name,
                    "Door": e.door,
                    "ErrorCode": e.error_code,
                    "UserAgent": e.user_agent,
                    "UserName": e.user_name,
                    "PrincipalType": e.principal_type,
                    "Region": e.region,
                    "RequestParameters": e.request_parameters or {},
                    "ResponseElements": e.response_elements or {},
                }
                for e in rows.order_by("event_time")[:5000]
            ]
        return self._events

    def matching(self, spec: dict) -> list:
        """The items a resource or event query selects."""
        sets = self._sets_for(spec.get("where"))
        if "resource" in spec:
            items = self.reader.items(spec["resource"])
        else:
            names = spec["event"] if isinstance(spec["event"], list) else [spec["event"]]
            items = [e for e in self.events() if e["EventName"] in names]
            if "door" in spec:
                items = [e for e in items if e["Door"] == spec["door"]]
            if "error" in spec:
                items = [e for e in items if e["ErrorCode"] == spec["error"]]
        return [i for i in items if query.where(i, spec.get("where"), sets)]

    def run(self, check: Check) -> CheckResult:
        spec = check.spec
        try:
            if check.kind == "python":
                passed, message = self._python(spec["python"])
            else:
                found = self.matching(spec)
                if "count" in spec:
                    count = spec["count"]
                    passed = query.match([len(found)], count, self._sets)
                else:
                    passed = bool(found) == bool(spec.get("exists", True))
                message = "" if passed else spec.get("fail", "")
        except query.QueryError as exc:
            passed, message = False, f"This check is written wrongly: {exc}"
        return CheckResult(check.label, passed, message)

    def _python(self, target: str) -> tuple[bool, str]:
        module, _, name = target.partition(":")
        # labs/ sits at the top of the repository, which a server's path may not hold.
        if str(LABS_DIR.parent) not in sys.path:
            sys.path.append(str(LABS_DIR.parent))
        result = getattr(importlib.import_module(module), name)(self)
        if isinstance(result, tuple):
            return bool(result[0]), str(result[1])
        return bool(result), ""


def _set_names(spec: Any) -> list[str]:
    names: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "in_set" and isinstance(value, str):
                names.append(value)
            else:
                names += _set_names(value)
    elif isinstance(spec, list):
        for value in spec:
            names += _set_names(value)
    return names


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def evaluate(lab: Lab, account: Account, since: dt.datetime | None = None) -> LabResult:
    """Run every check of `lab` against `account`; events count from `since`."""
    evaluation = Evaluation(lab, account, since)
    result = LabResult(lab)
    for step in lab.steps:
        result.steps.append(
            StepResult(step.number, step.title, [evaluation.run(c) for c in step.checks])
        )
    return result
