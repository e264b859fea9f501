"""Reading S3 request bodies as streams: from the socket in blocks, and `aws-chunked`
bodies decoded on the fly (chunk signatures and trailing checksums included), so an
upload of any size passes through a few blocks of memory.

`services/core/gateway/chunked.py` decodes a whole body held in memory, for the other
services; this module is its streaming twin for S3 uploads.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import BinaryIO

from services.core.gateway import sigv4
from services.core.gateway.chunked import SIGNED, SIGNED_TRAILER, ChunkError
from services.core.gateway.wire import BodyIncomplete, read_stream

BLOCK = 1024 * 1024


def socket_blocks(stream: BinaryIO, length: int | None) -> Iterator[bytes]:
    """The request body in blocks: `length` bytes (Content-Length), or to the end of a
    body the server has de-chunked (Transfer-Encoding: chunked)."""
    remaining = length
    while remaining is None or remaining > 0:
        try:
            block = read_stream(stream, BLOCK if remaining is None else min(BLOCK, remaining))
        except BodyIncomplete as exc:
            # Broken HTTP chunked framing, or the client went away mid-body.
            raise ChunkError(str(exc)) from exc
        if not block:
            if remaining:
                raise ChunkError("The request body ended before its Content-Length.")
            return
        if remaining is not None:
            remaining -= len(block)
        yield block


class AwsChunkedDecoder:
    """Iterate to get the decoded data; afterwards `trailers` holds the trailing headers
    (x-amz-checksum-crc32: ...). Signed modes check every chunk's signature, each
    chained from the previous one, starting at the request's own signature."""

    def __init__(
        self,
        blocks: Iterator[bytes],
        mode: str,
        *,
        signed: sigv4.Signed | None = None,
        key: bytes | None = None,
    ) -> None:
        self._blocks = blocks
        self._buffer = bytearray()
        self._mode = mode
        self._signed = signed
        self._key = key
        self._check = mode in (SIGNED, SIGNED_TRAILER) and signed is not None and key is not None
        self._previous = signed.signature if signed else ""
        self.trailers: dict[str, str] = {}
        self.decoded_size = 0

    def _fill(self, size: int) -> bool:
        while len(self._buffer) < size:
            block = next(self._blocks, None)
            if block is None:
                return False
            self._buffer += block
        return True

    def _line(self) -> str | None:
        while True:
            end = self._buffer.find(b"\r\n")
            if end >= 0:
                line = bytes(self._buffer[:end]).decode("latin-1")
                del self._buffer[: end + 2]
                return line
            block = next(self._blocks, None)
            if block is None:
                if self._buffer:
                    line = bytes(self._buffer).decode("latin-1")
                    self._buffer.clear()
                    return line
                return None
            self._buffer += block
            if len(self._buffer) > 64 * 1024 and self._buffer.find(b"\r\n") < 0:
                raise ChunkError("Chunk header is too long.")

    def __iter__(self) -> Iterator[bytes]:
        while True:
            header = self._line()
            if header is None:
                raise ChunkError("Incomplete chunk header.")
            size_text, _, extension = header.partition(";")
            try:
                size = int(size_text.strip(), 16)
            except ValueError as exc:
                raise ChunkError(f"Invalid chunk size '{size_text}'.") from exc
            digest = hashlib.sha256()
            left = size
            while left:
                if not self._buffer and not self._fill(1):
                    raise ChunkError("Incomplete chunk body.")
                piece = bytes(self._buffer[: min(left, BLOCK)])
                del self._buffer[: len(piece)]
                left -= len(piece)
                digest.update(piece)
                self.decoded_size += len(piece)
                yield piece
            if self._check:
                claimed = extension.partition("chunk-signature=")[2].strip()
                wanted = self._sign("AWS4-HMAC-SHA256-PAYLOAD", sigv4.EMPTY_SHA256,
                                    digest.hexdigest())  # fmt: skip
                if not hmac.compare_digest(claimed, wanted):
                    raise ChunkError("The chunk signature does not match.", signature=True)
                self._previous = wanted
            if size == 0:
                break
            if not self._fill(2) or bytes(self._buffer[:2]) != b"\r\n":
                raise ChunkError("Chunk data is not followed by CRLF.")
            del self._buffer[:2]
        self._read_trailers()

    def _read_trailers(self) -> None:
        lines: list[str] = []
        while True:
            line = self._line()
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "x-amz-trailer-signature":
                if self._check and self._mode == SIGNED_TRAILER:
                    text = "".join(lines)
                    wanted = self._sign("AWS4-HMAC-SHA256-TRAILER",
                                        hashlib.sha256(text.encode()).hexdigest())  # fmt: skip
                    if not hmac.compare_digest(value, wanted):
                        raise ChunkError("The trailer signature does not match.", signature=True)
                continue
            self.trailers[name] = value
            lines.append(f"{name}:{value}\n")

    def _sign(self, algorithm: str, *hashes: str) -> str:
        signed = self._signed
        to_sign = "\n".join(
            [algorithm, signed.amz_date, signed.credential.scope, self._previous, *hashes]
        )
        return hmac.new(self._key, to_sign.encode(), hashlib.sha256).hexdigest()
