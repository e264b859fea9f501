"""CRC32C and CRC64/NVME, the checksums S3 offers besides CRC32, SHA-1 and SHA-256.

Python's standard library has CRC32 only; these two are table-driven, reflected CRCs
computed here. They are slow in pure Python, so they are computed only for uploads
whose client asks for them.
"""

from __future__ import annotations

import functools


@functools.cache
def _table(poly: int, width: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc & ((1 << width) - 1))
    return tuple(table)


def _reflected(data: bytes, crc: int, poly: int, width: int) -> int:
    mask = (1 << width) - 1
    table = _table(poly, width)
    crc ^= mask
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def crc32c(data: bytes, crc: int = 0) -> int:
    """CRC-32C (Castagnoli), continuing from `crc`."""
    return _reflected(data, crc, 0x82F63B78, 32)


def crc64nvme(data: bytes, crc: int = 0) -> int:
    """CRC-64/NVME, continuing from `crc`."""
    return _reflected(data, crc, 0x9A6C9329AC4BC9B5, 64)
