"""Turns what a person typed into safe plain text, and says why a moderator should look twice.

Comments are plain text. Only real markup is removed; text that merely looks like it
("vitamin <b12 levels", "if x<y", "a<b and c>d", "<grin>") stays exactly as typed. An HTML
parser cannot tell these apart (nh3 turns "a<b and c>d" into "ad"), so before nh3 sees the text
every character that could start markup by accident is escaped:

- every `&`, so that text typed as entities ("&lt;", "AT&amp;T", "&copy") stays as typed;
- every `<` that does not open real markup. A `<` opens real markup when what follows, up to a
  closing `>`, is a comment (`<!-- … -->`), a declaration or processing instruction (`<!doctype …>`,
  `<![CDATA[…>`, `<?xml …>`), or a tag whose attributes all look like markup (`name=value`, or a
  boolean attribute HTML knows) and whose name is an HTML, SVG or MathML element name, or that
  carries at least one `name=value` attribute, or that closes such a tag. The tag is read as a
  browser's tokenizer reads it: `/` separates attributes as white space does ("<svg/onload=…>").

nh3 (with no tags allowed) then removes the markup that is left, with the text of script and
style elements, keeps the text of ordinary elements, and escapes its output, which is unescaped
once to give back plain text. Removing a tag can join two halves of another one
("<scr<b>ipt>"), so this repeats until nothing changes. Jinja escapes the text again on output.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import nh3

# Bidi embeddings, overrides and isolates: invisible, and used to disguise text. ZWJ, ZWNJ, LRM
# and RLM are kept: Persian, Urdu, Indic scripts and emoji sequences need them.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_REMOVED = dict.fromkeys(map(ord, _BIDI_CONTROLS), None)
_MAX_ROUNDS = 5


def _words(text: str) -> frozenset[str]:
    # Runs only at import, before mutmut switches a mutant on: a mutant here could not be tested.
    return frozenset(text.split())  # pragma: no mutate


HTML_ELEMENTS = _words(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big
    blink blockquote body br button canvas caption center cite code col colgroup data datalist dd
    del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
    frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd
    keygen label legend li link listing main map mark marquee menu menuitem meta meter multicol nav
    nextid nobr noembed noframes noscript object ol optgroup option output p param picture
    plaintext pre progress q rb rp rt rtc ruby s samp script search section select slot small
    source spacer span strike strong style sub summary sup table tbody td template textarea tfoot
    th thead time title tr track tt u ul var video wbr xmp"""
)
SVG_ELEMENTS = _words(
    """svg altglyph altglyphdef altglyphitem animate animatecolor animatemotion animatetransform
    circle clippath cursor defs desc discard ellipse feblend fecolormatrix fecomponenttransfer
    fecomposite feconvolvematrix fediffuselighting fedisplacementmap fedistantlight fedropshadow
    feflood fefunca fefuncb fefuncg fefuncr fegaussianblur feimage femerge femergenode
    femorphology feoffset fepointlight fespecularlighting fespotlight fetile feturbulence filter
    font-face font-face-format font-face-name font-face-src font-face-uri foreignobject g glyph
    glyphref handler hkern line lineargradient marker mask metadata missing-glyph mpath path
    pattern polygon polyline radialgradient rect set solidcolor stop switch symbol text textpath
    tref tspan unknown use view vkern"""
)
MATHML_ELEMENTS = _words(
    """math annotation annotation-xml maction malignmark maligngroup menclose merror mfenced mfrac
    mglyph mi mlabeledtr mlongdiv mmultiscripts mn mo mover mpadded mphantom mprescripts mroot
    mrow ms mscarries mscarry msgroup msline mspace msqrt msrow mstack mstyle msub msubsup msup
    mtable mtd mtext mtr munder munderover none semantics"""
)
KNOWN_ELEMENTS = HTML_ELEMENTS | SVG_ELEMENTS | MATHML_ELEMENTS

# Attributes HTML allows without a value; with event handlers (`on…`), the only bare words that
# make "<b and c>" a tag rather than prose.
BOOLEAN_ATTRIBUTES = _words(
    """allowfullscreen async autofocus autoplay checked compact controls declare default defer
    disabled formnovalidate hidden inert ismap itemscope loop multiple muted nohref noresize
    noshade nomodule novalidate nowrap open playsinline readonly required reversed scoped
    seamless selected sortable truespeed typemustmatch"""
)

