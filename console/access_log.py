"""The web server's access log, without what would let a reader replay a request.

A presigned S3 URL carries its signature (and a session token for temporary
credentials) in the query string: logged whole, anyone who can read logs/web.log could
use it until it expires. gunicorn's logger is kept, with those parameters dropped from
the request line, the query and the Referer, and credential headers left out of the
atoms a custom log format could name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger

SECRET_PARAMETERS = frozenset({"x-amz-signature", "signature", "x-amz-security-token"})
SECRET_HEADERS = ("authorization", "cookie", "x-amz-security-token", "proxy-authorization")


def redact_query(query: str) -> str:
    """`query` without its signature and token parameters."""
    if not query:
        return query
    kept = [
        part
        for part in query.split("&")
        if unquote(part.split("=", 1)[0]).strip().lower() not in SECRET_PARAMETERS
    ]
    return "&".join(kept)


def redact_url(url: str) -> str:
    """A path or URL with `redact_query` applied to its query string."""
    if "?" not in url:
        return url
    base, _, rest = url.partition("?")
    query, hash_, fragment = rest.partition("#")
    query = redact_query(query)
    return (f"{base}?{query}" if query else base) + hash_ + fragment


def redact_request_line(line: str) -> str:
    parts = line.split(" ")
    if len(parts) >= 2:
        parts[1] = redact_url(parts[1])
    return " ".join(parts)


class AccessLogger(Logger):
    """gunicorn's Logger, with secrets taken out of every access-log atom."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = redact_request_line(atoms.get("r") or "")
        atoms["q"] = redact_query(atoms.get("q") or "")
        atoms["f"] = redact_url(atoms.get("f") or "-")
        for key in ("{referer}i", "{raw_uri}e", "{http_referer}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_url(atoms[key])
        if isinstance(atoms.get("{query_string}e"), str):
            atoms["{query_string}e"] = redact_query(atoms["{query_string}e"])
        for name in SECRET_HEADERS:
            atoms.pop("{" + name + "}i", None)
            atoms.pop("{http_" + name.replace("-", "_") + "}e", None)
        return atoms
