"""pofile.py lays strings out as its character-by-character reference does (tests/po_wrap_reference.py),
for any text: the reference is the layout tests/test_po_format.py compares with GNU gettext."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.i18n.pofile import _breaks, read, string_lines
from tests.conftest import hypothesis_examples
from tests.i18n_helpers import SHIPPED_TRANSLATIONS
from tests.po_wrap_reference import _breaks as reference_breaks
from tests.po_wrap_reference import string_lines as reference_lines

# Characters whose line-breaking, width or escaping differ: spaces, hyphens, separators, quotes,
# escapes, python-format directives, brackets, wide (CJK) and right-to-left (Arabic) letters,
# combining marks, non-starters, control characters.
SPECIAL = (
    ' -.,:;/()[]{}"\\\n\t\r\a\b\f\v%sd()x0123456789'
    "\u00a0\u00ad\u060c\u0627\u0644\u064b\u3001\u3002\uff1a\uff08\uff09\u4e2d\u6587\u200b\u2014\u2019\u201c\x01\x7f\u0301"
)
TEXT = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=240)
# Wrapping only shows its choices in long lines: words and spaces, with the pieces where
# libunistring departs from UAX #14 (") " or "] " before a non-starter) and zero-width controls.
PIECES = [
    ") ",
    ")  ",
    "] ",
    "\uff1a",
    "\u3001",
    "\u3005",
    "\u30fc",
    "\u3041",
    "\u203c",
    "!",
    "?",
    "\x01\x01\x01",
    "\x7f",
]
WORDS = st.lists(
    st.one_of(
        st.text(alphabet="abcdefghij", min_size=1, max_size=14),
        st.sampled_from(list(SPECIAL)),
        st.sampled_from(PIECES),
        st.just(" "),
    ),
    max_size=80,
).map("".join)
NAMES = st.sampled_from(["msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]"])
PREFIXES = st.sampled_from(["", "#~ ", "#| "])


@settings(max_examples=hypothesis_examples(1500), deadline=None)
@example(text="word " * 13 + "(EEG) \uff1aand more words " * 4, name="msgid", prefix="", python_format=False)
@example(text="\x01" * 90 + " word" * 20, name="msgstr", prefix="", python_format=False)
@given(text=st.one_of(TEXT, WORDS), name=NAMES, prefix=PREFIXES, python_format=st.booleans())
def test_any_string_is_laid_out_as_the_reference_lays_it_out(text, name, prefix, python_format):
    assert string_lines(name, text, prefix=prefix, python_format=python_format) == reference_lines(
        name, text, prefix=prefix, python_format=python_format
    )


@pytest.mark.parametrize(
    "path", sorted(SHIPPED_TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")), ids=lambda p: p.parts[-3]
)
def test_every_shipped_string_is_laid_out_as_the_reference_lays_it_out(path):
    catalog = read(path.read_bytes())
    for message in catalog:
        for text in [
            *([message.id] if isinstance(message.id, str) else message.id),
            *([message.string] if isinstance(message.string, str) else message.string),
        ]:
            for prefix in ("", "#| "):
                assert string_lines("msgid", text, prefix=prefix, python_format=message.python_format) == (
                    reference_lines("msgid", text, prefix=prefix, python_format=message.python_format)
                ), text


@settings(max_examples=hypothesis_examples(1500), deadline=None)
@example(text="(EEG) \uff1aand")
@given(text=st.one_of(TEXT, WORDS))
def test_the_break_opportunities_are_the_references(text):
    """Where a line may break, including libunistring's departures from UAX #14, which a string's
    layout shows only when a line ends exactly there."""
    assert _breaks(text) == reference_breaks(text)
