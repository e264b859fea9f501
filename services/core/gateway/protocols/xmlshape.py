"""Shapes to XML and back, shared by the query, ec2 and rest-xml protocols.

Element names come from the model (`locationName`, else the member name); lists are
wrapped (`<Items><member>..</member></Items>`, EC2's `<item>`) unless `flattened`;
maps are `<entry><key/><value/></entry>`; `xmlAttribute` members are attributes.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from xml.etree import ElementTree as ET

from botocore.model import Shape

from services.core.gateway.protocols import values

_NS = re.compile(r"^\{.*?\}")


def member_name(shape: Shape, name: str) -> str:
    """The element name of a structure member. A flattened list whose member has a
    name of its own repeats under that name."""
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        inner = shape.member.serialization.get("name")
        if inner:
            return inner
    return shape.serialization.get("name", name)


def member_names(shape: Shape, name: str) -> list[str]:
    """The element names a member may arrive under when reading, botocore's choice
    first (Smithy-generated clients name flattened lists and renamed shapes by the
    member)."""
    names = [member_name(shape, name)]
    for other in (shape.serialization.get("name"), name):
        if other and other not in names:
            names.append(other)
    return names


def add_namespace(shape: Shape, node: ET.Element, default: object = None) -> None:
    namespace = shape.serialization.get("xmlNamespace", default)
    if not namespace:
        return
    if isinstance(namespace, dict):
        attribute = "xmlns" + (f":{namespace['prefix']}" if namespace.get("prefix") else "")
        node.set(attribute, namespace["uri"])
    else:
        node.set("xmlns", str(namespace))


# --- writing -----------------------------------------------------------------------------


# How each shape is written, worked out once per shape (botocore keeps its shapes, so a
# plan lives as long as the model): a page of 1,000 instances then costs a dictionary
# read per value instead of a walk of the model's serialization details.
_plans: dict[int, tuple[Shape, tuple]] = {}


def _namespace(shape: Shape) -> tuple[str, str] | None:
    namespace = shape.serialization.get("xmlNamespace")
    if not namespace:
        return None
    if isinstance(namespace, dict):
        attribute = "xmlns" + (f":{namespace['prefix']}" if namespace.get("prefix") else "")
        return attribute, namespace["uri"]
    return "xmlns", str(namespace)


def _plan(shape: Shape) -> tuple:
    found = _plans.get(id(shape))
    if found is not None and found[0] is shape:
        return found[1]
    kind = shape.type_name
    if kind == "structure":
        members = tuple(
            (
                name,
                member,
                member.serialization.get("location"),
                member.serialization.get("name", name)
                if member.serialization.get("xmlAttribute")
                else None,
                member_name(member, name),
            )
            for name, member in shape.members.items()
        )
        plan: tuple = ("structure", _namespace(shape), members)
    elif kind == "list":
        member = shape.member
        plan = (
            "list",
            _namespace(shape),
            member,
            bool(shape.serialization.get("flattened")),
            member.serialization.get("name", "member"),
        )
    elif kind == "map":
        plan = (
            "map",
            _namespace(shape),
            shape.key,
            shape.value,
            shape.key.serialization.get("name", "key"),
            shape.value.serialization.get("name", "value"),
            bool(shape.serialization.get("flattened")),
        )
    else:
        plan = ("scalar", _namespace(shape), kind)
    _plans[id(shape)] = (shape, plan)
    return plan


def _scalar(shape: Shape, kind: str, value: object) -> str:
    if kind == "string":
        return value if type(value) is str else str(value)  # type: ignore[return-value]
    if kind in ("integer", "long"):
        return str(value)
    return values.scalar_text(shape, value)


def write(parent: ET.Element, shape: Shape, value: object, name: str) -> None:
    """Append `value` (of `shape`) to `parent` as element(s) called `name`."""
    if value is None:
        return
    plan = _plan(shape)
    kind = plan[0]
    if kind == "scalar":
        node = ET.SubElement(parent, name)
        node.text = _scalar(shape, plan[2], value)
        if plan[1]:
            node.set(*plan[1])
    elif kind == "structure":
        node = ET.SubElement(parent, name)
        if plan[1]:
            node.set(*plan[1])
        _write_planned(node, plan[2], value, frozenset())  # type: ignore[arg-type]
    elif kind == "list":
        _, namespace, member, flattened, item_name = plan
        if flattened:
            for item in value:  # type: ignore[attr-defined]
                write(parent, member, item, name)
            return
        node = ET.SubElement(parent, name)
        if namespace:
            node.set(*namespace)
        for item in value:  # type: ignore[attr-defined]
            write(node, member, item, item_name)
    else:
        _, namespace, key_shape, value_shape, key_name, value_name, flattened = plan
        holder = parent if flattened else ET.SubElement(parent, name)
        if not flattened and namespace:
            holder.set(*namespace)
        for key, item in value.items():  # type: ignore[attr-defined]
            entry = ET.SubElement(holder, name if flattened else "entry")
            write(entry, key_shape, key, key_name)
            write(entry, value_shape, item, value_name)


def _write_planned(node: ET.Element, members: tuple, value: dict, skip: frozenset[str]) -> None:
    get = value.get
    for name, member, location, attribute, element in members:
        item = get(name)
        if item is None:
            continue
        if location is not None and location in skip:
            continue
        if attribute is not None:
            node.set(attribute, values.scalar_text(member, item))
            continue
        write(node, member, item, element)


def write_members(
    node: ET.Element, shape: Shape, value: dict, *, skip: frozenset[str] = frozenset()
) -> None:
    """Write the members of structure `value` into `node` (in the model's order)."""
    _write_planned(node, _plan(shape)[2], value, skip)


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;", "\n": "&#xA;",
     "\t": "&#x9;"}
)  # fmt: skip


