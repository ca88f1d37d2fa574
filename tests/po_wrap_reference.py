"""The string layout of app/i18n/pofile.py as first written: a character-by-character transcription
of GNU gettext's wrap() and libunistring's ulc_width_linebreaks. pofile.py's faster layout must
give the same lines for every string (tests/test_po_wrapping.py); this one is the reference
that tests/test_po_format.py proved byte-identical to msgmerge and msgcat."""

from __future__ import annotations

import re
from unicodedata import east_asian_width

from unicode_segmentation_rs import line_break_units, text_width

from app.i18n.pofile import ESCAPES, INFIX_SEPARATORS, PAGE_WIDTH, _python_directives


def _breaks(text: str) -> set[int]:
    """Indexes before which Unicode's line-breaking rules (UAX #14) allow a break, as libunistring
    (and so GNU gettext) applies them, which differs from the standard in two places: a break
    between a full stop, comma, colon or semicolon and a letter ("e.g.|x", "www.|nhs"; rule LB29),
    and after a closing parenthesis and spaces before a non-starter ("(EEG) |："; rule LB16)."""
    found, index = set(), 0
    for unit in line_break_units(text):
        index += len(unit)
        found.add(index)
    found.discard(len(text))
    for index in range(1, len(text)):
        before, after = text[index - 1], text[index]
        letter_after_separator = before in INFIX_SEPARATORS and after.isalpha() and east_asian_width(after) not in "WF"
        spaced_non_starter = before == " " and text[:index].rstrip(" ").endswith((")", "]")) and _non_starter(after)
        if letter_after_separator or spaced_non_starter:
            found.add(index)
    return found


def _non_starter(char: str) -> bool:
    """Whether UAX #14 forbids a break before the character after ") " but not after "a "."""
    return line_break_units(f"a) {char}a")[0] != "a) " and line_break_units(f"a {char}a")[0] == "a "


def _width_linebreaks(
    chars: list[str], possible: set[int], prohibited: list[bool], width: int, start: int
) -> list[bool]:
    """libunistring's ulc_width_linebreaks: a greedy choice among the possible breaks."""
    chosen = [False] * len(chars)
    last: int | None = None
    column, piece = start, 0
    for index, char in enumerate(chars):
        if index in possible and not prohibited[index]:
            if last is not None and column + piece > width:
                chosen[last] = True
                column = 0
            last = index
            column += piece
            piece = 0
        piece += max(text_width(char), 0)
    if last is not None and column + piece > width:
        chosen[last] = True
    return chosen


def _portions(text: str) -> list[tuple[int, str]]:
    """The text cut after each newline, with the offset of each part."""
    parts, offset = [], 0
    for part in re.findall(r"[^\n]*\n|[^\n]+", text) or [""]:
        parts.append((offset, part))
        offset += len(part)
    return parts


def string_lines(name: str, text: str, *, prefix: str = "", python_format: bool = False) -> list[str]:
    """A keyword and its string as GNU gettext's wrap() lays them out, one list item per line."""
    inside = [False] * len(text)
    if python_format:
        for start, end in _python_directives(text):
            for index in range(start + 1, end):
                inside[index] = True
    lines: list[str] = []
    first = True
    portions = _portions(text)
    after_break = len(prefix) + 1
    width = PAGE_WIDTH - 1 - after_break
    for number, (offset, portion) in enumerate(portions):
        chars: list[str] = []
        prohibited: list[bool] = []
        for position, char in enumerate(portion):
            if char in ESCAPES:
                chars += ["\\", ESCAPES[char]]
                prohibited += [inside[offset + position], True]
            else:
                chars.append(char)
                prohibited.append(inside[offset + position])
        if portion.endswith("\n"):
            prohibited[-2] = True
        possible = _breaks("".join(chars))
        more = number < len(portions) - 1
        while True:
            start = len(prefix) + (len(name) + 1 if first else 0) + 1 - after_break
            chosen = _width_linebreaks(chars, possible, prohibited, width, start)
            if first and chars and (more or start > width or any(chosen)):
                lines.append(f'{prefix}{name} ""')
                first = False
                continue
            break
        line = prefix + (f"{name} " if first else "") + '"'
        first = False
        for index, char in enumerate(chars):
            if chosen[index]:
                lines.append(line + '"')
                line = prefix + '"'
            line += char
        lines.append(line + '"')
    return lines
