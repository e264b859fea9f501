"""What every sign-in door (the console's root and IAM user sign-in, the instructor
page, the classroom API's HTTP Basic auth) does around checking a password:

- an identity with MAX_FAILURES failed sign-ins within WINDOW is locked out for
  LOCKOUT, whatever password it gives next;
- an identity that does not exist costs one run of the password hasher, like one that
  does, so neither the answer nor its time tells which identities exist.

    attempt = signin_guard.begin(signin_guard.identity("root", email))  # or LockedOut
    ok = ...check the password...
    attempt.finish(success=ok)

Identities are counted as typed (normalised), existing or not: a made-up one locks out
like a real one, with the same message. The counts live in PostgreSQL
(services/core/models/signin.py), shared by all web processes; a per-identity
advisory lock serialises the check-and-count of one identity across them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from services.core.models import SignInFailure, SignInLockout

MAX_FAILURES = 10
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
LOCKED_MESSAGE = (
    "There have been too many failed sign-in attempts. Wait 15 minutes, then try again."
)


class LockedOut(Exception):
    """The identity may not try to sign in now."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(LOCKED_MESSAGE)
        self.message = LOCKED_MESSAGE
        self.until = until

    @property
    def retry_after(self) -> int:
        """Seconds until the identity may try again (at least one)."""
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)


def identity(kind: str, *parts: str) -> str:
    """The key an identity is counted under: a hash of its kind and its parts, trimmed
    and lowercased (AWS matches emails and IAM user names without case)."""
    text = "\x1f".join([kind, *(part.strip().lower() for part in parts)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def hash_anyway(password: str) -> None:
    """Run the password hasher once for an identity that has no password to check, so
    refusing it takes as long as refusing a wrong password (Django's ModelBackend does
    the same for unknown user names)."""
    make_password(password)


def _serialise(key: str) -> None:
    # A transaction-scoped advisory lock per identity: two workers checking the same
    # identity take turns, so both see each other's counts.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


@dataclass(frozen=True)
class Attempt:
    key: str
    row: int

    def finish(self, *, success: bool) -> None:
        """Record the attempt's outcome: a success forgets the identity's failures; a
        failure that makes MAX_FAILURES within WINDOW locks the identity out."""
        if success:
            SignInFailure.objects.filter(identity=self.key).delete()
            return
        now = timezone.now()
        with transaction.atomic():
            _serialise(self.key)
            recent = SignInFailure.objects.filter(identity=self.key, at__gt=now - WINDOW)
            if recent.count() >= MAX_FAILURES:
                SignInLockout.objects.update_or_create(
                    identity=self.key, defaults={"until": now + LOCKOUT}
                )
                # The lockout stands for them; after it the identity starts afresh.
                SignInFailure.objects.filter(identity=self.key).delete()
            # What no identity's count can reach any more.
            SignInFailure.objects.filter(at__lte=now - WINDOW).delete()
            SignInLockout.objects.filter(until__lte=now).delete()


def begin(key: str) -> Attempt:
    """Start a sign-in attempt of the identity `key`. Raises LockedOut while it is
    locked out, or when attempts still being checked fill what it may try."""
    now = timezone.now()
    with transaction.atomic():
        _serialise(key)
        lock = SignInLockout.objects.filter(identity=key, until__gt=now).first()
        if lock is not None:
            raise LockedOut(lock.until)
        recent = SignInFailure.objects.filter(identity=key, at__gt=now - WINDOW)
        if recent.count() >= MAX_FAILURES:
            oldest = recent.order_by("at").first()
            raise LockedOut(oldest.at + WINDOW if oldest else now + LOCKOUT)
        row = SignInFailure.objects.create(identity=key, at=now)
    return Attempt(key, row.pk)
