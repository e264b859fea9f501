"""AWS-format identifiers: `i-` plus 17 hex digits, 12-digit account ids, access keys."""

from __future__ import annotations

import base64
import secrets
import string
import uuid

_KEY_ALPHABET = string.ascii_uppercase + "234567"


def resource_id(prefix: str) -> str:
    """A new resource id such as `vol-0a1b2c3d4e5f60718` (prefix, dash, 17 hex digits)."""
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


def account_id() -> str:
    # AWS account ids never start with 0 in practice; keeps them readable as numbers.
    return str(secrets.randbelow(9 * 10**11) + 10**11)


def access_key_id(prefix: str = "AKIA") -> str:
    """`AKIA` for long-term keys, `ASIA` for temporary ones, then 16 base32 characters."""
    return prefix + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def secret_access_key() -> str:
    """40 characters of base64, as AWS's secrets are (letters, digits, + and /)."""
    return base64.b64encode(secrets.token_bytes(30)).decode()


def request_id() -> str:
    return str(uuid.uuid4())


def unique_suffix(length: int = 21) -> str:
    """IAM-style unique ids (AIDA..., AROA...) use upper-case letters and digits."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(length))
