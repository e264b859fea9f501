"""Shapes to XML and back, shared by the query, ec2 and rest-xml protocols.

Element names come from the model (`locationName`, else the member name); lists are
wrapped (`<Items><member>..</member></Items>`, EC2's `<item>`) unless `flattened`;
maps are `<entry><key/><value/></entry>`; `xmlAttribute` members are attributes.
"""

from __future__ import annotations

import re
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


def write(parent: ET.Element, shape: Shape, value: object, name: str) -> None:
    """Append `value` (of `shape`) to `parent` as element(s) called `name`."""
    if value is None:
        return
    kind = shape.type_name
    if kind == "structure":
        node = ET.SubElement(parent, name)
        add_namespace(shape, node)
        write_members(node, shape, value)  # type: ignore[arg-type]
    elif kind == "list":
        member = shape.member
        if shape.serialization.get("flattened"):
            for item in value:  # type: ignore[attr-defined]
                write(parent, member, item, name)
            return
        node = ET.SubElement(parent, name)
        add_namespace(shape, node)
        item_name = member.serialization.get("name", "member")
        for item in value:  # type: ignore[attr-defined]
            write(node, member, item, item_name)
    elif kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        flattened = shape.serialization.get("flattened")
        holder = parent if flattened else ET.SubElement(parent, name)
        if not flattened:
            add_namespace(shape, holder)
        for key, item in value.items():  # type: ignore[attr-defined]
            entry = ET.SubElement(holder, name if flattened else "entry")
            write(entry, shape.key, key, key_name)
            write(entry, shape.value, item, value_name)
    else:
        node = ET.SubElement(parent, name)
        node.text = values.scalar_text(shape, value)
        add_namespace(shape, node)


def write_members(
    node: ET.Element, shape: Shape, value: dict, *, skip: frozenset[str] = frozenset()
) -> None:
    """Write the members of structure `value` into `node` (in the model's order)."""
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        if member.serialization.get("location") in skip:
            continue
        if member.serialization.get("xmlAttribute"):
            node.set(member.serialization.get("name", name), values.scalar_text(member, item))
            continue
        write(node, member, item, member_name(member, name))


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
