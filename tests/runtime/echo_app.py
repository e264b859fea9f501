"""A WSGI application for the web worker's own tests: it reads the whole body and says
what it got, so framing mistakes show in the answer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    text = (
        f"{environ['REQUEST_METHOD']} {environ.get('RAW_URI')} {len(body)} "
        f"{hashlib.md5(body).hexdigest()}\n"
    ).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]
