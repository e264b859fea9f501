"""Writing audit events: the operation layer calls `record` once per call."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import TYPE_CHECKING

from services.core import errors
from services.core.context import CallContext
from services.core.errors import AwsError

if TYPE_CHECKING:
    from services.core.operations import Operation

# Never written to the event history, as CloudTrail hides them too.
_SECRET_KEYS = {
    "Password", "NewPassword", "OldPassword", "SecretAccessKey", "KeyMaterial", "Body", "UserData",
}  # fmt: skip


def _text(value: str) -> str:
    # PostgreSQL text and jsonb cannot hold NUL: a request carrying one is still audited.
    return value.replace("\x00", "\ufffd")


def _jsonable(value: object) -> object:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        return {
            _text(str(k)): ("HIDDEN_DUE_TO_SECURITY_REASONS" if k in _SECRET_KEYS else _jsonable(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def record(
    ctx: CallContext,
    op: Operation,
    params: dict,
    *,
    result: dict | None = None,
    error: AwsError | None = None,
) -> None:
    """Write the event for one operation call (in the call's transaction on success)."""
    from services.core.models import Event

    event = Event.objects.create(
        account=ctx.account,
        # A caller may name any region; the column holds what a real one can be.
        region=_text(ctx.region)[:32] if not op.global_service else "us-east-1",
        event_source=op.event_source,
        event_name=op.action,
        read_only=op.read_only,
        door=ctx.door,
        principal_arn=ctx.principal.arn,
        principal_type=ctx.principal.kind,
        user_name=ctx.principal.name,
        access_key_id=ctx.access_key_id,
        source_ip=_text(ctx.source_ip)[:64],
        user_agent=_text(ctx.user_agent)[:512],
        request_id=ctx.request_id[:64],
        request_parameters=_jsonable(params) or None,
        response_elements=None if op.read_only or result is None else _jsonable(result),
        resources=ctx.resources,
        error_code=error.code if error else "",
        error_message=_text(error.message) if error else "",
    )
    if error is None and not op.read_only and ctx.door != "system" and op.action not in _UNSENT:
        _api_call_event(event)


# Calls CloudTrail records as data events, not management events: not on the bus.
_UNSENT = {"PutEvents"}


def _api_call_event(event) -> None:
    """EventBridge's "AWS API Call via CloudTrail" for a mutating call that succeeded,
    on the account's default bus once the call commits (hooks.aws_event)."""
    from services.core import hooks

    source = event.event_source.removesuffix(".amazonaws.com")
    hooks.aws_event(
        event.account_id,
        event.region,
        source=f"aws.{source}",
        detail_type="AWS API Call via CloudTrail",
        detail=event.cloudtrail_record(),
    )


def record_console_login(ctx: CallContext, *, success: bool, mfa_used: bool = False) -> None:
    """CloudTrail's ConsoleLogin event (signin.amazonaws.com): sign-in is no AWS API
    operation, but students and instructors look for it in the event history."""
    from services.core.operations import Operation

    login = Operation(
        service="signin",
        action="ConsoleLogin",
        func=lambda ctx, params: {},
        iam_prefix="signin",
        read_only=False,
        global_service=True,
    )
    outcome = {"ConsoleLogin": "Success" if success else "Failure"}
    record(
        ctx,
        login,
        {"MFAUsed": "Yes" if mfa_used else "No"},
        result=outcome,
        error=None if success else errors.FailedAuthentication("Failed authentication"),
    )