# What an HTML tokenizer reads as a tag (WHATWG HTML §13.2.5): a name runs from an ASCII letter
# to white space, `/` or `>`; white space and `/` both separate attributes ("<svg/onload=…>"), and
# a quoted value may be followed by the next attribute at once; an unquoted value runs to white
# space or `>` ("src=x/onerror=…" is one value). Possessive quantifiers keep matching linear.
_SPACE = r"[\t\n\f\r ]"
_TAG_NAME = r"[A-Za-z][^\t\n\f\r />]*+"
_VALUE = r"""(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]++)"""
_ATTRIBUTE = rf"""(?:[\t\n\f\r /]++|(?<=["']))([^\t\n\f\r "'<>/=]++)(?:{_SPACE}*+(=){_SPACE}*+{_VALUE})?+"""
_START_TAG = re.compile(rf"<({_TAG_NAME})((?:{_ATTRIBUTE})*+)[\t\n\f\r /]*+>")
_END_TAG = re.compile(rf"</({_TAG_NAME}){_SPACE}*+>")
_ATTRIBUTES = re.compile(_ATTRIBUTE)
_DECLARATION = re.compile(r"<!--.*?-->|<![A-Za-z\[][^>]*>|<\?[A-Za-z][^>]*>", re.S)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A link written out ("http://www.nhs.uk@evil.example" too, which is also an address), or a bare
# domain outside an address ("name@example.com" is an address, not a link).
_URL = re.compile(r"(?:https?://|www\.)\S", re.I)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|net|org|info|biz|ru|cn|io|co)\b", re.I)
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{6,}\d")


@dataclass(frozen=True)
class Cleaned:
    text: str
    changed: bool  # markup was removed: the person must see the result before it is stored


def _strip_controls(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_REMOVED)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _attributes_look_like_markup(attributes: str) -> tuple[bool, bool]:
    """(every attribute is `name=value`, boolean or an event handler; at least one has a value)."""
    plausible, valued = True, False
    for name, equals in _ATTRIBUTES.findall(attributes):
        valued = valued or bool(equals)
        name = name.lower()
        plausible = plausible and bool(equals or name in BOOLEAN_ATTRIBUTES or name.startswith("on"))
    return plausible, valued


def _start_tag_name(match: re.Match[str]) -> str | None:
    """The element a start tag opens, or None when it reads as prose ("<b and c>", "<grin>")."""
    name = match.group(1).lower()
    plausible, valued = _attributes_look_like_markup(match.group(2))
    if plausible and (valued or name in KNOWN_ELEMENTS):
        return name
    return None


def _markup_spans(text: str) -> Iterator[tuple[int, int]]:
    """Start and end of every piece of real markup, in order."""
    opened: set[str] = set()
    position = text.find("<")
    while position != -1:
        end = _markup_end(text, position, opened)
        if end is not None:
            yield position, end
        position = text.find("<", position + 1)


def _markup_end(text: str, position: int, opened: set[str]) -> int | None:
    """Where the real markup starting at `position` ends, or None when that `<` is text."""
    if declaration := _DECLARATION.match(text, position):
        return declaration.end()
    if (start := _START_TAG.match(text, position)) and (name := _start_tag_name(start)):
        opened.add(name)
        return start.end()
    end = _END_TAG.match(text, position)
    if end and end.group(1).lower() in KNOWN_ELEMENTS | opened:
        return end.end()
    return None


def _protect_text(text: str) -> str:
    """Escape `&` everywhere and `<` wherever it does not open real markup (see the module doc)."""
    pieces, done = [], 0
    for start, end in _markup_spans(text):
        if start < done:
            continue  # a `<` inside markup already kept (a quoted attribute value)
        pieces += [_escape_text(text[done:start]), text[start:end]]
        done = end
    pieces.append(_escape_text(text[done:]))
    return "".join(pieces)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _strip_markup(text: str) -> str:
    # Stored text is a fixed point of this loop, so confirming the cleaned text never loops.
    for _ in range(_MAX_ROUNDS):
        stripped = html.unescape(nh3.clean(_protect_text(text), tags=set()))
        if stripped == text:
            return text
        text = stripped
    return text.replace("<", "").replace(">", "")


def normalise(text: str) -> str:
    """NFC, no control or bidi-override characters, no surrounding blank space."""
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
    if _URL.search(text) or _DOMAIN.search(_EMAIL.sub(" ", text)):
        found.append("link")
    if _PHONE.search(text):
        found.append("phone")
    return found