# Characters XML 1.0 cannot carry at all, not even as references (control characters,
# lone surrogates): an echoed input holding one would make the whole answer unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _serialize(node: ET.Element, out: list[str]) -> None:
    out.append("<" + node.tag)
    for key, value in node.attrib.items():
        out.append(f' {key}="{xml_text(str(value)).translate(_ATTR_ESCAPES)}"')
    if node.text is None and not len(node):
        out.append("/>")
        return
    out.append(">")
    if node.text:
        # ElementTree would leave a carriage return bare, and XML parsers drop those.
        out.append(xml_text(node.text).translate(_TEXT_ESCAPES))
    for child in node:
        _serialize(child, out)
    out.append(f"</{node.tag}>")


def to_bytes(root: ET.Element) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    _serialize(root, out)
    return "".join(out).encode("utf-8")


# --- writing straight to text ------------------------------------------------------------
#
# The query and EC2 protocols write whole answers as text (a page of 1,000 instances is
# some 100,000 elements): a writer per shape, made once from the model, appends the
# element's text to a list. The text is what ElementTree and _serialize above make of
# the same value (`<a/>` for an element with nothing in it, `<a></a>` for empty text).

Emit = Callable[[list[str], object, str], None]
_emitters: dict[int, tuple[Shape, Emit]] = {}
_building: dict[int, tuple[Shape, Emit]] = {}  # made by the thread holding the lock
_building_lock = threading.RLock()


# Escaped texts by text: answers repeat the same few (states, types, zones, ids of
# one page's VPC) thousands of times. Bounded, short texts only.
_escaped: dict[str, str] = {}


def escape_text(text: str) -> str:
    found = _escaped.get(text)
    if found is not None:
        return found
    escaped = text if text.isascii() and text.isprintable() else xml_text(text)
    escaped = escaped.translate(_TEXT_ESCAPES)
    if len(text) <= 64:
        if len(_escaped) >= 50_000:
            _escaped.clear()
        _escaped[text] = escaped
    return escaped


def escape_attribute(text: str) -> str:
    return xml_text(text).translate(_ATTR_ESCAPES)


def _namespace_text(shape: Shape) -> str:
    found = _namespace(shape)
    return f' {found[0]}="{escape_attribute(found[1])}"' if found else ""


def emitter(shape: Shape) -> Emit:
    """The writer of `shape`: emit(out, value, name) appends `value` as element(s)
    called `name`; None appends nothing."""
    found = _emitters.get(id(shape))
    if found is not None and found[0] is shape:
        return found[1]
    # Web threads answer at once the first calls of a shape: one builds its writers and
    # publishes them only when all are whole (a half-made one raised IndexError, or
    # wrote elements twice, in the other threads).
    with _building_lock:
        found = _emitters.get(id(shape)) or _building.get(id(shape))
        if found is not None and found[0] is shape:
            return found[1]
        outermost = not _building
        made: list[Emit] = []

        def recursive(out: list[str], value: object, name: str) -> None:
            made[0](out, value, name)  # a shape that contains itself, while it is being made

        _building[id(shape)] = (shape, recursive)
        try:
            emit = _make_emitter(shape)
            made.append(emit)
            _building[id(shape)] = (shape, emit)
            if outermost:
                _emitters.update(_building)
        finally:
            if outermost:
                _building.clear()
        return emit


