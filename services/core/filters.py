"""Every documented filter of a Describe call: the names AWS lists in botocore's model
documentation of the call's `Filters` member, evaluated on database columns where a
call declares them (services.core.describe.FilterSpec) and otherwise on the described
item itself, by a path derived from the call's response shape."""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import re
from collections.abc import Callable
from html.parser import HTMLParser

from django.db.models import Model, QuerySet

from services.core import describe, errors, shapes
from services.core.errors import AwsError


class _FilterDocs(HTMLParser):
    """The names of the outermost list of a `Filters` member's documentation: each item
    opens with `<code>name</code>`; nested lists hold values, not names."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.names: list[str] = []
        self._item_text: str | None = None
        self._in_code = False
        self._code = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "ul":
            self.depth += 1
        elif tag == "li" and self.depth == 1:
            self._item_text = ""
        elif tag == "code" and self._item_text == "" and self.depth == 1:
            self._in_code, self._code = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.depth -= 1
        elif tag == "code" and self._in_code:
            self._in_code = False
            self._item_text = None
            self.names.append(self._code.strip())
        elif tag == "li" and self.depth == 1:
            self._item_text = None

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self._code += data


def filters_member(service: str, action: str) -> str | None:
    """The name of `action`'s list-of-Filter input member (`Filters`, or `Filter` for
    DescribeNatGateways), if it has one."""
    model = shapes.operation_model(service, action)
    if model is None or model.input_shape is None:
        return None
    for name, member in model.input_shape.members.items():
        if member.type_name == "list" and member.member.name == "Filter":
            return name
    return None


@functools.cache
def documented(service: str, action: str) -> tuple[str, ...]:
    """The filter names AWS documents for `action` (`tag:<key>` for the tag family)."""
    member = filters_member(service, action)
    if member is None:
        return ()
    doc = shapes.operation_model(service, action).input_shape.members[member].documentation
    parser = _FilterDocs()
    parser.feed(doc or "")
    # `tag` and `tag:<key>` both document the tag:<key> family (no filter is named `tag`).
    names = [html.unescape(n) for n in parser.names]
    tag = re.compile(r"tag(:<\w+>)?")
    return tuple(dict.fromkeys("tag:<key>" if tag.fullmatch(n) else n for n in names))


# --- Deriving a filter name's path into the described item -------------------------

# Where a call's items sit in its answer, when not in the answer's one list member.
_ITEMS: dict[str, tuple[str, ...]] = {"DescribeInstances": ("Reservations", "Instances")}

# A name whose path the shape cannot give (the name says it otherwise than the member
# names do, or two members would fit), as a prefix of the name and the member path it
# stands for; the rest of the name is derived from there. `None`: data no simulated
# resource has (Outposts, carrier IPs, ...) that the item's shape has no member for:
# accepted, matching nothing, as AWS answers it for an account without any.
Alias = dict[str, "tuple[str, ...] | None"]
_ALIASES: dict[str, Alias] = {}


def declare_aliases(action: str, table: Alias) -> None:
    """Declare `action`'s names that cannot be derived from its response shape."""
    _ALIASES.setdefault(action, {}).update(table)


def _norm(text: str) -> str:
    return text.replace("-", "").replace("_", "").lower()


def _forms(word: str) -> set[str]:
    """`entry` names `Entries`, `attachment` names `Attachments`."""
    out = {word, word + "s", word + "es"}
    if word.endswith("y"):
        out.add(word[:-1] + "ies")
    return out


def _unwrap(shape):
    while shape.type_name == "list":
        shape = shape.member
    return shape


def _derive(shape, parts: tuple[str, ...], depth: int = 0) -> tuple[str, ...] | None:
    """The member path of `shape` that the dotted name `parts` stands for: each part
    names a member (its words run together, singular for a list), a member ending or
    starting with those words when only one does, or a member of a nested structure
    (`block-device-mapping.volume-id` is BlockDeviceMappings[].Ebs.VolumeId)."""
    shape = _unwrap(shape)
    if not parts:
        return () if shape.type_name not in ("structure", "map") else None
    if shape.type_name != "structure":
        return None
    members = shape.members
    for k in range(len(parts), 0, -1):
        word, rest = _norm("".join(parts[:k])), parts[k:]
        for name in members:
            if _norm(name) in _forms(word):
                sub = _derive(members[name], rest, depth)
                if sub is not None:
                    return (name, *sub)
        found = []
        for name in members:
            n = _norm(name)
            if n.endswith(word) or n.startswith(word):
                sub = _derive(members[name], rest, depth)
                if sub is not None:
                    found.append((name, *sub))
        if len(found) == 1:
            return found[0]
    if depth < 2:
        found = []
        for name, member in members.items():
            if _unwrap(member).type_name == "structure":
                sub = _derive(member, parts, depth + 1)
                if sub is not None:
                    found.append((name, *sub))
        if len(found) == 1:
            return found[0]
    return None


