"""Labs: one folder per lab under ``labs/`` at the top of the repository, each with a
``lab.toml`` an instructor can write without Python. See ``labs/README.md`` for the
format; `load` reads and checks one, `all_labs` lists them."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from services.classrooms import query

LABS_DIR = Path(settings.BASE_DIR) / "labs"
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_CHECK_KINDS = ("resource", "event", "python")


class LabError(ValueError):
    """A lab file that does not follow the format."""


@dataclass(frozen=True)
class Check:
    """One declarative check: a resource query, an audit-event query, or Python."""

    spec: dict[str, Any]

    @property
    def kind(self) -> str:
        return next(k for k in _CHECK_KINDS if k in self.spec)

    @property
    def label(self) -> str:
        return self.spec.get("says") or _describe(self.spec)


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    text: str  # Markdown
    checks: tuple[Check, ...]
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lab:
    slug: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    estimated_minutes: int
    region: str
    fidelity_rules: tuple[str, ...]
    starting_state: tuple[dict, ...]
    sets: dict[str, dict] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()

    @property
    def check_count(self) -> int:
        return sum(len(s.checks) for s in self.steps)


def _describe(spec: dict) -> str:
    if "resource" in spec:
        return f"{spec['resource']} matching {spec.get('where', {})}"
    if "event" in spec:
        return f"event {spec['event']}"
    return spec.get("python", "check")


def _check(spec: Any, where: str, sets: dict) -> Check:
    if not isinstance(spec, dict) or sum(k in spec for k in _CHECK_KINDS) != 1:
        raise LabError(f"{where}: a check needs exactly one of {', '.join(_CHECK_KINDS)}")
    if "resource" in spec:
        from services.classrooms.catalog import RESOURCES

        if spec["resource"] not in RESOURCES:
            raise LabError(f"{where}: unknown resource {spec['resource']!r}")
    _validate_where(spec.get("where"), where, sets)
    return Check(spec)


def _validate_where(conditions: Any, where: str, sets: dict) -> None:
    """Catch an author's typo (an operator that does not exist, an unknown set) when the
    lab loads rather than when a student's step silently never passes."""
    if conditions is None:
        return
    if not isinstance(conditions, dict):
        raise LabError(f"{where}: `where` must be a table")
    for path, matcher in conditions.items():
        if path == "any_of":
            for alternative in matcher:
                _validate_where(alternative, where, sets)
        else:
            _validate_matcher(matcher, where, sets)


def _validate_matcher(matcher: Any, where: str, sets: dict) -> None:
    if not isinstance(matcher, dict):
        return
    if not query.is_operator_table(matcher):
        raise LabError(f"{where}: unknown operator in {matcher!r}")
    for op, arg in matcher.items():
        if op == "in_set" and arg not in sets:
            raise LabError(f"{where}: no set named {arg!r}")
        if op in ("any", "all", "none") and isinstance(arg, dict):
            if query.is_operator_table(arg):
                _validate_matcher(arg, where, sets)
            else:
                _validate_where(arg, where, sets)
        if op == "count":
            _validate_matcher(arg, where, sets)


def load(slug: str, root: Path | None = None) -> Lab:
    """Read and validate `labs/<slug>/lab.toml`."""
    if not _SLUG.match(slug):
        raise LabError(f"{slug!r} is not a lab slug (lowercase letters, digits, _)")
    folder = (root or LABS_DIR) / slug
    try:
        data = tomllib.loads((folder / "lab.toml").read_text())
    except FileNotFoundError as exc:
        raise LabError(f"no lab named {slug!r}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LabError(f"{slug}/lab.toml: {exc}") from exc
    for key in ("title", "steps", "fidelity_rules"):
        if key not in data:
            raise LabError(f"{slug}/lab.toml: missing `{key}`")
    sets = data.get("sets", {})
    for name, spec in sets.items():
        _check(spec, f"{slug}: set {name}", sets)
    steps = []
    for n, raw in enumerate(data["steps"], start=1):
        text = raw.get("text", "")
        page = folder / "steps" / f"{n:02d}.md"
        if not text and page.exists():
            text = page.read_text()
        checks = tuple(_check(c, f"{slug}: step {n}", sets) for c in raw.get("checks", []))
        if not checks:
            raise LabError(f"{slug}: step {n} has no checks")
        steps.append(Step(n, raw["title"], text, checks, tuple(raw.get("hints", []))))
    return Lab(
        slug=slug,
        title=data["title"],
        summary=data.get("summary", ""),
        objectives=tuple(data.get("objectives", [])),
        estimated_minutes=int(data.get("estimated_minutes", 30)),
        region=data.get("region", "us-east-1"),
        fidelity_rules=tuple(data["fidelity_rules"]),
        starting_state=tuple(data.get("starting_state", [])),
        sets=sets,
        steps=tuple(steps),
    )


@functools.cache
def _cached(slug: str) -> Lab:
    return load(slug)


def get(slug: str) -> Lab:
    """A shipped lab, read once per process."""
    return _cached(slug)


def all_labs() -> list[Lab]:
    slugs = sorted(p.parent.name for p in LABS_DIR.glob("*/lab.toml"))
    return [get(s) for s in slugs]
