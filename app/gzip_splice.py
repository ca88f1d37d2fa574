"""gzip bodies spliced from deflate blocks compressed once and a few bytes that change per request.

A page shared by every reader is deflated once, piece by piece, each piece ending on a byte
boundary and referring to nothing before it (Z_FULL_FLUSH); per request the reader's own bytes
(a CSRF token) go in between as stored blocks, and the member is closed with the CRC and length
of the whole text (RFC 1951, RFC 1952). Any gzip decoder reads the result as one member.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime, unknown OS
_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final block of fixed Huffman codes holding nothing


def deflate_block(data: bytes, level: int = 9) -> bytes:
    """Raw deflate of `data`: not final, byte-aligned, no reference to anything before it."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def stored_block(data: bytes) -> bytes:
    """`data` as non-final stored (uncompressed) deflate blocks, RFC 1951 §3.2.4."""
    out = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        out += [b"\x00", struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF), chunk]
    return b"".join(out)


def gzip_member(blocks: Iterable[bytes], text: Iterable[bytes]) -> bytes:
    """One gzip member of `blocks` (from the two functions above), whose text is `text`."""
    crc, size = 0, 0
    for chunk in text:
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    return b"".join([_HEADER, *blocks, _FINAL_EMPTY_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)])
