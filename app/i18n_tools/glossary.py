"""The approved translation of each medical term, per language, read from translations/glossary/,
and the words that carry the urgency and time limits of a warning, from translations/urgency/."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("source", "target", "description")
# Arabic short vowels, shadda, sukun and tatweel: writers add or leave them out freely, so
# "الكُساح" and "الكساح" are the same word to a reader and must be to the check.
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")


def normalise(text: str) -> str:
    """Text as the glossary check compares it: NFC, case-folded, without optional Arabic marks."""
    return ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text)).casefold()


@dataclass(frozen=True)
class Term:
    source: str
    # Every approved translation of the term (a glossary may list one term twice, e.g. for a
    # gender or a grammatical case the language needs).
    targets: tuple[str, ...]
    pattern: re.Pattern[str]

    def used_in(self, english: str) -> bool:
        return self.pattern.search(english) is not None

    def kept_in(self, translation: str) -> bool:
        found = normalise(translation)
        return any(normalise(target) in found for target in self.targets)


@dataclass(frozen=True)
class Glossary:
    path: Path | None
    terms: tuple[Term, ...]
    errors: tuple[tuple[int, str], ...] = ()
    # The language's urgency and time words (the same CSV format), which required blocks keep.
    urgency: Glossary | None = None


def glossary_path(translations: Path, catalogue: str) -> Path:
    return translations / "glossary" / f"{catalogue}.csv"


def urgency_path(glossary: Path) -> Path:
    """translations/urgency/<catalogue>.csv beside translations/glossary/<catalogue>.csv."""
    return glossary.parent.parent / "urgency" / glossary.name


def read_glossary(path: Path) -> Glossary:
    """The glossary in a CSV file with the header source,target,description (none: empty), with
    the language's urgency words from its companion file."""
    terms = read_terms(path)
    urgency = read_terms(urgency_path(path))
    return Glossary(terms.path, terms.terms, terms.errors, urgency if urgency.path else None)


@dataclass(frozen=True)
class Row:
    line: int
    source: str
    target: str
    description: str


def read_rows(path: Path) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows of one CSV file with the header source,target,description, and its errors."""
    rows, errors = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            return [], [(1, f"glossary: the first line must be {','.join(COLUMNS)}")]
        for row in reader:
            source, target = (row["source"] or "").strip(), (row["target"] or "").strip()
            if not source or not target:
                errors.append((reader.line_num, "glossary: a row needs both a source term and a target"))
                continue
            rows.append(Row(reader.line_num, source, target, (row["description"] or "").strip()))
    return rows, errors


def read_terms(path: Path) -> Glossary:
    """Terms from one CSV file with the header source,target,description (none: empty)."""
    if not path.exists():
        return Glossary(None, ())
    rows, errors = read_rows(path)
    targets: dict[str, list[str]] = defaultdict(list)
    spelled: dict[str, str] = {}
    for row in rows:
        targets[row.source.casefold()].append(row.target)
        spelled.setdefault(row.source.casefold(), row.source)
    terms = tuple(
        # Whole words only, so "febrile seizure" does not also claim "febrile seizures".
        Term(spelled[key], tuple(found), re.compile(rf"(?<!\w){re.escape(spelled[key])}(?!\w)", re.IGNORECASE))
        for key, found in targets.items()
    )
    return Glossary(path, terms, tuple(errors))
