"""Turns what a person typed into safe plain text, and says why a moderator should look twice."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import nh3

# Bidi overrides/isolates and zero-width characters: invisible, and used to disguise text.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"),
    None,
)
_MAX_ROUNDS = 5

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|biz|ru|cn|io|co)\b", re.I)
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{6,}\d")


@dataclass(frozen=True)
class Cleaned:
    text: str
    changed: bool  # markup was removed: the person must see the result before it is stored


def _strip_controls(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _strip_markup(text: str) -> str:
    # nh3 escapes its output; unescaping can reveal markup that was typed as entities, so repeat
    # until nothing changes: stored text is a fixed point, so confirming it never loops.
    for _ in range(_MAX_ROUNDS):
        stripped = html.unescape(nh3.clean(text, tags=set()))
        if stripped == text:
            return text
        text = stripped
    return text.replace("<", "").replace(">", "")


def normalise(text: str) -> str:
    """NFC, no control, bidi-override or zero-width characters, no surrounding blank space."""
    return _strip_controls(unicodedata.normalize("NFC", text)).strip()


def clean_text(text: str) -> Cleaned:
    """Plain text without tags; `changed` tells whether removing markup altered it."""
    before = normalise(text)
    after = normalise(_strip_markup(before))
    return Cleaned(after, after != before)


def flags_for(text: str) -> list[str]:
    """Why a moderator should look twice: personal contact details or links."""
    found = []
    if _EMAIL.search(text):
        found.append("email")
    if _LINK.search(_EMAIL.sub(" ", text)):
        found.append("link")
    if _PHONE.search(text):
        found.append("phone")
    return found
