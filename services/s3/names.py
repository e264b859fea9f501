"""Bucket naming rules (S3-01), each with the words the console uses for it.

Through the API every broken rule is the same error, as S3 gives it:
InvalidBucketName, "The specified bucket is not valid."; the console names the rule.
"""

from __future__ import annotations

import ipaddress
import re

from services.core.errors import AwsError
from services.s3.errors import error

_CHARACTERS = re.compile(r"^[a-z0-9.-]+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def problem(name: str) -> str | None:
    """Which naming rule `name` breaks, in the console's words; None if it is valid."""
    if not 3 <= len(name) <= 63:
        return "Bucket name must be between 3 and 63 characters long."
    if name.lower() != name:
        return "Bucket name must not contain uppercase characters."
    if not _CHARACTERS.match(name):
        return (
            "Bucket name can contain only lowercase letters, numbers, periods (.), and hyphens (-)."
        )
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "Bucket name must start and end with a letter or number."
    if ".." in name:
        return "Bucket name must not contain two adjacent periods."
    if ".-" in name or "-." in name:
        return "Bucket name must not contain a period next to a hyphen."
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "Bucket name must not be formatted as an IP address (for example, 192.168.5.4)."
    for prefix in _RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"Bucket name must not start with the prefix '{prefix}'."
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"Bucket name must not end with the suffix '{suffix}'."
    return None


def invalid(name: str) -> AwsError:
    return error("InvalidBucketName", "The specified bucket is not valid.", 400, BucketName=name)


def check(name: str) -> None:
    if problem(name) is not None:
        raise invalid(name)
