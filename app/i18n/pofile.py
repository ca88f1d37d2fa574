"""Reading and writing PO files: Babel's catalogue model, laid out exactly as GNU gettext writes it.

Why not Babel's own writer: `babel.messages.pofile.write_po` (2.19 and earlier) writes the previous
English of a fuzzy message (`#| msgid`) by quoting and wrapping it as a string, then wrapping the
result again as a comment. Any previous English longer than one line comes out split in the middle
of its quoted strings (`#| msgid "" "A muscle ... Your child` / `#| cannot " "stop it ...`), which
GNU gettext, Poedit, polib and translate-toolkit (Weblate) cannot read; it also never writes
`#| msgctxt`. Its reader does not know `#|` lines either (python-babel/babel issue 206): it keeps
them as translator comments (`# | msgid ...`), so the broken lines survived every later update;
and it warns on the `#~|` lines msgmerge writes for obsolete entries (issue 566). This module keeps Babel's
`Catalog` as the model and replaces only the file format:

- `read` parses with Babel, but hands it `#|` lines as blank lines and reads them itself into
  `Message.previous_id` and `previous_context(message)`; a malformed `#|` block is dropped.
- `render` writes every entry as msgmerge and msgcat do (GNU gettext's write-po.c): strings wrapped
  at 79 columns at Unicode line-break opportunities (UAX #14, as libunistring), never inside an
  escape sequence or a python-format directive, East Asian wide characters counted as two columns;
  `#:` references packed up to 79 columns; flags as `#, fuzzy, python-format`; the previous
  English as `#| msgctxt`, `#| msgid`, `#| msgid_plural` wrapped like the strings they were. A file
  that msgmerge, msgcat or Weblate saved is therefore written back byte for byte.

tests/test_po_format.py holds a test that fails once Babel's writer is fixed upstream.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import accumulate
from pathlib import Path
from unicodedata import east_asian_width

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from unicode_segmentation_rs import line_break_units, text_width

from app.atomic_files import write_atomically

PAGE_WIDTH = 79
# Comments are not strings: like Babel (and xgettext), wrap only those longer than this.
COMMENT_WIDTH = 76

ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", "\\": "\\", '"': '"'}
UNESCAPES = {value: key for key, value in ESCAPES.items()}
ESCAPE = re.compile(r"\\(?:([abfnrtv\\\"])|([0-7]{1,3})|x([0-9a-fA-F]+))")
# A python-format directive, as gettext's format-python.c reads one.
PYTHON_DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrs%]")
HEADER_LINE = re.compile(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])?\s*("(?:[^"\\]|\\.)*")$')
# Unicode's line-break class IS (infix separators).
INFIX_SEPARATORS = frozenset(".,:;\u037e\u0589\u060c\u060d\u07f8\u2044\ufe10\ufe13\ufe14")
# Where _breaks looks beyond UAX #14: after a separator, and after ")" or "]" and spaces.
_AFTER_SEPARATOR = re.compile("[" + re.escape("".join(sorted(INFIX_SEPARATORS))) + "]")
_CLOSING_AND_SPACES = re.compile(r"[)\]] +")
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(ESCAPES)) + "]")
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")
PREVIOUS_LINE = re.compile(r'^#\|\s*(?:(msgctxt|msgid|msgid_plural)\s+)?("(?:[^"\\]|\\.)*")\s*$')

_PREVIOUS_CONTEXT = "_previous_context"
# On a catalogue read from a file: its header text as written, and the header fields as Babel
# read them, so that writing it back changes only the fields the program changed.
_HEADER = "_po_header"


def previous_context(message: Message) -> str | None:
    """The msgctxt of the English the fuzzy translation was made from (`#| msgctxt`), if any."""
    return getattr(message, _PREVIOUS_CONTEXT, None)


def set_previous(message: Message, previous_id: Iterable[str] | None, context: str | None) -> None:
    """Record the English a fuzzy translation was made from (both None: forget it)."""
    message.previous_id = list(previous_id or [])
    setattr(message, _PREVIOUS_CONTEXT, context if message.previous_id else None)


def set_header(catalog: Catalog, fields: list[tuple[str, str]]) -> None:
    """Write these header fields, in this order, instead of Babel's standard set (whose defaults
    are placeholders such as "FULL NAME <EMAIL@ADDRESS>" and "YEAR-MO-DA HO:MI+ZONE")."""
    text = "".join(f"{name}: {value.strip()}\n" for name, value in fields)
    setattr(catalog, _HEADER, (text, dict(catalog.mime_headers)))


# Reading


def unescape(text: str) -> str:
    """The value of the inside of a PO string (C escapes, as GNU gettext reads them)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return UNESCAPES[match.group(1)]
        if match.group(2):
            return chr(int(match.group(2), 8))
        return chr(int(match.group(3), 16))

    return ESCAPE.sub(replace, text)


