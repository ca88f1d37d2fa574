"""Reads Playwright's PNG screenshots (8-bit RGB or RGBA, not interlaced) into pixels, and
compares two of them the way WCAG measures contrast, without an imaging library."""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # PNG colour type -> bytes per pixel (RGB, RGBA)

Pixel = tuple[int, int, int]


def _paeth(left: int, up: int, up_left: int) -> int:
    estimate = left + up - up_left
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
    return (left, up, up_left)[distances.index(min(distances))]


def decode_png(data: bytes) -> tuple[int, int, list[Pixel]]:
    """Width, height and the pixels row by row (alpha dropped: screenshots are opaque)."""
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    position, compressed = len(PNG_SIGNATURE), b""
    width = height = channels = 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour_type in CHANNELS and not interlace, "unexpected PNG format"
            channels = CHANNELS[colour_type]
        elif kind == b"IDAT":
            compressed += body
    raw = zlib.decompress(compressed)
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[Pixel] = []
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up_left = previous[i - channels] if i >= channels else 0
            predictor = (0, left, previous[i], (left + previous[i]) // 2, _paeth(left, previous[i], up_left))[kind]
            line[i] = (line[i] + predictor) & 0xFF
        pixels += [tuple(line[i : i + 3]) for i in range(0, stride, channels)]
        previous = line
    return width, height, pixels


def _luminance(pixel: Pixel) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in pixel)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: Pixel, second: Pixel) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def pixels_changed_by(before: bytes, after: bytes, ratio: float) -> int:
    """How many pixels of two same-size screenshots differ by at least `ratio`:1 in contrast."""
    width, height, old = decode_png(before)
    assert decode_png(after)[:2] == (width, height), "screenshots of different sizes"
    new = decode_png(after)[2]
    return sum(1 for a, b in zip(old, new, strict=True) if a != b and contrast(a, b) >= ratio)
