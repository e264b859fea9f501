"""Queue URLs and ARNs: `http(s)://<host>/<account>/<name>` and
`arn:aws:sqs:<region>:<account>:<name>`.

A URL is read by its path alone (any host that reached this server is this server);
its host, when a URL is written, is the one the caller used (the door and the console
set it for the call), else STRATOLAB_PUBLIC_URL.
"""

from __future__ import annotations

import contextvars
import re
from urllib.parse import urlsplit

from django.conf import settings

NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
_PATH = re.compile(r"^/(\d{12})/([A-Za-z0-9_.-]{1,80})/?$")

_base: contextvars.ContextVar[str] = contextvars.ContextVar("sqs_base_url", default="")


def set_base(url: str) -> contextvars.Token:
    """The scheme and host queue URLs of this call are written with."""
    return _base.set(url.rstrip("/"))


def reset_base(token: contextvars.Token) -> None:
    _base.reset(token)


def base() -> str:
    return _base.get() or str(getattr(settings, "STRATOLAB_PUBLIC_URL", "http://127.0.0.1:8000"))


def queue_url(account_id: str, name: str) -> str:
    return f"{base().rstrip('/')}/{account_id}/{name}"


def queue_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account_id}:{name}"


def parse_url(url: str) -> tuple[str, str] | None:
    """(account, name) of a queue URL, or None when it names no queue."""
    if not isinstance(url, str):
        return None
    path = urlsplit(url.strip()).path if "://" in url else url.strip()
    found = _PATH.match(path)
    return (found.group(1), found.group(2)) if found else None


def parse_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account, name) of a queue ARN, or None."""
    parts = (arn or "").split(":")
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "sqs"] or not parts[5]:
        return None
    if not re.fullmatch(r"\d{12}", parts[4]) or not parts[3]:
        return None
    return parts[3], parts[4], parts[5]
