"""The console's "Switch role": the signed-in user assumes a role through sts:AssumeRole
and, until they switch back or the temporary credentials expire, every console page
runs as that role session (its ASIA key is the call context's access key id, so the
evaluator applies the role's policies and the session's expiry).

The session keeps the signed-in user (SESSION_ACCOUNT / SESSION_PRINCIPAL) untouched;
the role lives beside it under SESSION_ROLE, with the last roles used for the account
menu's history, as AWS's console keeps them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from services.core.context import Principal
from services.core.middleware import SESSION_ROLE
from services.iam.console_session import role_ended
from services.iam.models import TemporaryCredential

SESSION_ROLE_HISTORY = "stratolab_role_history"
HISTORY_MAX = 5
# The colours AWS's Switch role page offers (hex without '#'), by name.
COLOURS = {
    "red": "F2B0A9",
    "orange": "FBBF93",
    "yellow": "FAD791",
    "green": "B7CA9D",
    "blue": "99BCE3",
}
# A console role session lasts an hour, like AWS's.
CONSOLE_SESSION_SECONDS = 3600


def enter_role(request: HttpRequest) -> str:
    """Run this request as the role session of the console session, if it is still
    valid; else drop it and tell the user they are themselves again. Returns why the
    whole console session is over instead ("" while it is not): the role was deleted."""
    role = request.session.get(SESSION_ROLE) or {}
    credential = (
        TemporaryCredential.objects.select_related("account")
        .filter(access_key_id=role.get("key", ""), kind="AssumedRole")
        .first()
    )
    if credential is None or credential.expired or credential.account.status != "active":
        del request.session[SESSION_ROLE]
        messages.warning(
            request,
            f"Your session as {role.get('display') or 'the role'} has expired. You are back "
            f"to {request.principal.display_name}.",
        )
        return ""
    ended = role_ended(credential)
    if ended:
        return ended
    request.original_account = request.account
    request.original_principal = request.principal
    request.account = credential.account
    request.principal = Principal(
        credential.account_id, "AssumedRole", f"{credential.role_name}/{credential.session_name}"
    )
    request.console_access_key_id = credential.access_key_id
    request.console_role = {**role, "expires_at": credential.expires_at}
    return ""


def start(request: HttpRequest, credential: dict, entry: dict) -> None:
    """Remember the role session AssumeRole returned; `entry` is what the account menu
    shows (account, role, display, colour)."""
    request.session[SESSION_ROLE] = {**entry, "key": credential["AccessKeyId"]}
    history = [
        h
        for h in request.session.get(SESSION_ROLE_HISTORY, [])
        if (h["account"], h["role"]) != (entry["account"], entry["role"])
    ]
    request.session[SESSION_ROLE_HISTORY] = [entry, *history][:HISTORY_MAX]


def stop(request: HttpRequest) -> None:
    request.session.pop(SESSION_ROLE, None)


def history(request: HttpRequest) -> list[dict]:
    return request.session.get(SESSION_ROLE_HISTORY, [])
