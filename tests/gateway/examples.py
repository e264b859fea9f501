"""Example values for any botocore shape, reproducible from a seed.

Used to run botocore and the gateway against each other on every operation of a real
service model: what botocore serializes must parse back, what we serialize must
botocore parse back. Values stay within what each place of the wire can carry (header
values are printable ASCII without edge spaces, header timestamps whole seconds).
"""

from __future__ import annotations

import datetime as dt
import random
import string

from botocore.model import Shape

_TEXT = string.ascii_letters + string.digits + " -_.:/+=@,;!*'()ÄéßЖ中"
_HEADER_TEXT = string.ascii_letters + string.digits + "-_.:/+=@;!*'()"


class Examples:
    def __init__(self, seed: int, *, full: bool = True) -> None:
        self.rng = random.Random(seed)
        self.full = full  # include optional members (else only required ones)

    def structure(self, shape: Shape, depth: int = 0) -> dict:
        return self.value(shape, depth=depth)  # type: ignore[return-value]

    @staticmethod
    def _plain(shape: Shape) -> bool:
        return shape.type_name not in ("structure", "list", "map")

    def value(self, shape: Shape, depth: int = 0, location: str = "") -> object:
        kind = shape.type_name
        rng = self.rng
        if kind == "structure":
            if shape.is_document_type:
                return {"a": [1, "two", True], "b": {"c": None}}
            members = dict(shape.members)
            if getattr(shape, "is_tagged_union", False):
                name = rng.choice(sorted(members))
                return {name: self.value(members[name], depth + 1)}
            out = {}
            required = set(shape.required_members)
            for name, member in members.items():
                if member.serialization.get("eventstream") or member.serialization.get(
                    "eventpayload"
                ):
                    continue
                wanted = name in required or (self.full and depth < 4 and rng.random() < 0.7)
                if not wanted:
                    continue
                value = self.value(member, depth + 1, member.serialization.get("location", ""))
                if value is not None:
                    out[name] = value
            if not out and depth and members and depth < 12:
                # An empty structure cannot be told from none in the query protocols.
                plain = sorted(n for n in members if self._plain(members[n]))
                name = rng.choice(plain or sorted(members))
                value = self.value(members[name], depth + 1)
                if value not in (None, {}, []):
                    out[name] = value
            return out
        if kind == "list":
            if depth > 10:
                return []
            count = max(1, shape.metadata.get("min", 1))
            count = rng.randint(count, count + 2)
            return [self.value(shape.member, depth + 1, location) for _ in range(count)]
        if kind == "map":
            if depth > 10:
                return {}
            out = {}
            for _ in range(rng.randint(1, 2)):
                key = self.value(shape.key, depth + 1, location)
                if location == "headers":
                    key = "".join(c for c in str(key).lower() if c.isalnum()) or "k"
                out[key] = self.value(shape.value, depth + 1, location)
            return out
        if kind == "string":
            if shape.enum:
                return rng.choice(shape.enum)
            if shape.serialization.get("jsonvalue"):
                return {"key": "value", "n": 1}
            low = max(1, shape.metadata.get("min", 1))
            high = min(max(low, shape.metadata.get("max", 12)), low + 11)
            alphabet = _HEADER_TEXT if location in ("header", "headers") else _TEXT
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))
            if location in ("header", "headers"):
                text = text.strip() or "x"
            return text
        if kind in ("integer", "long", "short", "byte"):
            low = int(shape.metadata.get("min", 0))
            high = int(shape.metadata.get("max", low + 1000))
            return rng.randint(low, max(low, min(high, low + 1000)))
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("float", "double"):
            return rng.choice([0.5, 1.25, 3.0, 12.75, -2.5])
        if kind == "timestamp":
            stamp = dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
                seconds=rng.randint(0, 10**8)
            )
            return stamp
        if kind == "blob":
            return bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 16)))
        raise ValueError(f"no example for {kind}")
