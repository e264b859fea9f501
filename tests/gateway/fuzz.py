"""A seeded generator of bad AWS requests, from botocore's models.

Each case starts from a plausible input for one operation (required members filled in,
ids of real resources where a member names one) and bends it one way: a required
member left out, a string far over any limit, a number out of range, a value of the
wrong type, an unknown member, a bad enum, control characters; or, at the wire level,
a body that is not JSON/XML/a form, a bad query string, a wrong or missing Action,
Version or X-Amz-Target, a wrong content type. The same seed gives the same cases.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from botocore.model import OperationModel, Shape

from tests.gateway.live import Wire, model, serialized


@dataclass
class Case:
    service: str
    operation: str
    kind: str  # which bending, e.g. "oversized-string"
    detail: str  # what exactly: "Description = 'x' * 70000"
    wire: Wire
    signing_name: str
    protocol: str

    def __str__(self) -> str:
        return f"{self.service}:{self.operation} [{self.kind}] {self.detail}"


_STRING_SAMPLES = ["fuzz", "fuzz-1", "a", "/", "x.y", "10.0.0.0/16", "2026-01-01T00:00:00Z"]
_ODD_STRINGS = ["", " ", "\x00", "a\x00b", "\x01\x1f", "é\u202e", "\ufeff", "*" * 600,
                "%00", "../../etc/passwd", "<a>&amp;</a>", "'\"`", "${x}", "\\", "1e999",
                "NaN"]  # fmt: skip
_ODD_NUMBERS = [-1, 0, -(2**31) - 1, 2**31, 2**63, -(2**63) - 1, 10**40]
_WRONG_BY_TYPE: dict[str, list] = {
    "string": [12345, True, 1.5],
    "integer": ["abc", "1.5", "", " 1", "0x10", "1e3"],
    "long": ["abc", "9" * 40, ""],
    "float": ["abc", "nan", "inf", ""],
    "double": ["abc", "-inf", ""],
    "boolean": ["maybe", "2", "", "TRUE "],
    "timestamp": ["not-a-date", "2026-13-45T99:99:99Z", "-1", "1e20", ""],
    "blob": [12345],
    "list": ["scalar"],
    "map": ["scalar"],
    "structure": ["scalar"],
}

_BAD_JSON = [b"{", b"{'a': 1}", b"\xff\xfe", b'{"a": 1e999}', b'{"a": NaN}', b"\xef\xbb\xbf{}",
             b"{}{}", b'{"a":"\\ud800"}']  # fmt: skip
_BAD_XML = [b"<", b"not xml", b"<a></b>", b"\xff\xfe<a/>", b"<a>\x00</a>",
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>']  # fmt: skip


class Generator:
    def __init__(self, seed: int, ids: dict[str, str] | None = None) -> None:
        # `ids`: member name -> a resource the run created first (VpcId -> vpc-...), so
        # that cases reach past "not found" into the operations' own checks.
        self.rng = random.Random(seed)
        self.ids = ids or {}

    # --- plausible inputs ------------------------------------------------------------

    def sample(self, shape: Shape, name: str = "", depth: int = 0) -> object:
        kind = shape.type_name
        if kind == "structure":
            out = {}
            for member_name, member in shape.members.items():
                wanted = member_name in shape.required_members or (
                    depth < 3 and self.rng.random() < 0.25
                )
                if wanted and not member.serialization.get("eventstream"):
                    out[member_name] = self.sample(member, member_name, depth + 1)
            return out
        if kind == "list":
            count = self.rng.choice([1, 1, 2]) if depth < 4 else 0
            return [self.sample(shape.member, name, depth + 1) for _ in range(count)]
        if kind == "map":
            if depth >= 4:
                return {}
            return {"fuzz-key": self.sample(shape.value, "", depth + 1)}
        if kind == "string":
            if shape.enum:
                return self.rng.choice(shape.enum)
            if name in self.ids and self.rng.random() < 0.8:
                return self.ids[name]
            text = self.rng.choice(_STRING_SAMPLES)
            low = shape.metadata.get("min", 0)
            return text.ljust(low, "x")[: shape.metadata.get("max", 10**6)]
        if kind in ("integer", "long"):
            low = int(shape.metadata.get("min", 1))
            high = int(shape.metadata.get("max", low + 10))
            return self.rng.randint(low, max(low, min(high, low + 10)))
        if kind in ("float", "double"):
            return 1.5
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "timestamp":
            return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        if kind == "blob":
            return b"fuzz"
        return None

    # --- paths into an input ---------------------------------------------------------

    def _paths(self, shape: Shape, value: object, path: tuple = ()) -> Iterator[tuple]:
        """(path, shape, parent shape, member name) of every value present in `value`."""
        if shape.type_name == "structure" and isinstance(value, dict):
            for name, item in value.items():
                member = shape.members.get(name)
                if member is None:
                    continue
                yield (*path, name), member, shape, name
                yield from self._paths(member, item, (*path, name))
        elif shape.type_name == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                yield (*path, i), shape.member, shape, ""
                yield from self._paths(shape.member, item, (*path, i))
        elif shape.type_name == "map" and isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key), shape.value, shape, ""
                yield from self._paths(shape.value, item, (*path, key))

    @staticmethod
    def _set(root: dict, path: tuple, value: object) -> None:
        node = root
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    @staticmethod
    def _delete(root: dict, path: tuple) -> None:
        node = root
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    # --- bendings of the input -------------------------------------------------------

    def _pick(self, op: OperationModel, params: dict, want: Callable[[Shape], bool]):
        if op.input_shape is None:
            return None
        found = [p for p in self._paths(op.input_shape, params) if want(p[1])]
        return self.rng.choice(found) if found else None

    @staticmethod
    def _located(shape: Shape) -> bool:
        return shape.serialization.get("location") in ("uri", "header", "headers", "querystring")

    def bend_params(self, op: OperationModel, params: dict) -> tuple[str, str]:
        """Change `params` one bad way; (kind, detail)."""
        shape = op.input_shape
        kinds = ["valid", "missing-required", "oversized-string", "out-of-range", "wrong-type",
                 "bad-enum", "odd-string", "empty-list"]  # fmt: skip
        kind = self.rng.choice(kinds)
        if kind == "missing-required" and shape is not None:
            required = [(p, s) for p, s, parent, name in self._paths(shape, params)
                        if name and name in parent.required_members]  # fmt: skip
            if required:
                path, _ = self.rng.choice(required)
                self._delete(params, path)
                return kind, f"without {'.'.join(map(str, path))}"
        if kind == "oversized-string":
            found = self._pick(op, params, lambda s: s.type_name == "string")
            if found:
                size = self.rng.choice([1001, 2049, 4097, 70000])
                if self._located(found[1]) or found[1].serialization.get("location"):
                    size = min(size, 2049)  # URLs and headers have the server's own limits
                self._set(params, found[0], "x" * size)
                return kind, f"{'.'.join(map(str, found[0]))} = 'x' * {size}"
        if kind == "out-of-range":
            found = self._pick(op, params, lambda s: s.type_name in ("integer", "long"))
            if found:
                value = self.rng.choice(_ODD_NUMBERS)
                self._set(params, found[0], value)
                return kind, f"{'.'.join(map(str, found[0]))} = {value}"
        if kind == "wrong-type":
            found = self._pick(op, params, lambda s: s.type_name in _WRONG_BY_TYPE)
            if found:
                value = self.rng.choice(_WRONG_BY_TYPE[found[1].type_name])
                self._set(params, found[0], value)
                return kind, f"{'.'.join(map(str, found[0]))} = {value!r}"
        if kind == "bad-enum":
            found = self._pick(op, params, lambda s: s.type_name == "string" and bool(s.enum))
            if found:
                self._set(params, found[0], "NotAnEnumValue")
                return kind, f"{'.'.join(map(str, found[0]))} = 'NotAnEnumValue'"
        if kind == "odd-string":
            found = self._pick(op, params, lambda s: s.type_name == "string")
            if found:
                value = self.rng.choice(_ODD_STRINGS)
                if found[1].serialization.get("location") == "header":
                    value = value.replace("\x00", "").replace("\x01\x1f", "\x7f")
                self._set(params, found[0], value)
                return kind, f"{'.'.join(map(str, found[0]))} = {value!r}"
        if kind == "empty-list":
            found = self._pick(op, params, lambda s: s.type_name == "list")
            if found:
                self._set(params, found[0], [])
                return kind, f"{'.'.join(map(str, found[0]))} = []"
        return "valid", "a plausible input"

    # --- wire-level bendings, per protocol -------------------------------------------

    def bend_query(self, wire: Wire, version: str, action: str) -> tuple[str, str]:
        kinds = ["bad-action", "missing-action", "bad-version", "missing-version",
                 "bad-query-string", "deep-key", "huge-index", "unknown-member",
                 "json-content-type", "text-content-type", "bad-body-bytes", "empty-body",
                 "target-header", "duplicate-key", "action-in-query"]  # fmt: skip
        kind = self.rng.choice(kinds)
        form = wire.body.decode()
        if kind == "bad-action":
            wire.body = form.replace(f"Action={action}", "Action=NoSuchAction", 1).encode()
            return kind, "Action=NoSuchAction"
        if kind == "missing-action":
            wire.body = form.replace(f"Action={action}", "", 1).encode()
            return kind, "no Action"
        if kind == "bad-version":
            wire.body = form.replace(f"Version={version}", "Version=1999-01-01", 1).encode()
            return kind, "Version=1999-01-01"
        if kind == "missing-version":
            wire.body = form.replace(f"Version={version}", "", 1).encode()
            return kind, "no Version"
        if kind == "bad-query-string":
            junk = self.rng.choice(["%zz=%ff", "=", "&&&", "a", "%", "Filter.1.Name.1.2=x",
                                    "Tag.%00=1", "x=" + "%" * 10, "Foo.member.=1",
                                    "MaxResults=1&MaxResults=2"])  # fmt: skip
            wire.path += ("&" if "?" in wire.path else "?") + junk
            return kind, f"query string + {junk!r}"
        if kind == "deep-key":
            depth = self.rng.choice([50, 500, 5000])
            key = ".".join(["1"] * depth)
            wire.body = f"{form}&Filter.{key}=x".encode()
            return kind, f"Filter.1.1... ({depth} levels)"
        if kind == "huge-index":
            wire.body = f"{form}&Filter.99999999999999999999999.Name=x".encode()
            return kind, "Filter.<10**23>.Name"
        if kind == "unknown-member":
            wire.body = f"{form}&NoSuchMember=1&Bogus.member.1=x".encode()
            return kind, "NoSuchMember=1"
        if kind == "json-content-type":
            wire.headers["Content-Type"] = "application/json"
            if self.rng.random() < 0.5:
                wire.body = json.dumps({"Action": action, "Version": version}).encode()
            return kind, "Content-Type: application/json"
        if kind == "text-content-type":
            wire.headers["Content-Type"] = self.rng.choice(
                ["text/plain", "application/xml", "multipart/form-data; boundary=x", ""]
            )
            return kind, f"Content-Type: {wire.headers['Content-Type']!r}"
        if kind == "bad-body-bytes":
            wire.body = wire.body + b"&Name=\xff\xfe\x00"
            return kind, "invalid UTF-8 in the form"
        if kind == "empty-body":
            wire.body = b""
            return kind, "empty body"
        if kind == "target-header":
            wire.headers["X-Amz-Target"] = f"Foo.{action}"
            return kind, "X-Amz-Target on a query request"
        if kind == "duplicate-key":
            wire.body = f"{form}&Action=Other{action}".encode()
            return kind, "Action twice"
        wire.path += ("&" if "?" in wire.path else "?") + f"Action={quote(action)}"
        wire.body = form.replace(f"Action={action}", "", 1).encode()
        return kind, "Action in the query string, the rest in the form"

    def bend_json(self, wire: Wire, prefix: str, action: str) -> tuple[str, str]:
        kinds = ["bad-json", "wrong-target", "missing-target", "wrong-content-type",
                 "empty-body", "unknown-member", "not-an-object", "deep-json"]  # fmt: skip
        kind = self.rng.choice(kinds)
        if kind == "bad-json":
            wire.body = self.rng.choice([*_BAD_JSON, wire.body[: len(wire.body) // 2]])
            return kind, f"body {wire.body[:40]!r}"
        if kind == "wrong-target":
            wire.headers["X-Amz-Target"] = self.rng.choice(
                [f"{prefix}.NoSuchAction", f"Wrong.{action}", f"{prefix}.", "."]
            )
            return kind, f"X-Amz-Target: {wire.headers['X-Amz-Target']}"
        if kind == "missing-target":
            wire.headers.pop("X-Amz-Target", None)
            return kind, "no X-Amz-Target"
        if kind == "wrong-content-type":
            wire.headers["Content-Type"] = self.rng.choice(
                ["application/x-www-form-urlencoded", "text/plain", "application/json"]
            )
            return kind, f"Content-Type: {wire.headers['Content-Type']}"
        if kind == "empty-body":
            wire.body = b""
            return kind, "empty body"
        if kind == "unknown-member":
            body = json.loads(wire.body or b"{}")
            body["NoSuchMember"] = {"x": [1, 2]}
            wire.body = json.dumps(body).encode()
            return kind, "NoSuchMember"
        if kind == "not-an-object":
            wire.body = self.rng.choice([b"[]", b"null", b'"text"', b"42", b"true"])
            return kind, f"body {wire.body!r}"
        depth = self.rng.choice([100, 2000, 100000])
        wire.body = b'{"a":' + b"[" * depth + b"]" * depth + b"}"
        return kind, f"arrays nested {depth} deep"

    def bend_rest_xml(self, wire: Wire, op: OperationModel) -> tuple[str, str]:
        kinds = ["bad-xml", "bad-query-value", "unknown-query", "bad-header", "deep-xml"]
        kind = self.rng.choice(kinds)
        has_body = bool(wire.body) or bool(
            op.input_shape and op.input_shape.serialization.get("payload")
        )
        if kind in ("bad-xml", "deep-xml") and not has_body:
            kind = "bad-query-value"
        if kind == "bad-xml":
            wire.body = self.rng.choice([*_BAD_XML, wire.body[:-3] or b"<x"])
            return kind, f"body {wire.body[:40]!r}"
        if kind == "deep-xml":
            depth = self.rng.choice([100, 5000, 100000])
            wire.body = b"<a>" * depth + b"</a>" * depth
            return kind, f"XML nested {depth} deep"
        if kind == "bad-query-value":
            junk = self.rng.choice(["max-keys=abc", "max-keys=-1", "max-keys=99999999999999999999",
                                    "partNumber=0", "partNumber=abc", "versionId=%00",
                                    "uploadId=", "%zz", "prefix=%ff", "list-type=3",
                                    "encoding-type=bogus", "max-uploads=1e3"])  # fmt: skip
            wire.path += ("&" if "?" in wire.path else "?") + junk
            return kind, f"query + {junk}"
        if kind == "unknown-query":
            wire.path += ("&" if "?" in wire.path else "?") + "no-such-parameter=1"
            return kind, "query + no-such-parameter=1"
        name, value = self.rng.choice([
            ("Content-MD5", "not-base64"), ("Range", "bytes=9-1"), ("Range", "bytes=abc"),
            ("If-Modified-Since", "yesterday"), ("x-amz-date", "2026"),
            ("x-amz-content-sha256", "deadbeef"), ("x-amz-checksum-crc32", "!!"),
            ("x-amz-object-lock-retain-until-date", "never"), ("x-amz-mfa", "1 2 3"),
            ("x-amz-expected-bucket-owner", "not-an-account"), ("Expect", "200-ok"),
        ])  # fmt: skip
        wire.headers[name] = value
        return kind, f"header {name}: {value}"

    # --- cases -----------------------------------------------------------------------

    def case(self, service: str, operation: str) -> Case:
        m = model(service)
        op = m.operation_model(operation)
        protocol = m.resolved_protocol
        params = self.sample(op.input_shape) if op.input_shape is not None else {}
        kind, detail = self.bend_params(op, params)  # type: ignore[arg-type]
        try:
            wire = serialized(service, operation, params)  # type: ignore[arg-type]
        except Exception:
            # botocore refuses to write some wrong types at all: send a plausible input.
            params = self.sample(op.input_shape) if op.input_shape is not None else {}
            kind, detail = "valid", "a plausible input (the bent one did not serialize)"
            wire = serialized(service, operation, params)  # type: ignore[arg-type]
        # Every other case is bent at the wire level instead.
        if self.rng.random() < 0.5:
            if protocol in ("query", "ec2"):
                kind, detail = self.bend_query(wire, m.api_version, operation)
            elif protocol == "json":
                kind, detail = self.bend_json(wire, m.metadata["targetPrefix"], operation)
            elif protocol == "rest-xml":
                kind, detail = self.bend_rest_xml(wire, op)
        return Case(service, operation, kind, detail, wire, m.signing_name, protocol)

    def signature_bending(self) -> str | None:
        """How to break the signature of the next request, or None (most requests)."""
        roll = self.rng.random()
        if roll < 0.04:
            return "unsigned"
        if roll < 0.08:
            return self.rng.choice(["no-signature", "no-credential", "bad-date", "unknown-key",
                                    "short-scope", "garbage"])  # fmt: skip
        return None

    def cases(self, operations: list[tuple[str, str]], count: int) -> Iterator[Case]:
        """Every operation once (in a shuffled order), then random ones, `count` in all."""
        order = list(operations)
        self.rng.shuffle(order)
        for i in range(count):
            service, operation = order[i] if i < len(order) else self.rng.choice(operations)
            yield self.case(service, operation)
