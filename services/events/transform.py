"""What a target receives of a matched event: the event itself, a constant `Input`, the
part an `InputPath` selects, or an `InputTransformer`'s template filled in."""

from __future__ import annotations

import json
import re
from typing import Any

from services.events import errors

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_\-.]+)>")
PREDEFINED = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
)
_MISSING = object()


def valid_path(path: str) -> bool:
    """A JSONPath as EventBridge takes them: `$`, `$.detail`, `$.detail.items[0].id`."""
    if not path.startswith("$"):
        return False
    rest = path[1:]
    return _STEP.sub("", rest) == ""


def select(event: Any, path: str) -> Any:
    """The value `path` selects in `event`, or _MISSING."""
    value = event
    for key, index in _STEP.findall(path[1:]):
        if key:
            if not isinstance(value, dict) or key not in value:
                return _MISSING
            value = value[key]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
    return value


def check_target(target: dict) -> None:
    """Raise ValidationException for a target's input settings AWS refuses."""
    given = [k for k in ("Input", "InputPath", "InputTransformer") if k in target]
    if len(given) > 1:
        raise errors.ValidationException(
            "Only one of Input, InputPath, or InputTransformer must be provided."
        )
    if "Input" in target:
        try:
            json.loads(target["Input"])
        except ValueError:
            raise errors.ValidationException(
                f"Target {target['Id']}: Input is not valid JSON text."
            ) from None
    if "InputPath" in target and not valid_path(target["InputPath"]):
        raise errors.ValidationException(
            f"Target {target['Id']}: InputPath is not a valid JSONPath: {target['InputPath']}"
        )
    transformer = target.get("InputTransformer")
    if transformer is not None:
        paths = transformer.get("InputPathsMap") or {}
        if len(paths) > 100:
            raise errors.ValidationException("InputPathsMap has more than 100 keys.")
        for key, path in paths.items():
            if key.startswith("aws."):
                raise errors.ValidationException(
                    f"InputTransformer key {key} cannot start with 'aws.'."
                )
            if not valid_path(path):
                raise errors.ValidationException(
                    f"Target {target['Id']}: the JSONPath of key {key} is not valid: {path}"
                )
        for name in _PLACEHOLDER.findall(transformer.get("InputTemplate", "")):
            if name not in paths and name not in PREDEFINED:
                raise errors.ValidationException(
                    f"InputTemplate for target {target['Id']} contains invalid placeholder {name}."
                )


def _quoted_at(template: str) -> list[bool]:
    """For each character of `template`: whether it sits inside a JSON string."""
    inside, escaped, out = False, False, []
    for c in template:
        out.append(inside)
        if escaped:
            escaped = False
        elif c == "\\" and inside:
            escaped = True
        elif c == '"':
            inside = not inside
    return out


def fill(template: str, values: dict[str, Any]) -> str:
    """`template` with each <name> replaced: inside a JSON string a string value goes in
    as its text (escaped), anything else as JSON; a missing value is null (empty text
    inside a string)."""
    quoted = _quoted_at(template)
    out, last = [], 0
    for m in _PLACEHOLDER.finditer(template):
        name = m.group(1)
        if name not in values:
            continue  # not a placeholder of this transformer: left as it is
        out.append(template[last : m.start()])
        value = values[name]
        if quoted[m.start()]:
            if value is _MISSING or value is None:
                text = ""
            elif isinstance(value, str):
                text = json.dumps(value)[1:-1]
            else:
                text = json.dumps(value, separators=(",", ":"))
                text = json.dumps(text)[1:-1] if not isinstance(value, int | float) else text
            out.append(text)
        else:
            out.append("null" if value is _MISSING else json.dumps(value, separators=(",", ":")))
        last = m.end()
    out.append(template[last:])
    return "".join(out)


def payload(target: dict, event: dict, *, rule_arn: str, rule_name: str) -> str:
    """The text delivered to `target` (its stored Target shape) for `event`."""
    if "Input" in target:
        return target["Input"]
    if "InputPath" in target:
        value = select(event, target["InputPath"])
        return "null" if value is _MISSING else json.dumps(value)
    transformer = target.get("InputTransformer")
    if transformer is not None:
        paths = transformer.get("InputPathsMap") or {}
        values: dict[str, Any] = {key: select(event, path) for key, path in paths.items()}
        values.update(
            {
                "aws.events.rule-arn": rule_arn,
                "aws.events.rule-name": rule_name,
                "aws.events.event.ingestion-time": event.get("time", ""),
                "aws.events.event": event,
                "aws.events.event.json": event,
            }
        )
        return fill(transformer.get("InputTemplate", ""), values)
    return json.dumps(event)
