"""When an IAM identity's console session ends before it expires: the signed-in user
was deleted or lost their console password (DeleteLoginProfile), or the role of a
Switch role session was deleted. The console notices at the session's next request
(`ConsoleSessionMiddleware`), signs the session out and says why on the sign-in page.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from services.iam.models import LoginProfile, Role, TemporaryCredential

# The user's unique id (AIDA...), kept in the session at its first request: a user
# deleted and created again under the same name is another user, whose console the
# old session must not reach.
SESSION_USER_ID = "stratolab_user_id"


def user_ended(session: SessionBase, account_id: str, user_name: str) -> str:
    """Why the console session of IAM user `user_name` is over ("" while it is not)."""
    profile = (
        LoginProfile.objects.filter(user__account_id=account_id, user__name__iexact=user_name)
        .select_related("user")
        .first()
    )
    pinned = session.get(SESSION_USER_ID)
    if profile is None or (pinned and pinned != profile.user.resource_id):
        return (
            f"Your console session has ended: the IAM user {user_name} was deleted or no "
            "longer has console access. Sign in again."
        )
    if not pinned:
        session[SESSION_USER_ID] = profile.user.resource_id
    return ""


def role_ended(credential: TemporaryCredential) -> str:
    """Why a Switch role session is over because its role is gone ("" while it is not)."""
    role = credential.role_id and Role.objects.filter(pk=credential.role_id).exists()
    if not role:
        return (
            f"Your console session has ended: the role {credential.role_name} was deleted. "
            "Sign in again."
        )
    return ""