def close_element(out: list[str], start: int, name: str, attributes: str) -> None:
    """Fill in the opening tag reserved at `start`: `<name/>` if nothing followed."""
    if len(out) == start + 1:
        out[start] = f"<{name}{attributes}/>"
    else:
        out[start] = f"<{name}{attributes}>"
        out.append(f"</{name}>")


def member_plan(shape: Shape) -> list[tuple[str, Shape, str | None, str | None, Emit]]:
    """(member, its shape, location, attribute name or None, element name, writer)."""
    return [
        (name, member, location, attribute, element, emitter(member))
        for name, member, location, attribute, element in _plan(shape)[2]
    ]


def emit_members(
    out: list[str], members: list, value: dict, skip: frozenset[str] = frozenset()
) -> str:
    """Append the members of structure `value`; returns its attributes' text."""
    attributes = ""
    get = value.get
    for name, member, location, attribute, element, emit in members:
        item = get(name)
        if item is None or (location is not None and location in skip):
            continue
        if attribute is not None:
            attributes += f' {attribute}="{escape_attribute(values.scalar_text(member, item))}"'
            continue
        emit(out, item, element)
    return attributes


def _structure_writer(members: list, namespace: str) -> Emit:
    """The writer of a structure without XML attributes as one function, its members
    written in line: a page of 1,000 instances has some 60,000 structures and 170,000
    strings, and a call per member was most of the time. What it appends is what
    `emit_members` and the members' own writers append, text for text. The generated
    source names only indices; element names and writers are constants of its globals."""
    scope: dict = {"_escaped_get": _escaped.get, "escape_text": escape_text, "str": str}
    lines = [
        "def structure(out, value, name):",
        "    if value is None:",
        "        return",
        "    append = out.append",
        "    start = len(out)",
        '    append("")',
        "    get = value.get",
    ]
    for i, (name, member, _location, _attribute, element, emit) in enumerate(members):
        scope[f"K{i}"], scope[f"W{i}"] = name, emit
        scope[f"E{i}"], scope[f"O{i}"], scope[f"C{i}"] = element, f"<{element}>", f"</{element}>"
        plan = _plan(member)
        simple = plan[0] == "scalar" and not _namespace_text(member)
        lines += [f"    v = get(K{i})", "    if v is not None:"]
        if simple and plan[2] == "string":
            lines += [
                "        t = v if type(v) is str else str(v)",
                "        e = _escaped_get(t)",
                f"        append(O{i} + (escape_text(t) if e is None else e) + C{i})",
            ]
        elif simple and plan[2] == "boolean":
            lines.append(f'        append(O{i} + ("true" if v else "false") + C{i})')
        elif simple and plan[2] in ("integer", "long"):
            lines.append(f"        append(O{i} + escape_text(str(v)) + C{i})")
        else:
            lines.append(f"        W{i}(out, v, E{i})")
    scope["NS"] = namespace
    lines += [
        "    if len(out) == start + 1:",
        '        out[start] = "<" + name + NS + "/>"',
        "    else:",
        '        out[start] = "<" + name + NS + ">"',
        '        append("</" + name + ">")',
    ]
    exec("\n".join(lines), scope)  # the source is made above from indices only
    return scope["structure"]