def _previous_blocks(lines: list[str]) -> dict[int, tuple[str | None, list[str]]]:
    """Every well-formed `#|` block, by the (1-based) line of the msgid of the entry it belongs to."""
    blocks: dict[int, tuple[str | None, list[str]]] = {}
    fields: dict[str, str] = {}
    current: str | None = None
    valid = True
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("#|"):
            match = PREVIOUS_LINE.match(line)
            keyword = match and match.group(1)
            if not match or (keyword is None and current is None) or (keyword and keyword in fields):
                valid = False
                continue
            current = keyword or current
            fields[current] = fields.get(current, "") + unescape(match.group(2)[1:-1])
        elif line.startswith("msgid ") or line.startswith("msgid\t"):
            if fields and valid and "msgid" in fields:
                ids = [fields["msgid"]] + ([fields["msgid_plural"]] if "msgid_plural" in fields else [])
                blocks[number] = (fields.get("msgctxt"), ids)
            fields, current, valid = {}, None, True
        elif line and not line.startswith("#") and not line.startswith('"') and not line.startswith("msg"):
            fields, current, valid = {}, None, True
    return blocks


def _raw_header(lines: list[str]) -> str | None:
    """The msgstr of the header entry exactly as written, if the file starts with a header."""
    keyword: str | None = None
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            if keyword == "msgstr":
                break
            if keyword is None:
                continue
            return None
        match = HEADER_LINE.match(line)
        if not match:
            return None
        name, value = match.group(1), unescape(match.group(2)[1:-1])
        if name is None:
            if keyword is None:
                return None
        elif (keyword, name) in ((None, "msgid"), ("msgid", "msgstr")):
            pass
        elif keyword == "msgstr":
            break
        else:
            return None
        keyword = name or keyword
        if keyword == "msgid" and value:
            return None
        if keyword == "msgstr":
            parts.append(value)
    return "".join(parts) if keyword == "msgstr" else None


def read(source: bytes, *, strict: bool = False) -> Catalog:
    """A catalogue from the bytes of a PO file, with the previous English of fuzzy messages."""
    lines = source.split(b"\n")
    text = [line.decode("utf-8", errors="replace") for line in lines]
    blocks = _previous_blocks(text)
    # Babel would keep `#|` lines as translator comments, and fails on `#~|`: it sees blank lines
    # instead (line numbers stay right), and `#|` is read above.
    for_babel = [b"" if line.lstrip().startswith((b"#|", b"#~|")) else line for line in lines]
    catalog = read_po(for_babel, abort_invalid=strict)
    raw = _raw_header(text)
    if raw is not None:
        setattr(catalog, _HEADER, (raw, dict(catalog.mime_headers)))
    for message in [*catalog, *catalog.obsolete.values()]:
        # Translator comments that start with "|" are what Babel's reader made of `#|` lines
        # written before this module existed: broken copies of old English, never a real note.
        message.user_comments = [comment for comment in message.user_comments if not comment.startswith("|")]
        previous = blocks.get(message.lineno) if message.id else None
        if previous and message.fuzzy:
            set_previous(message, previous[1], previous[0])
        else:
            set_previous(message, None, None)
    return catalog


def load(path: Path, *, strict: bool = False) -> Catalog:
    return read(path.read_bytes(), strict=strict)


# Writing


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
    last = len(text) - 1
    for match in _AFTER_SEPARATOR.finditer(text, 0, last):
        after = text[match.end()]
        if after.isalpha() and east_asian_width(after) not in "WF":
            found.add(match.end())
    for match in _CLOSING_AND_SPACES.finditer(text):
        for index in range(match.start() + 2, min(match.end(), last) + 1):
            if _non_starter(text[index]):
                found.add(index)
    return found


@cache
def _non_starter(char: str) -> bool:
    """Whether UAX #14 forbids a break before the character after ") " but not after "a "."""
    return line_break_units(f"a) {char}a")[0] != "a) " and line_break_units(f"a {char}a")[0] == "a "


@cache
def _width(char: str) -> int:
    return max(text_width(char), 0)


def _width_linebreaks(text: str, candidates: list[int], width: int, start: int) -> list[int]:
    """libunistring's ulc_width_linebreaks: a greedy choice among the possible breaks (sorted),
    returned as the sorted indexes chosen."""
    # Every printable ASCII character is one column wide.
    ascii_only = text.isascii() and text.isprintable()
    columns = range(len(text) + 1) if ascii_only else [0, *accumulate(map(_width, text))]
    chosen: list[int] = []
    last: int | None = None
    column, previous = start, 0
    for index in candidates:
        piece = columns[index] - columns[previous]
        if last is not None and column + piece > width:
            chosen.append(last)
            column = 0
        last, previous = index, index
        column += piece
    if last is not None and column + columns[len(text)] - columns[previous] > width:
        chosen.append(last)
    return chosen