@functools.cache
def item_shape(service: str, action: str):
    """The shape of one item `action` describes (`Instance` for DescribeInstances)."""
    shape = shapes.operation_model(service, action).output_shape
    path = _ITEMS.get(action)
    if path is None:
        lists = [n for n, m in shape.members.items() if m.type_name == "list"]
        path = tuple(lists[:1])
    for name in path:
        shape = _unwrap(shape.members[name])
    return shape


def _leaf(shape, path: tuple[str, ...]):
    for name in path:
        shape = _unwrap(_unwrap(shape).members[name])
    return _unwrap(shape)


# Bounded: names come from callers, and any text may be one.
@functools.lru_cache(maxsize=4096)
def path_of(service: str, action: str, name: str) -> tuple[tuple[str, ...], str] | None:
    """(member path, leaf type) of the filter `name` in `action`'s item, `((), "none")`
    for an accepted name no item has, None for a name `action` does not know."""
    shape = item_shape(service, action)
    table = _ALIASES.get(action, {})
    for prefix in sorted(table, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            base = table[prefix]
            if base is None:
                return (), "none"
            rest = tuple(name[len(prefix) + 1 :].split(".")) if name != prefix else ()
            sub = _derive(_leaf(shape, base), rest)
            if sub is not None:
                return (*base, *sub), _leaf(shape, (*base, *sub)).type_name
    if name not in documented(service, action):
        return None
    path = _derive(shape, tuple(name.split(".")))
    if path is None:
        return None
    return path, _leaf(shape, path).type_name


# --- Matching values the way AWS does ----------------------------------------------

_BOOLEANS = {True: "true", False: "false"}


def _text(value: object, kind: str) -> str:
    """A leaf value as the text a filter value is compared with: booleans `true`/
    `false`, timestamps in ISO 8601 UTC with milliseconds (`2021-09-29T11:04:43.305Z`,
    as AWS writes them in answers and documents the filters' values), numbers plain."""
    if isinstance(value, bool):
        return _BOOLEANS[value]
    if isinstance(value, dt.datetime):
        when = value.astimezone(dt.UTC) if value.tzinfo else value
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _when(text: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class _Value:
    """One filter value, ready to test leaves of one type."""

    def __init__(self, value: str, kind: str) -> None:
        self.pattern = describe.Wildcard(value)
        self.wild = describe.has_wildcards(value)
        self.kind = kind
        self.number: float | None = None
        self.when: dt.datetime | None = None
        if not self.wild and kind in ("integer", "long", "float", "double"):
            try:
                self.number = float(value.strip())
            except ValueError:
                self.number = None
        if not self.wild and kind == "timestamp":
            self.when = _when(value)
        self.flag = value.strip().lower() if kind == "boolean" else None

    def match(self, leaf: object) -> bool:
        if self.kind == "boolean" and isinstance(leaf, bool) and not self.wild:
            return self.flag == _BOOLEANS[leaf]
        if self.number is not None and isinstance(leaf, int | float) and not isinstance(leaf, bool):
            return float(leaf) == self.number
        if self.when is not None:
            when = leaf if isinstance(leaf, dt.datetime) else _when(str(leaf))
            if when is not None:
                when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
                return when.replace(microsecond=when.microsecond // 1000 * 1000) == self.when
        return self.pattern.match(_text(leaf, self.kind))


def leaves(item: object, path: tuple[str, ...]) -> list[object]:
    """The values at `path` in a described item, lists flattened on the way."""
    current = [item]
    for name in path:
        found = []
        for node in current:
            if isinstance(node, dict) and node.get(name) is not None:
                found.append(node[name])
        current = []
        for node in found:
            current.extend(node if isinstance(node, list) else [node])
    return current


class Check:
    """One filter evaluated on described items: true when any leaf at the filter's path
    matches any of its values (the values of one filter are ORed)."""

    def __init__(self, path: tuple[str, ...], kind: str, values: list[str]) -> None:
        self.path, self.kind = path, kind
        self.values = [_Value(v, kind) for v in values]

    def __call__(self, item: dict) -> bool:
        if self.kind == "none":
            return False
        found = leaves(item, self.path)
        return any(v.match(leaf) for leaf in found for v in self.values)


def invalid(name: str) -> AwsError:
    return errors.InvalidParameterValue(f"The filter '{name}' is invalid")


def check(service: str, action: str, name: str, values: list[str]) -> Check:
    """The in-memory test of the filter `name` of `action`, or AWS's error for a name
    the call does not know."""
    found = path_of(service, action, name)
    if found is None:
        raise invalid(name)
    return Check(found[0], found[1], values)


# --- A call's filter declaration ----------------------------------------------------


class Spec(dict):
    """A Describe call's filters: the names on database columns (as in
    describe.FilterSpec) and the call they belong to, so that every other name the
    call documents is matched on the described item (`render(row)`, the model's
    `describe()` by default) after the SQL filters, before paging."""

    def __init__(
        self,
        action: str,
        columns: dict | None = None,
        *,
        service: str = "ec2",
        aliases: Alias | None = None,
        render: Callable[[Model], dict] | None = None,
        prepare: Callable[[QuerySet], QuerySet] | None = None,
        rows: Callable[[QuerySet], QuerySet] | None = None,
        items: Callable[[list[dict]], list[dict]] | None = None,
    ) -> None:
        super().__init__(columns or {})
        self.action, self.service = action, service
        self.render = render or (lambda row: row.describe())
        self.prepare = prepare
        # A call with a plain-row read path: `rows` makes the query's values() rows and
        # `items` their described items, a chunk at a time, with no model object and no
        # query per row (render and prepare are then not used).
        self.rows, self.items = rows, items
        if aliases:
            declare_aliases(action, aliases)

    def checks(self, filters: list[dict]) -> list[Check]:
        # A filter without values matches nothing, as in AWS.
        return [
            check(
                self.service,
                self.action,
                f.get("Name") or "",
                [str(v) for v in f.get("Values") or []],
            )
            for f in filters
        ]


def is_tag_filter(name: str) -> bool:
    return (name.startswith("tag:") and len(name) > 4) or name in ("tag-key", "tag-value")


def split(filters: list[dict] | None, spec: dict) -> tuple[list[dict], list[dict]]:
    """The filters `spec` answers with columns (and the tag filters every resource has),
    and the others, in the order given."""
    sql, memory = [], []
    for f in filters or []:
        name = f.get("Name") or ""
        (sql if name in spec or is_tag_filter(name) else memory).append(f)
    return sql, memory


_CHUNK = 500


def narrow(qs: QuerySet, memory: list[dict], spec: Spec) -> QuerySet:
    """`qs` narrowed to the rows whose described item passes every filter of `memory`
    (filters are ANDed). Paging then runs on the narrowed query as on any other."""
    checks = spec.checks(memory)
    if not checks:
        return qs
    if spec.rows is not None and spec.items is not None:
        keep: list[int] = []
        found = spec.rows(qs.order_by("pk")).iterator(chunk_size=_CHUNK)
        while chunk := list(itertools.islice(found, _CHUNK)):
            for row, item in zip(chunk, spec.items(chunk), strict=True):
                if all(c(item) for c in checks):
                    keep.append(row["pk"])
        return qs.filter(pk__in=keep)
    rows = spec.prepare(qs) if spec.prepare else qs
    keep = [
        row.pk
        for row in rows.order_by("pk").iterator(chunk_size=500)
        if all(c(spec.render(row)) for c in checks)
    ]
    return qs.filter(pk__in=keep)


def filter_items(items: list[dict], filters: list[dict] | None, spec: Spec) -> list[dict]:
    """Filters of a call whose items are not in PostgreSQL (images, instance types,
    zones): names of `spec` give an item's values (a function of the item), tag filters
    read `Tags`, every other documented name is derived from the response shape."""
    for f in filters or []:
        name = f.get("Name") or ""
        values = [str(v) for v in f.get("Values") or []]
        if name in spec:
            patterns = [describe.Wildcard(v) for v in values]
            get = spec[name]
            items = [
                i for i in items if any(p.match(_text(v, "")) for v in get(i) for p in patterns)
            ]
        elif is_tag_filter(name):
            items = [i for i in items if _tag_match(i, name, values)]
        else:
            test = check(spec.service, spec.action, name, values)
            items = [i for i in items if test(i)]
    return items


def _tag_match(item: dict, name: str, values: list[str]) -> bool:
    tags = item.get("Tags") or []
    patterns = [describe.Wildcard(v) for v in values]
    if name.startswith("tag:"):
        found = [t.get("Value", "") for t in tags if t.get("Key") == name[4:]]
    else:
        found = [t.get(("Key" if name == "tag-key" else "Value"), "") for t in tags]
    return any(p.match(v) for v in found for p in patterns)
