"""Object bodies as files under the home folder: HOME/s3/blobs/<account>/<xx>/<name>.

Why files and not PostgreSQL large objects: a body streams in from the socket to a file
and out from the file to the socket (sendfile) in fixed-size blocks, so a 5 GB object
costs the server a few megabytes of memory, and no database transaction stays open
while a slow client uploads or downloads. Large objects would tie the body to a
transaction and a connection for the whole transfer and grow the database's WAL with
every byte.

The contract with the database:
- An upload is first spooled to HOME/s3/tmp (with its digests computed on the way),
  outside any transaction. The operation moves it into place (a rename on the same
  file system) and writes the row that names it in the same transaction.
- If the operation fails, it removes the file it placed (`placed_blob` undoes it on
  any exception). A body whose row is replaced or deleted is unlinked only after the
  transaction commits (`unlink_on_commit`), so a rollback never loses bytes.
- What a crash can still leave behind (a spool file, a placed file whose transaction
  never committed) is removed by `sweep_orphans` (the Celery task
  services.s3.tasks.sweep_orphans, and each run of a bucket's lifecycle rules): files
  older than an hour that no row names.
- A GET opens the file inside the operation: a delete or an overwrite committed while
  the body is being sent unlinks the name, not the open file, so the download finishes.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import logging
import os
import secrets
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from services.s3 import crc

log = logging.getLogger(__name__)

BLOCK = 1024 * 1024
ORPHAN_AGE_SECONDS = 3600
CHECKSUM_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")


def root() -> Path:
    return Path(settings.HOME) / "s3"


# Object bodies are students' data: readable by the server's user only (issue 11), folders
# 0700 and files 0600, whatever the umask of whoever started the server.
DIR_MODE = 0o700
FILE_MODE = 0o600


@functools.cache
def _secured(top: Path) -> None:
    """Once per process: close the folders an older version made with the umask's mode
    (what they hold is out of reach once they are 0700)."""
    for path in (top, top / "tmp", top / "blobs"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, DIR_MODE)


def _private_dir(path: Path) -> Path:
    """Make `path` (a folder under root()) and the folders above it up to root(), 0700."""
    top = root()
    top.parent.mkdir(parents=True, exist_ok=True)
    _secured(top)
    current = top
    for part in ("", *path.relative_to(top).parts):
        current = current / part if part else current
        with contextlib.suppress(FileExistsError):
            current.mkdir(mode=DIR_MODE)
            os.chmod(current, DIR_MODE)  # mkdir's mode goes through the umask
    return path


def _private_file(path: Path) -> BinaryIO:
    """A new file opened for writing, 0600 from its first byte."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)
    return os.fdopen(descriptor, "wb")


def _tmp_dir() -> Path:
    return _private_dir(root() / "tmp")


def path_of(blob: str) -> Path:
    return root() / "blobs" / blob


class Digests:
    """Running digests of a body: MD5 (the ETag) and CRC32 always, the others when a
    client asked for them (a header names them, or the signature covers SHA-256)."""

    def __init__(self, extra: set[str] | frozenset[str] = frozenset()) -> None:
        self.size = 0
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._crc32 = 0
        self._sha256 = hashlib.sha256() if "SHA256" in extra else None
        self._sha1 = hashlib.sha1(usedforsecurity=False) if "SHA1" in extra else None
        self._crc32c = 0 if "CRC32C" in extra else None
        self._crc64 = 0 if "CRC64NVME" in extra else None

    def update(self, data: bytes) -> None:
        self.size += len(data)
        self._md5.update(data)
        self._crc32 = zlib.crc32(data, self._crc32)
        if self._sha256 is not None:
            self._sha256.update(data)
        if self._sha1 is not None:
            self._sha1.update(data)
        if self._crc32c is not None:
            self._crc32c = crc.crc32c(data, self._crc32c)
        if self._crc64 is not None:
            self._crc64 = crc.crc64nvme(data, self._crc64)

    @property
    def md5_hex(self) -> str:
        return self._md5.hexdigest()

    @property
    def md5_bytes(self) -> bytes:
        return self._md5.digest()

    @property
    def sha256_hex(self) -> str | None:
        return self._sha256.hexdigest() if self._sha256 is not None else None

    def checksums(self) -> dict[str, str]:
        """{algorithm: base64 value} as the x-amz-checksum-* headers carry them."""
        found = {"CRC32": base64.b64encode(self._crc32.to_bytes(4, "big")).decode()}
        if self._crc32c is not None:
            found["CRC32C"] = base64.b64encode(self._crc32c.to_bytes(4, "big")).decode()
        if self._crc64 is not None:
            found["CRC64NVME"] = base64.b64encode(self._crc64.to_bytes(8, "big")).decode()
        if self._sha1 is not None:
            found["SHA1"] = base64.b64encode(self._sha1.digest()).decode()
        if self._sha256 is not None:
            found["SHA256"] = base64.b64encode(self._sha256.digest()).decode()
        return found


class Spool(io.RawIOBase):
    """A body on disk in the spool folder, with its digests. It is what an operation
    receives as `Body` from the doors that stream (the AWS door, console uploads); it
    reads like a file for whoever needs the bytes."""

    def __init__(self, path: Path, digests: Digests) -> None:
        super().__init__()
        self.path = path
        self.digests = digests
        self._reader: BinaryIO | None = None

    @property
    def size(self) -> int:
        return self.digests.size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._reader is None:
            self._reader = open(self.path, "rb")
        return self._reader.readinto(buffer)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        super().close()

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def spool(chunks: Iterator[bytes], extra: set[str] | frozenset[str] = frozenset()) -> Spool:
    """Write `chunks` to a new spool file, computing digests on the way."""
    digests = Digests(extra)
    path = _tmp_dir() / f"{int(time.time())}-{secrets.token_hex(12)}"
    try:
        with _private_file(path) as out:
            for chunk in chunks:
                if chunk:
                    digests.update(chunk)
                    out.write(chunk)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        raise
    return Spool(path, digests)


