"""What the sign-in doors remember between requests (services/core/signin_guard.py):
recent failed sign-ins per identity and the identities locked out. PostgreSQL holds
them so that every gunicorn worker sees the same counts."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SignInFailure(models.Model):
    """One failed sign-in of an identity, or one being checked right now (an attempt
    counts as failed until its password proves right, so parallel guesses cannot
    overtake the limit). Rows older than the counting window are pruned."""

    # sha256 of the identity ("root", email), never the identity itself.
    identity = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.identity[:12]} at {self.at:%H:%M:%S}"


class SignInLockout(models.Model):
    """An identity that may not sign in before `until`, whatever password it gives."""

    identity = models.CharField(primary_key=True, max_length=64)
    until = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.identity[:12]} until {self.until:%H:%M:%S}"
