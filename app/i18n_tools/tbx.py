"""A language's glossary and urgency list as TBX (TermBase eXchange), the glossary format
Weblate imports with each term's explanation, written with translate-toolkit from the same
CSV files `flask translate check` reads."""

from __future__ import annotations

from pathlib import Path

from translate.storage import tbx

from app.i18n_tools.glossary import Row, read_rows, urgency_path

# Weblate shows a <descrip> as the source term's explanation (translate-toolkit's "definition").
EXPLANATION = "definition"
URGENCY_NOTE = "Urgency or time word of a warning: the translation must keep it exactly."


def tbx_rows(glossary: Path) -> list[Row]:
    """Every row of the glossary, then of the urgency list, with the urgency rows' notes saying so."""
    rows: list[Row] = []
    if glossary.exists():
        rows += read_rows(glossary)[0]
    urgency = urgency_path(glossary)
    if urgency.exists():
        rows += [
            Row(row.line, row.source, row.target, f"{URGENCY_NOTE} {row.description}".strip())
            for row in read_rows(urgency)[0]
        ]
    return rows


def glossary_tbx(glossary: Path, language: str) -> bytes:
    """The TBX file of one language (a BCP 47 tag such as "zh-Hans"): one entry per row."""
    store = tbx.tbxfile(sourcelanguage="en", targetlanguage=language)
    for row in tbx_rows(glossary):
        unit = store.addsourceunit(row.source)
        unit.target = row.target
        if row.description:
            unit.addnote(row.description, origin=EXPLANATION)
    return bytes(store)