def _make_emitter(shape: Shape) -> Emit:
    plan = _plan(shape)
    kind = plan[0]
    namespace = _namespace_text(shape)
    if kind == "structure":
        members: list = []
        written: list[Emit] = []

        def structure(out: list[str], value: object, name: str) -> None:
            if value is None:
                return
            if written:
                written[0](out, value, name)
                return
            if not members and plan[2]:
                with _building_lock:  # not twice: two threads would both extend it
                    if not members:
                        members.extend(member_plan(shape))
                        if not any(m[3] for m in members):
                            written.append(_structure_writer(members, namespace))
            start = len(out)
            out.append("")
            attributes = emit_members(out, members, value)  # type: ignore[arg-type]
            close_element(out, start, name, namespace + attributes)

        return structure
    if kind == "list":
        _, _, member, flattened, item_name = plan
        item_emit: list[Emit] = []

        def listing(out: list[str], value: object, name: str) -> None:
            if value is None:
                return
            if not item_emit:
                item_emit.append(emitter(member))
            emit = item_emit[0]
            if flattened:
                for item in value:  # type: ignore[attr-defined]
                    emit(out, item, name)
                return
            start = len(out)
            out.append("")
            for item in value:  # type: ignore[attr-defined]
                emit(out, item, item_name)
            close_element(out, start, name, namespace)

        return listing
    if kind == "map":
        _, _, key_shape, value_shape, key_name, value_name, flattened = plan
        parts: list[Emit] = []

        def mapping(out: list[str], value: object, name: str) -> None:
            if value is None:
                return
            if not parts:
                parts.extend((emitter(key_shape), emitter(value_shape)))
            start = len(out)
            if not flattened:
                out.append("")
            entry_name = name if flattened else "entry"
            for key, item in value.items():  # type: ignore[attr-defined]
                entry = len(out)
                out.append("")
                parts[0](out, key, key_name)
                parts[1](out, item, value_name)
                close_element(out, entry, entry_name, "")
            if not flattened:
                close_element(out, start, name, namespace)

        return mapping
    scalar_kind = plan[2]
    if scalar_kind == "string":

        def string(out: list[str], value: object, name: str) -> None:
            if value is None:
                return
            text = value if type(value) is str else str(value)
            out.append(f"<{name}{namespace}>{escape_text(text)}</{name}>")  # type: ignore[arg-type]

        return string
    if scalar_kind in ("integer", "long", "boolean"):

        def number(out: list[str], value: object, name: str) -> None:
            if value is None:
                return
            text = ("true" if value else "false") if scalar_kind == "boolean" else str(value)
            out.append(f"<{name}{namespace}>{escape_text(text)}</{name}>")

        return number

    if scalar_kind == "timestamp":
        # A page's instances share their launch times by the batch: each is formatted once.
        formatted: dict[object, str] = {}

        def timestamp(out: list[str], value: object, name: str) -> None:
            if value is None:
                return
            text = formatted.get(value) if isinstance(value, dt.datetime) else None
            if text is None:
                text = escape_text(values.scalar_text(shape, value))
                if isinstance(value, dt.datetime):
                    if len(formatted) >= 10_000:
                        formatted.clear()
                    formatted[value] = text
            out.append(f"<{name}{namespace}>{text}</{name}>")

        return timestamp

    def other(out: list[str], value: object, name: str) -> None:
        if value is None:
            return
        out.append(f"<{name}{namespace}>{escape_text(values.scalar_text(shape, value))}</{name}>")

    return other


# --- reading -----------------------------------------------------------------------------


def tag(node: ET.Element) -> str:
    return _NS.sub("", node.tag)


def children_by_name(node: ET.Element) -> dict[str, list[ET.Element]]:
    found: dict[str, list[ET.Element]] = {}
    for child in node:
        found.setdefault(tag(child), []).append(child)
    return found


def read(shape: Shape, nodes: list[ET.Element]) -> object:
    """The value of `shape` held by `nodes` (one node, or the repeats of a flattened
    list or map)."""
    kind = shape.type_name
    if kind == "list":
        if shape.serialization.get("flattened"):
            return [read(shape.member, [n]) for n in nodes]
        return [read(shape.member, [child]) for child in nodes[0]]
    if kind == "map":
        entries = nodes if shape.serialization.get("flattened") else list(nodes[0])
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        result = {}
        for entry in entries:
            parts = children_by_name(entry)
            if key_name not in parts:
                continue
            key = read(shape.key, parts[key_name])
            result[key] = read(shape.value, parts[value_name]) if value_name in parts else None
        return result
    node = nodes[0]
    if kind == "structure":
        return read_members(shape, node)
    text = node.text or ""
    if kind == "string":
        return text
    return values.parse_scalar(shape, text)


def read_members(shape: Shape, node: ET.Element, *, skip: frozenset[str] = frozenset()) -> dict:
    parts = children_by_name(node)
    result = {}
    for name, member in shape.members.items():
        if member.serialization.get("location") in skip:
            continue
        if member.serialization.get("xmlAttribute"):
            wanted = member.serialization.get("name", name)
            for attr, text in node.attrib.items():
                if attr == wanted or (
                    attr.startswith("{")
                    and ":" in wanted
                    and _NS.sub("", attr) == wanted.split(":")[1]
                ):
                    result[name] = values.parse_scalar(member, text)
            continue
        found = next((parts[n] for n in member_names(member, name) if n in parts), None)
        if found:
            result[name] = read(member, found)
    return result


def parse_document(body: bytes) -> ET.Element:
    """Parse an XML request body. Entities and DTDs are refused."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise ET.ParseError("DTDs are not allowed")
    return ET.fromstring(body)
