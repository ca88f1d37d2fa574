"""The PO file grammar that GNU gettext's parser accepts, checked line by line.

Babel's reader is lenient: it skips or mangles lines that GNU gettext (msgfmt, msgmerge, Poedit)
rejects, and it never looks inside `#|` and `#~|` comments, where the previous English lives. This
walks every line the way gettext's lexer and grammar (po-lex.c, po-gram.y) do and names the line
of each error. It is stricter than gettext in one way only: one quoted string per line, because
Babel misreads `msgid "a" "b"`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"]|$)\s*(.*)$")
STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
# A string every tool reads the same (only the escapes of READ_ALIKE): most lines, at once.
WELL_FORMED = re.compile(r'"([^"\\]*(?:\\[ntr\\"][^"\\]*)*)"')
# GNU gettext also knows \a \b \f \v, octal and \x escapes, but Babel reads them as text.
ESCAPE = re.compile(r"\\(.?)")
READ_ALIKE = ("n", "t", "r", "\\", '"')
PREVIOUS_KEYWORDS = ("msgctxt", "msgid", "msgid_plural")


@dataclass
class _Entry:
    obsolete: bool
    line: int = 0
    keyword: str | None = None
    plural_forms: int = -1
    complete: bool = False
    broken: bool = False  # a string of it is malformed, already reported
    values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def context(self) -> str | None:
        return "".join(self.values["msgctxt"]) if "msgctxt" in self.values else None

    @property
    def msgid(self) -> str | None:
        return "".join(self.values["msgid"]) if "msgid" in self.values else None


@dataclass
class _Walker:
    errors: list[tuple[int, str]] = field(default_factory=list)
    entry: _Entry | None = None
    previous: str | None = None  # the `#|` keyword a continuation string belongs to
    previous_seen: list[str] = field(default_factory=list)
    seen: dict[tuple[bool, str | None, str], int] = field(default_factory=dict)

    def error(self, line: int, text: str) -> None:
        self.errors.append((line, text))

    def close(self) -> None:
        """The entry ends (a comment, a new entry or the end of the file)."""
        entry = self.entry
        self.entry = None
        if entry is None or entry.keyword is None:
            return
        if not entry.complete:
            if entry.msgid is None:
                self.error(entry.line, "msgctxt without msgid and msgstr")
            else:
                self.error(entry.line, "msgid without msgstr (nothing may come between them but strings)")
            return
        key = (entry.obsolete, entry.context, entry.msgid or "")
        if entry.msgid is not None and not entry.obsolete and not entry.broken:
            if key in self.seen:
                self.error(entry.line, f"duplicate message definition (first at line {self.seen[key]})")
            else:
                self.seen[key] = entry.line

    def keyword(self, number: int, keyword: str, index: str | None, value: str | None, obsolete: bool) -> None:
        self.previous = None
        entry = self.entry
        starts = keyword in ("msgctxt", "msgid")
        after_context = keyword == "msgid" and entry is not None and entry.keyword == "msgctxt"
        if entry is not None and (entry.obsolete != obsolete or (starts and entry.keyword and not after_context)):
            self.close()
            entry = None
        if entry is None:
            entry = self.entry = _Entry(obsolete=obsolete)
            self.previous_seen = []
        name = keyword if index is None else "msgstr[]"
        expected = {
            None: ("msgctxt", "msgid"),
            "msgctxt": ("msgid",),
            "msgid": ("msgid_plural", "msgstr"),
            "msgid_plural": ("msgstr[]",),
            "msgstr[]": ("msgstr[]",),
            "msgstr": (),
        }[entry.keyword if entry.keyword != "msgstr[]" else "msgstr[]"]
        if name not in expected:
            where = "after " + entry.keyword if entry.keyword else "at the start of an entry"
            self.error(number, f"{keyword} is not allowed {where}")
            self.entry = None
            return
        if name == "msgstr[]":
            if int(index or 0) != entry.plural_forms + 1:
                self.error(number, f"{keyword}: plural forms must be numbered from 0 without gaps")
            entry.plural_forms = int(index or 0)
        if keyword in ("msgctxt", "msgid"):
            entry.line = number
        entry.keyword = name
        entry.broken = entry.broken or value is None
        entry.values[keyword] = [value or ""]
        entry.complete = name in ("msgstr", "msgstr[]")

    def continuation(self, number: int, value: str | None, obsolete: bool) -> None:
        entry = self.entry
        if entry is None or entry.keyword is None or entry.obsolete != obsolete:
            self.error(number, "a string with no keyword before it")
            return
        key = next(reversed(entry.values))
        entry.broken = entry.broken or value is None
        entry.values[key].append(value or "")

    def previous_line(self, number: int, content: str) -> None:
        """A `#|` line: msgctxt, msgid, msgid_plural of the English before it changed."""
        if self.entry is not None and self.entry.keyword is not None:
            self.close()
        match = KEYWORD.match(content)
        if match:
            keyword, rest = match.group(1), match.group(3)
            order = list(PREVIOUS_KEYWORDS)
            if keyword not in PREVIOUS_KEYWORDS:
                self.error(number, f'keyword "{keyword}" is not allowed in a #| comment')
                return
            if any(order.index(seen) >= order.index(keyword) for seen in self.previous_seen) or (
                keyword == "msgid_plural" and "msgid" not in self.previous_seen
            ):
                self.error(number, f"#| {keyword} out of order (msgctxt, msgid, msgid_plural)")
            self.previous_seen.append(keyword)
            self.previous = keyword
            self.string(number, rest, where="#| " + keyword)
        elif content.startswith('"'):
            if self.previous is None:
                self.error(number, "a #| string with no #| keyword before it")
                return
            self.string(number, content, where="#|")
        else:
            word = content.split()[0] if content.split() else content
            self.error(number, f'keyword "{word}" unknown in a #| comment')

    def string(self, number: int, text: str, *, where: str) -> str | None:
        """The value of one quoted string, or None after reporting what is wrong with it."""
        text = text.strip()
        if well_formed := WELL_FORMED.fullmatch(text):
            return well_formed.group(1)
        if not text.startswith('"'):
            self.error(number, f"{where}: a quoted string must follow")
            return None
        match = STRING.match(text)
        if not match:
            closing = re.match(r'^"(?:[^"\\]|\\.)*"', text)
            if closing is None:
                self.error(number, f"{where}: end of line within a string (a missing closing quote)")
            else:
                self.error(number, f"{where}: text after the closing quote (one string per line)")
            return None
        bad = next((escape for escape in ESCAPE.finditer(match.group(1)) if escape.group(1) not in READ_ALIKE), None)
        if bad:
            self.error(
                number,
                f"{where}: escape \\{bad.group(1)} is not one every tool reads the same "
                '(only \\n \\t \\r \\\\ \\"; write a backslash as \\\\)',
            )
            return None
        return match.group(1)


def syntax_errors(text: str) -> list[tuple[int, str]]:
    """(line, what is wrong) for every line GNU gettext would reject, or Babel would misread."""
    walker = _Walker()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        obsolete = line.startswith("#~")
        if line.startswith("#~|"):
            walker.previous_line(number, line[3:].strip())
            continue
        if line.startswith("#|"):
            walker.previous_line(number, line[2:].strip())
            continue
        if line.startswith("#") and not obsolete:
            walker.close()
            walker.previous_seen = []
            walker.previous = None
            continue
        content = line[2:].strip() if obsolete else line
        if not content:
            continue
        match = KEYWORD.match(content)
        if match:
            keyword, index, rest = match.groups()
            value = walker.string(number, rest, where=keyword)
            walker.keyword(number, keyword, index, value, obsolete)
            continue
        if content.startswith('"'):
            value = walker.string(number, content, where="string")
            walker.continuation(number, value, obsolete)
            continue
        word = content.split()[0]
        walker.error(number, f'keyword "{word[:30]}" unknown (only comments, keywords and quoted strings)')
    walker.close()
    return sorted(set(walker.errors))
