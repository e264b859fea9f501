"""`aws-chunked` bodies: S3 uploads whose x-amz-content-sha256 is a STREAMING-* value.

The body is a series of chunks (`<hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n`),
a final empty chunk, and optional trailing headers (checksums). With signed chunks,
each chunk's signature chains from the previous one, starting at the request's own.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from services.core.gateway import sigv4

SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING = {SIGNED, SIGNED_TRAILER, UNSIGNED_TRAILER}


class ChunkError(Exception):
    """The body does not follow aws-chunked framing, or a chunk signature is wrong."""

    def __init__(self, message: str, *, signature: bool = False) -> None:
        super().__init__(message)
        self.signature = signature


@dataclass
class Decoded:
    data: bytes
    trailers: dict[str, str] = field(default_factory=dict)


def is_streaming(content_sha256: str | None) -> bool:
    return (content_sha256 or "") in STREAMING


def decode(
    body: bytes, mode: str, *, signed: sigv4.Signed | None = None, key: bytes | None = None
) -> Decoded:
    """Undo the chunk framing. With `signed` and `key` (the request's signature and
    signing key), chunk and trailer signatures are checked for the signed modes."""
    check = mode in (SIGNED, SIGNED_TRAILER) and signed is not None and key is not None
    previous = signed.signature if signed else ""
    pos, out = 0, []
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            raise ChunkError("Incomplete chunk header.")
        header = body[pos:end].decode("latin-1")
        size_text, _, ext = header.partition(";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError as exc:
            raise ChunkError(f"Invalid chunk size '{size_text}'.") from exc
        data = body[end + 2 : end + 2 + size]
        if len(data) != size:
            raise ChunkError("Incomplete chunk body.")
        if check:
            claimed = ext.partition("chunk-signature=")[2].strip()
            wanted = _chunk_signature(signed, key, previous, data)
            if not hmac.compare_digest(claimed, wanted):
                raise ChunkError("The chunk signature does not match.", signature=True)
            previous = wanted
        pos = end + 2 + size
        if size == 0:
            break
        out.append(data)
        if body[pos : pos + 2] != b"\r\n":
            raise ChunkError("Chunk data is not followed by CRLF.")
        pos += 2
    trailers: dict[str, str] = {}
    trailer_lines: list[str] = []
    for line in body[pos:].decode("latin-1").split("\r\n"):
        if not line:
            continue
        name, _, value = line.partition(":")
        if name.strip().lower() == "x-amz-trailer-signature":
            if check and mode == SIGNED_TRAILER:
                wanted = _trailer_signature(signed, key, previous, trailer_lines)
                if not hmac.compare_digest(value.strip(), wanted):
                    raise ChunkError("The trailer signature does not match.", signature=True)
            continue
        trailers[name.strip().lower()] = value.strip()
        trailer_lines.append(f"{name.strip().lower()}:{value.strip()}\n")
    return Decoded(b"".join(out), trailers)


def _chunk_signature(signed: sigv4.Signed, key: bytes, previous: str, data: bytes) -> str:
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256-PAYLOAD",
            signed.amz_date,
            signed.credential.scope,
            previous,
            sigv4.EMPTY_SHA256,
            hashlib.sha256(data).hexdigest(),
        ]
    )
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _trailer_signature(
    signed: sigv4.Signed, key: bytes, previous: str, trailer_lines: list[str]
) -> str:
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256-TRAILER",
            signed.amz_date,
            signed.credential.scope,
            previous,
            hashlib.sha256("".join(trailer_lines).encode()).hexdigest(),
        ]
    )
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
