"""The resources a lab check can name (``resource = "ec2.instances"``), each read through
the operation layer's own Describe/List functions, so a check sees what the API shows.

The names, their operations, where the items sit in the answer and the enrichers are
declared with each type in the registry (`registry.lab_checks()`: a ResourceType's
`listing`, `lab_check` and `lab_enrich`, or an ApiType for what has no console pages).

Reads run as Stratolab itself (door "system") with read-only operations only, and are
not written to the audit log: a lab panel polls every few seconds, and the student's
event history must stay theirs. An enricher joins in what a lesson needs and the API
gives only through a second call: a subnet's effective route table (explicit
association, else the VPC's main table: VPC-07), a group's users and attached policies.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from services.core import operations, registry, shapes
from services.core.context import CallContext
from services.core.models import Account
from services.core.registry import LabCheck


class Reader:
    """Runs read-only operations for one account and region, caching each answer for
    the duration of one evaluation."""

    def __init__(self, account: Account, region: str) -> None:
        self.ctx = CallContext.system(account, region)
        self._cache: dict[tuple, object] = {}
        self._items: dict[str, list[dict]] = {}

    def call(self, service: str, action: str, params: dict | None = None) -> dict:
        key = (service, action, repr(sorted((params or {}).items())))
        if key not in self._cache:
            op = operations.get(service, action)
            if op is None or not op.read_only:
                raise ValueError(f"{service}:{action} is not a read-only operation")
            prepared = shapes.prepare(service, action, dict(params or {}))
            with transaction.atomic():
                self._cache[key] = op.func(self.ctx, prepared) or {}
        return self._cache[key]

    def items(self, name: str) -> list[dict]:
        if name not in self._items:
            entry = RESOURCES.get(name)
            if entry is None:
                raise KeyError(f"unknown resource {name!r}; known: {sorted(RESOURCES)}")
            self._items[name] = read(self, entry)
        return self._items[name]


def read(reader: Reader, entry: LabCheck) -> list[dict]:
    """The items of one lab-check name, enriched as its type declares."""
    listing = entry.listing
    answer = reader.call(entry.service, listing.operation, dict(listing.params or {}))
    items = [dict(i) for i in registry.items_at(answer, listing.path)]
    if entry.enrich:
        entry.enrich(reader, items)
    return items


class _Names(Mapping):
    """`RESOURCES`: the registry's lab-check names, read when asked (the registry is
    complete once the apps are ready)."""

    def __getitem__(self, name: str) -> LabCheck:
        return registry.lab_checks()[name]

    def __iter__(self):
        return iter(registry.lab_checks())

    def __len__(self) -> int:
        return len(registry.lab_checks())


RESOURCES: Mapping[str, LabCheck] = _Names()