def _portions(text: str) -> list[tuple[int, str]]:
    """The text cut after each newline, with the offset of each part."""
    parts, offset = [], 0
    for part in _PORTION.findall(text) or [""]:
        parts.append((offset, part))
        offset += len(part)
    return parts


def _python_directives(text: str) -> Iterator[tuple[int, int]]:
    """The spans of python-format directives, as gettext's parser finds them: it stops at the
    first invalid one (a "%" not followed by a conversion, or a named directive after an unnamed
    one or the reverse), marking none after it."""
    named: bool | None = None
    index = text.find("%")
    while index != -1:
        match = PYTHON_DIRECTIVE.match(text, index)
        if match is None:
            return
        if not match.group().endswith("%"):  # "%%" (also "% %") is neither named nor unnamed
            this = match.group().startswith("%(")
            if named is not None and this != named:
                return
            named = this
        yield match.start(), match.end()
        index = text.find("%", match.end())


def _escaped(portion: str, offset: int, inside: set[int]) -> tuple[str, set[int]]:
    """A portion as written between quotes, and the indexes (in it) before which no break may
    fall: inside an escape sequence or a python-format directive, and before a final newline."""
    if not _NEEDS_ESCAPE.search(portion):
        prohibited = {index - offset for index in inside if offset <= index < offset + len(portion)}
        return portion, prohibited
    chars: list[str] = []
    prohibited = set()
    for position, char in enumerate(portion):
        if offset + position in inside:
            prohibited.add(len(chars))
        if char in ESCAPES:
            prohibited.add(len(chars) + 1)
            chars += ["\\", ESCAPES[char]]
        else:
            chars.append(char)
    if portion.endswith("\n"):
        prohibited.add(len(chars) - 2)
    return "".join(chars), prohibited


def string_lines(name: str, text: str, *, prefix: str = "", python_format: bool = False) -> list[str]:
    """A keyword and its string as GNU gettext's wrap() lays them out, one list item per line."""
    return list(_string_lines(name, text, prefix, python_format))


# A catalogue repeats its English in every language, and an update writes every language: the
# same string is laid out once per process.
@cache
def _string_lines(name: str, text: str, prefix: str, python_format: bool) -> tuple[str, ...]:
    inside: set[int] = set()
    if python_format:
        for start, end in _python_directives(text):
            inside.update(range(start + 1, end))
    lines: list[str] = []
    first = True
    portions = _portions(text)
    after_break = len(prefix) + 1
    width = PAGE_WIDTH - 1 - after_break
    for number, (offset, portion) in enumerate(portions):
        escaped, prohibited = _escaped(portion, offset, inside)
        candidates = sorted(_breaks(escaped) - prohibited)
        more = number < len(portions) - 1
        while True:
            start = len(prefix) + (len(name) + 1 if first else 0) + 1 - after_break
            chosen = _width_linebreaks(escaped, candidates, width, start)
            if first and escaped and (more or start > width or chosen):
                lines.append(f'{prefix}{name} ""')
                first = False
                continue
            break
        line = prefix + (f"{name} " if first else "") + '"'
        first = False
        cut = 0
        for index in chosen:
            lines.append(f'{line}{escaped[cut:index]}"')
            line, cut = prefix + '"', index
        lines.append(f'{line}{escaped[cut:]}"')
    return tuple(lines)


def _comment_lines(marker: str, comments: Iterable[str]) -> list[str]:
    lines = []
    for comment in comments:
        texts = [comment]
        if len(comment) > COMMENT_WIDTH:
            texts = textwrap.wrap(comment, COMMENT_WIDTH, break_long_words=False)
        lines += [f"{marker} {text.strip()}" if text.strip() else marker for text in texts]
    return lines


def _reference_lines(message: Message) -> list[str]:
    """`#:` lines as gettext packs them: a new line when the next reference would pass 79 columns."""
    references = []
    for filename, lineno in sorted(
        set(message.locations), key=lambda location: (location[0], location[1] if isinstance(location[1], int) else -1)
    ):
        name = filename.replace("\\", "/")
        if " " in name or "\t" in name:
            name = f"\u2068{name}\u2069"
        reference = f"{name}:{lineno}" if lineno else name
        if reference not in references:
            references.append(reference)
    if not references:
        return []
    lines, line, column = [], "#:", 2
    for reference in references:
        width = len(reference) + 1
        if column > 2 and column + width > PAGE_WIDTH:
            lines.append(line)
            line, column = "#:", 2
        line += " " + reference
        column += width
    return [*lines, line]


