"""A password hasher that counts how often it hashes, so tests can prove an unknown
identity costs a hash like a known one without timing anything."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """MD5, as the suite hashes (tests/settings.py), counting each hash it computes:
    `encode` runs both for a new hash (make_password) and to verify one."""

    algorithm = "md5"  # the same name: hashes made before the count still verify
    runs = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.runs += 1
        return super().encode(password, salt)


def count_hashes(settings) -> Callable[[], int]:
    """Hash with CountingHasher from now on (pytest-django's `settings`); the function
    returned gives the number of hashes computed since its last call."""
    settings.PASSWORD_HASHERS = ["tests.console.hashers.CountingHasher"]
    CountingHasher.runs = 0

    def since_last() -> int:
        runs, CountingHasher.runs = CountingHasher.runs, 0
        return runs

    return since_last
