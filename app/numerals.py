"""The decimal digits a language writes numbers in, from CLDR's numbering systems through Babel.

CLDR names, for each locale, its default numbering system and its "native" one (Persian:
`arabext`, ۰۱۲…; Arabic: `latn` by default, `arab`, ٠١٢…, natively). Babel exposes those names
and each system's decimal and group symbols, not the digits themselves; the digits of a system
are the ten Unicode decimal digits named after it ("EXTENDED ARABIC-INDIC DIGIT ZERO" …), found
through the system's script name in Babel's English locale data.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

LATIN = "0123456789"
# CLDR numbering systems whose Unicode digit names differ from the script's English name in CLDR.
UNICODE_NAMES = {
    "arab": "ARABIC-INDIC",
    "arabext": "EXTENDED ARABIC-INDIC",
    "beng": "BENGALI",
    "fullwide": "FULLWIDTH",
    "mtei": "MEETEI MAYEK",
    "nkoo": "NKO",
    "orya": "ORIYA",
    "rohg": "HANIFI ROHINGYA",
    "saur": "SAURASHTRA",
    "tamldec": "TAMIL",
}


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


@cache
def system_digits(system: str) -> str | None:
    """The ten digits of a decimal numbering system ("arabext" → "۰۱۲۳۴۵۶۷۸۹"), or None for
    a system that is not one (Chinese `hanidec` writes 〇 一 二 …, which are number words too)."""
    if system == "latn":
        return LATIN
    name = UNICODE_NAMES.get(system) or Locale("en").scripts.get(system.title(), "")
    try:
        zero = unicodedata.lookup(f"{name.upper()} DIGIT ZERO")
    except KeyError:
        return None
    digits = "".join(chr(ord(zero) + value) for value in range(10))
    return digits if all(unicodedata.decimal(digit, None) == value for value, digit in enumerate(digits)) else None


def numbering_systems(language: str | None) -> tuple[str, ...]:
    """CLDR's numbering systems of a language: its default, its others (native, …), and Latin."""
    locale = _locale(language) if language else None
    if locale is None:
        return ("latn",)
    found = [locale.default_numbering_system, *locale.other_numbering_systems.values(), "latn"]
    return tuple(dict.fromkeys(found))


@cache
def digits_to_latin(language: str | None) -> dict[int, int]:
    """A str.translate table reading every decimal digit the language uses as 0–9."""
    table: dict[int, int] = {}
    for system in numbering_systems(language):
        digits = system_digits(system)
        if digits and digits != LATIN:
            table.update(str.maketrans(digits, LATIN))
    return table


@cache
def number_separators(language: str | None) -> frozenset[str]:
    """The decimal and group symbols of every numbering system the language uses (CLDR)."""
    locale = _locale(language) if language else None
    if locale is None:
        return frozenset()
    found = set()
    for system in numbering_systems(language):
        symbols = locale.number_symbols.get(system) or {}
        found |= {symbols[key] for key in ("decimal", "group") if symbols.get(key)}
    return frozenset(found)


def in_locale_digits(text: str, language: str) -> str:
    """Text with 0–9 written in the language's default digits, where CLDR says the language
    writes numbers in its own digits (Persian "۶ دسامبر ۲۰۲۶"); otherwise unchanged."""
    locale = _locale(language)
    digits = system_digits(locale.default_numbering_system) if locale else None
    if not digits or digits == LATIN:
        return text
    return text.translate(str.maketrans(LATIN, digits))


def format_number(number: float, language: str) -> str:
    """A number as the language writes it: its default numbering system's separators and digits
    (Persian "۵٬۰۰۰", French "5 000")."""
    return in_locale_digits(format_decimal(number, locale=language, numbering_system="default"), language)
