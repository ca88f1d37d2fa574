"""gzip bodies spliced from shared deflate blocks and per-request bytes decode as the whole text."""

from __future__ import annotations

import gzip
import os
import zlib

import pytest

from app.gzip_splice import deflate_block, gzip_member, stored_block


@pytest.mark.parametrize(
    "parts",
    [
        [b"<p>shared</p>" * 50, b"token-1", b"<p>more shared</p>" * 50],
        [b"", b"", b""],
        [b"start", os.urandom(70_000), b"end"],  # a reader's part longer than one stored block
        ["العربية 简体中文 ".encode() * 100, b"x", b""],
    ],
)
def test_a_spliced_member_is_the_text(parts):
    shared = {0, 2}
    blocks = [deflate_block(part) if i in shared else stored_block(part) for i, part in enumerate(parts)]
    body = gzip_member(blocks, parts)
    assert gzip.decompress(body) == b"".join(parts)  # checks CRC-32 and length
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert decoder.decompress(body) + decoder.flush() == b"".join(parts)
    assert decoder.eof and decoder.unused_data == b""


def test_a_wrong_text_fails_the_crc():
    body = gzip_member([deflate_block(b"abc")], [b"abd"])
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(body)
