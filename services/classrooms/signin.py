"""Instructors' sign-in, through the instructor page and the classroom API's HTTP Basic
auth alike: both count failures under the same identity and lock it out together
(services/core/signin_guard.py). Instructors are no sandbox account, so they have no
event history: their failures go to the log instead."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from rest_framework import authentication, exceptions

from services.core import signin_guard
from services.core.context import source_ip

log = logging.getLogger(__name__)


def authenticate_instructor(
    request: HttpRequest, username: str, password: str
) -> AbstractBaseUser | None:
    """The active instructor with these credentials, or None. Raises LockedOut for an
    identity with too many recent failures, whatever the password. Django's
    ModelBackend runs the hasher for unknown user names too, so timing tells nothing."""
    attempt = signin_guard.begin(signin_guard.identity("instructor", username))
    user = authenticate(request, username=username, password=password)
    ok = user is not None and user.is_active
    attempt.finish(success=ok)
    if not ok:
        log.warning(
            "instructor sign-in failed for %r from %s", username[:150], source_ip(request.META)
        )
    return user if ok else None


class SignInLocked(exceptions.APIException):
    """The REST answer to a locked-out identity: 429, a ThrottlingException problem
    document with the sign-in page's message and a Retry-After header."""

    status_code = 429
    default_code = "throttling_exception"

    def __init__(self, locked: signin_guard.LockedOut) -> None:
        super().__init__(locked.message)
        self.wait = locked.retry_after  # DRF's handler turns it into Retry-After


class InstructorBasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic with the instructor's user name and password, under the lockout of
    the instructor page."""

    def authenticate_credentials(self, userid, password, request=None):
        raw = getattr(request, "_request", request)
        try:
            user = authenticate_instructor(raw, userid, password)
        except signin_guard.LockedOut as locked:
            raise SignInLocked(locked) from None
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        return user, None
