"""PutEvents (per-entry errors, the 256 KB request limit) and TestEventPattern."""

from __future__ import annotations

import json

from services.core import patterns
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.events import dispatch, errors
from services.events.buses import bus_name, get_bus
from services.events.rules import validate_pattern

MAX_REQUEST_BYTES = 256 * 1024
# The fields TestEventPattern's event must have (the API reference's list).
EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")


def entry_size(entry: dict) -> int:
    """An entry's size as AWS counts it toward the 256 KB limit."""
    size = 14 if entry.get("Time") else 0
    for member in ("Source", "DetailType", "Detail"):
        size += len((entry.get(member) or "").encode())
    size += sum(len(r.encode()) for r in entry.get("Resources") or [])
    return size


def _failure(code: str, message: str) -> dict:
    return {"ErrorCode": code, "ErrorMessage": message}


def _check_entry(ctx: CallContext, entry: dict) -> dict | None:
    """The per-entry error AWS answers for `entry`, or None when it goes on a bus."""
    for member in ("Source", "DetailType", "Detail"):
        if not entry.get(member):
            return _failure(
                "InvalidArgument",
                f"Parameter {member} is not valid. Reason: {member} is a required argument.",
            )
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        detail = None
    if not isinstance(detail, dict):
        return _failure("MalformedDetail", "Detail is malformed.")
    if entry["Source"].startswith("aws."):
        return _failure("NotAuthorizedForSourceException", "Not authorized for the source.")
    try:
        get_bus(ctx, entry.get("EventBusName"))
    except AwsError as error:  # a bus the account does not have
        return _failure(error.code, error.message)
    return None


@operation("events", "PutEvents")
def put_events(ctx: CallContext, params: dict) -> dict:
    entries = params["Entries"]
    if sum(entry_size(e) for e in entries) > MAX_REQUEST_BYTES:
        raise errors.ValidationException(
            "Total size of the entries in the request is over the limit."
        )
    results: list[dict] = []
    for entry in entries:
        failure = _check_entry(ctx, entry)
        if failure is not None:
            results.append(failure)
            continue
        event = dispatch.envelope(
            ctx.account.id,
            ctx.region,
            source=entry["Source"],
            detail_type=entry["DetailType"],
            detail=json.loads(entry["Detail"]),
            resources=entry.get("Resources") or [],
            time=entry.get("Time"),
        )
        dispatch.publish(ctx.account.id, ctx.region, bus_name(entry.get("EventBusName")), event)
        results.append({"EventId": event["id"]})
    failed = sum(1 for r in results if "ErrorCode" in r)
    return {"FailedEntryCount": failed, "Entries": results}


@operation("events", "TestEventPattern")
def test_event_pattern(ctx: CallContext, params: dict) -> dict:
    pattern = patterns.validate_event_pattern(validate_pattern(params["EventPattern"]))
    try:
        event = json.loads(params["Event"])
    except ValueError:
        event = None
    if not isinstance(event, dict):
        raise errors.ValidationException("Parameter Event is not valid.")
    missing = [f for f in EVENT_FIELDS if f not in event]
    if missing:
        raise errors.ValidationException(
            f"Parameter Event is not valid. Reason: Provided Event is missing required "
            f"fields: {', '.join(missing)}."
        )
    return {"Result": patterns.matches(pattern, event)}