def _flags(message: Message, *, obsolete: bool) -> list[str]:
    translated = message.string[0] if isinstance(message.string, (list, tuple)) else message.string
    flags = ["fuzzy"] if message.fuzzy and translated else []
    others = sorted(message.flags - {"fuzzy"})
    flags += [flag for flag in others if flag.endswith("-format")] if obsolete else others
    return [f"#, {', '.join(flags)}"] if flags else []


def _entry(message: Message, num_plurals: int, *, obsolete: bool = False) -> list[str]:
    prefix = "#~ " if obsolete else ""
    python_format = "python-format" in message.flags
    lines = _comment_lines("#", message.user_comments)
    if not obsolete:
        lines += _comment_lines("#.", message.auto_comments) + _reference_lines(message)
    lines += _flags(message, obsolete=obsolete)
    if message.previous_id and message.fuzzy and not obsolete:
        previous = [("msgctxt", previous_context(message)), ("msgid", message.previous_id[0])]
        if len(message.previous_id) > 1:
            previous.append(("msgid_plural", message.previous_id[1]))
        for name, text in previous:
            if text is not None:
                lines += string_lines(name, text, prefix="#| ", python_format=python_format)
    if message.context is not None:
        lines += string_lines("msgctxt", message.context, prefix=prefix, python_format=python_format)
    if isinstance(message.id, (list, tuple)):
        lines += string_lines("msgid", message.id[0], prefix=prefix, python_format=python_format)
        lines += string_lines("msgid_plural", message.id[1], prefix=prefix, python_format=python_format)
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]
        strings += [""] * (num_plurals - len(strings))
        for index, text in enumerate(strings[:num_plurals] if num_plurals else strings):
            lines += string_lines(f"msgstr[{index}]", text or "", prefix=prefix, python_format=python_format)
    else:
        lines += string_lines("msgid", message.id, prefix=prefix, python_format=python_format)
        lines += string_lines("msgstr", message.string or "", prefix=prefix, python_format=python_format)
    return lines


def _header_text(catalog: Catalog, message: Message) -> str:
    """The header as read, with the fields the program changed since (e.g. POT-Creation-Date by
    an update) replaced in place, as msgmerge does; Babel's full header for a new catalogue."""
    if not hasattr(catalog, _HEADER):
        return message.string
    raw, as_read = getattr(catalog, _HEADER)
    now = dict(catalog.mime_headers)
    changed = {name: value for name, value in now.items() if as_read.get(name) != value}
    lines = raw.split("\n")
    for index, line in enumerate(lines):
        name = line.split(":", 1)[0]
        if ":" in line and name in changed:
            lines[index] = f"{name}: {changed.pop(name).strip()}"
    text = "\n".join(lines)
    additions = "".join(f"{name}: {value.strip()}\n" for name, value in changed.items() if name not in as_read)
    if additions and text and not text.endswith("\n"):
        text += "\n"
    return text + additions


def _header(catalog: Catalog, message: Message) -> list[str]:
    lines = []
    for line in catalog.header_comment.splitlines():
        lines += textwrap.wrap(line, COMMENT_WIDTH, subsequent_indent="# ", break_long_words=False) or ["#"]
    if message.fuzzy:
        lines.append("#, fuzzy")
    return lines + string_lines("msgid", "") + string_lines("msgstr", _header_text(catalog, message))


def entries(catalog: Catalog, *, sort_by_file: bool = False) -> Iterator[list[str]]:
    """The lines of each entry: the header, the messages, then the obsolete ones (with a translation)."""
    messages = [message for message in catalog if message.id]
    obsolete = [message for message in catalog.obsolete.values() if any(_strings(message))]
    if sort_by_file:
        messages.sort(key=lambda message: message.locations)
        obsolete.sort(key=lambda message: message.locations)
    header = next((message for message in catalog if not message.id), None)
    if header is not None:
        yield _header(catalog, header)
    for message in messages:
        yield _entry(message, catalog.num_plurals)
    for message in obsolete:
        yield _entry(message, catalog.num_plurals, obsolete=True)


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]


def render(catalog: Catalog, *, sort_by_file: bool = False) -> str:
    return "\n".join("".join(f"{line}\n" for line in lines) for lines in entries(catalog, sort_by_file=sort_by_file))


def write(catalog: Catalog, path: Path, *, sort_by_file: bool = False) -> None:
    """Write the catalogue in one go (a reader never sees half a file)."""
    write_atomically(path, render(catalog, sort_by_file=sort_by_file).encode("utf-8"))
