"""Secrets the simulator must read back, stored sealed: access-key secrets (SigV4
verification recomputes signatures with them), STS temporary secrets, and students'
initial passwords (the instructor's credentials sheet shows them again).

They are sealed with Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from
SECRET_KEY with HKDF-SHA256, so a copy of the database alone gives none of them away.
Keys in SECRET_KEY_FALLBACKS still open what they sealed (rotate SECRET_KEY, keep the
old one there until every row has been written again).

`SealedTextField` does it for a model field: Python code reads and writes the plain
text, the column holds only the sealed token. Each seal differs (Fernet uses a random
IV), so such a column cannot be searched by value.
"""

from __future__ import annotations

import base64
import functools
import logging
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

log = logging.getLogger(__name__)

# HKDF's `info`: keys derived for other purposes from the same SECRET_KEY differ.
_PURPOSE = b"stratolab sealed secrets v1"


class Unreadable(ValueError):
    """A token no current or fallback key opens (or no token at all)."""


def _derive(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_derive(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet((settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())))


def seal(text: str) -> str:
    """`text` sealed under the current SECRET_KEY, as ASCII."""
    return _current().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The text `token` was sealed from. Raises Unreadable."""
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise Unreadable("not sealed under SECRET_KEY or its fallbacks") from error


def is_sealed(value: str) -> bool:
    try:
        unseal(value)
    except Unreadable:
        return False
    return True


class SealedTextField(models.TextField):
    """A text column whose values are sealed in the database (see the module)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return unseal(value)
        except Unreadable:
            # SECRET_KEY changed without its fallback: the secret is lost. Answer a
            # random one, so that nobody (not even with an empty secret) matches it.
            log.error("a sealed %s cannot be opened: was SECRET_KEY changed?", self.name)
            return secrets.token_urlsafe(30)


def seal_column(schema_editor, table: str, pk: str, column: str, *, reverse: bool = False) -> None:
    """Seal (or, reversed, open) every value of `table`.`column` in place: the data
    step of the migrations that made a column sealed. Values already sealed are left
    as they are, so running it twice is harmless."""
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "
            f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> ''"
        )
        rows = cursor.fetchall()
        for key, value in rows:
            if reverse:
                if not is_sealed(value):
                    continue
                new = unseal(value)
            elif is_sealed(value):
                continue
            else:
                new = seal(value)
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s",
                [new, key],
            )
