"""Writing audit events: the operation layer calls `record` once per call."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

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
    commit: bool = False,
) -> None:
    """Write the event for one operation call (in the call's transaction on success).
    `commit`: the event is the last write of the call's own (outermost) transaction,
    which the same statement then commits (see `_insert`)."""
    values = {
        "event_id": uuid.uuid4(),
        "account": ctx.account.pk,
        # A caller may name any region; the column holds what a real one can be.
        "region": _text(ctx.region)[:32] if not op.global_service else "us-east-1",
        "event_time": timezone.now(),
        "event_source": op.event_source,
        "event_name": op.action,
        "read_only": op.read_only,
        "door": ctx.door,
        "principal_arn": ctx.principal.arn,
        "principal_type": ctx.principal.kind,
        "user_name": ctx.principal.name,
        "access_key_id": ctx.access_key_id,
        "source_ip": _text(ctx.source_ip)[:64],
        "user_agent": _text(ctx.user_agent)[:512],
        "request_id": ctx.request_id[:64],
        "request_parameters": _jsonable(params) or None,
        "response_elements": None if op.read_only or result is None else _jsonable(result),
        "resources": ctx.resources,
        "error_code": error.code if error else "",
        "error_message": _text(error.message) if error else "",
    }
    _insert(values, commit=commit)
    if not op.read_only and ctx.door != "system" and op.action not in _UNSENT:
        _api_call_event(values)  # failed calls too: rules match on errorCode (AccessDenied)


_STATEMENT: tuple[str, list] | None = None  # (INSERT ... VALUES (%s, ...), its fields)


def _insert(values: dict[str, object], *, commit: bool) -> None:
    """One INSERT of an Event row, with each value prepared by its model field as the
    ORM would (no model instance, no signals: nothing listens to events being saved).
    With `commit`, when the connection is inside exactly the one transaction the call
    opened and nothing has marked it for rollback, `; COMMIT` rides in the same round
    trip: the transaction's end costs no statement of its own. Django's commit at the
    end of `atomic()` then finds the connection idle, and psycopg sends nothing."""
    global _STATEMENT
    from services.core.models import Event

    if _STATEMENT is None:
        fields = [Event._meta.get_field(name) for name in values]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(Event._meta.db_table)
        _STATEMENT = (f"INSERT INTO {table} ({columns}) VALUES ({marks})", fields)
    sql, fields = _STATEMENT
    prepared = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    if commit and len(connection.atomic_blocks) == 1 and not connection.needs_rollback:
        sql += "; COMMIT"
    with connection.cursor() as cursor:
        cursor.execute(sql, prepared)


# Calls CloudTrail records as data events, not management events: not on the bus
# (S3 object calls, SQS messages, SNS and EventBridge publishing).
_UNSENT = {
    "PutEvents", "PutObject", "CopyObject", "DeleteObject", "DeleteObjects",
    "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
    "AbortMultipartUpload", "PutObjectAcl", "PutObjectTagging", "DeleteObjectTagging",
    "RestoreObject", "PutObjectRetention", "PutObjectLegalHold", "SendMessage",
    "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
    "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "Publish", "PublishBatch",
}  # fmt: skip


def _api_call_event(values: dict[str, object]) -> None:
    """EventBridge's "AWS API Call via CloudTrail" for a mutating call, on the account's
    default bus once the call commits (a failed call's event: at once; hooks.aws_event)."""
    from services.core import hooks
    from services.core.models import Event

    fields = dict(values)
    event = Event(account_id=fields.pop("account"), **fields)  # unsaved: only its record

    source = event.event_source.removesuffix(".amazonaws.com")
    sign_in = event.event_name == "ConsoleLogin"
    hooks.aws_event(
        event.account_id,
        event.region,
        source=f"aws.{source}",
        detail_type="AWS Console Sign In via CloudTrail"
        if sign_in
        else "AWS API Call via CloudTrail",
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