def read_stream(stream: BinaryIO, length: int | None) -> Iterator[bytes]:
    """The blocks of a file-like body: `length` bytes, or to its end when None."""
    remaining = length
    while remaining is None or remaining > 0:
        chunk = stream.read(BLOCK if remaining is None else min(BLOCK, remaining))
        if not chunk:
            break
        if remaining is not None:
            remaining -= len(chunk)
        yield chunk


def as_spool(body: object, extra: set[str] | frozenset[str] = frozenset()) -> Spool:
    """Any Body an operation may receive (bytes, text, a file, a Spool) as a Spool."""
    if isinstance(body, Spool):
        return body
    if body is None:
        return spool(iter(()), extra)
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, bytes | bytearray | memoryview):
        data = bytes(body)
        return spool(iter([data[i : i + BLOCK] for i in range(0, len(data), BLOCK)]), extra)
    return spool(read_stream(body, None), extra)  # type: ignore[arg-type]


def _new_blob_name(account_id: str) -> str:
    name = secrets.token_hex(16)
    return f"{account_id}/{name[:2]}/{name}"


@contextlib.contextmanager
def placed_blob(source: Spool, account_id: str) -> Iterator[str]:
    """Move `source` into the blob store and yield its name; if the block raises, the
    file is removed again (the row naming it is rolled back with the transaction)."""
    name = _new_blob_name(account_id)
    target = path_of(name)
    _private_dir(target.parent)
    source.close()
    os.replace(source.path, target)
    try:
        yield name
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise


@contextlib.contextmanager
def new_blob(account_id: str) -> Iterator[tuple[str, BinaryIO]]:
    """A new blob written by the caller (multipart assembly, copies); removed again
    if the block raises."""
    name = _new_blob_name(account_id)
    target = path_of(name)
    _private_dir(target.parent)
    try:
        with _private_file(target) as out:
            yield name, out
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise


def copy_into(out: BinaryIO, blob: str) -> None:
    """Append blob `blob` to `out`, in the kernel where it can."""
    with open(path_of(blob), "rb") as source:
        size = os.fstat(source.fileno()).st_size
        out.flush()
        offset = 0
        try:
            while offset < size:
                sent = os.copy_file_range(source.fileno(), out.fileno(), size - offset)
                if sent == 0:
                    break
                offset += sent
            out.seek(0, os.SEEK_END)
            return
        except OSError:
            source.seek(offset)
        for chunk in read_stream(source, None):
            out.write(chunk)


def unlink_on_commit(*blobs: str) -> None:
    """Remove blobs once the current transaction has committed (never on rollback)."""
    names = [b for b in blobs if b]
    if not names:
        return

    def remove() -> None:
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                path_of(name).unlink()

    transaction.on_commit(remove)


class BlobReader(io.RawIOBase):
    """`length` bytes of a blob from `start`: the Body of a GetObject. The file is
    opened at once so that the body survives a delete committed while it is read.

    It has a real file descriptor, positioned at `start`, so a WSGI server can send it
    with sendfile. Its positions are the file's own (what `os.lseek` on the descriptor
    sees): gunicorn reads the offset from the descriptor, and `socket.sendfile` seeks
    the reader back to such an offset once the bytes are out. A reader that refused
    that seek made the worker drop the keep-alive connection after every GET. Reads
    and seeks never leave the window [start, start + length)."""

    def __init__(self, blob: str, start: int = 0, length: int | None = None) -> None:
        super().__init__()
        # Unbuffered, so the descriptor's offset is the reader's position.
        self._file = open(path_of(blob), "rb", buffering=0) if blob else None
        total = os.fstat(self._file.fileno()).st_size if self._file else 0
        self.start = start
        self.length = total - start if length is None else length
        self._end = start + self.length
        if self._file is not None:
            self._file.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        if self._file is None:
            raise OSError("empty body")
        return self._file.fileno()

    def tell(self) -> int:
        return self._file.tell() if self._file is not None else self.start

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.tell(), os.SEEK_END: self._end}[whence]
        position = min(max(base + offset, self.start), self._end)
        if self._file is not None:
            self._file.seek(position)
        return position

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._file is None:
            return 0
        left = self._end - self._file.tell()
        if left <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), left)]
        return self._file.readinto(view) or 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def sweep_orphans(now: float | None = None) -> int:
    """Remove spool files and blobs older than an hour that no row names."""
    from services.s3.models import ObjectVersion, UploadPart

    now = now or time.time()
    removed = 0
    tmp = root() / "tmp"
    if tmp.exists():
        for path in tmp.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime > ORPHAN_AGE_SECONDS:
                    path.unlink()
                    removed += 1
    blobs = root() / "blobs"
    if not blobs.exists():
        return removed
    for path in blobs.glob("*/*/*"):
        try:
            if now - path.stat().st_mtime <= ORPHAN_AGE_SECONDS:
                continue
        except FileNotFoundError:
            continue
        name = str(path.relative_to(blobs))
        if ObjectVersion.objects.filter(blob=name).exists():
            continue
        if UploadPart.objects.filter(blob=name).exists():
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
            log.info("removed orphaned S3 body %s", name)
    return removed
