"""Writes static/favicon.svg and static/favicon.ico: a white cross on the site's teal.

Run once after changing the design (`python tools/make_favicon.py`); both files are committed.
The ICO holds 16, 32 and 48 px PNG images drawn from the same geometry as the SVG, so the icon
that browsers ask for at /favicon.ico matches the one the pages link to.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
TEAL = (0x00, 0x5A, 0x6F)
WHITE = (0xFF, 0xFF, 0xFF)
# On a 32-unit grid: a rounded square, and a cross of two bars.
CORNER = 6
BARS = ((13, 6, 6, 20), (6, 13, 20, 6))  # x, y, width, height

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="{CORNER}" fill="#{bytes(TEAL).hex()}"/>
{"".join(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#ffffff"/>' for x, y, w, h in BARS)}
</svg>
"""


def _inside_rounded_square(u: float, v: float) -> bool:
    nearest_x = min(max(u, CORNER), 32 - CORNER)
    nearest_y = min(max(v, CORNER), 32 - CORNER)
    return (u - nearest_x) ** 2 + (v - nearest_y) ** 2 <= CORNER**2


def _pixel(u: float, v: float) -> tuple[int, int, int, int]:
    if not _inside_rounded_square(u, v):
        return (0, 0, 0, 0)
    if any(x <= u < x + w and y <= v < y + h for x, y, w, h in BARS):
        return (*WHITE, 255)
    return (*TEAL, 255)


def _png(size: int) -> bytes:
    scale = 32 / size
    rows = b"".join(
        b"\x00" + bytes(c for px in range(size) for c in _pixel((px + 0.5) * scale, (py + 0.5) * scale))
        for py in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _ico(sizes: tuple[int, ...]) -> bytes:
    images = [_png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = b""
    for size, image in zip(sizes, images, strict=True):
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(images)


def main() -> None:
    (STATIC / "favicon.svg").write_text(SVG, encoding="utf-8")
    (STATIC / "favicon.ico").write_bytes(_ico((16, 32, 48)))


if __name__ == "__main__":
    main()
