"""The shape of an article file, as pydantic models, and the editorial rules no type can say.

The schema fixes what an article *is* (fields, their types, which values are allowed), never
which sections it has: a new article is any number of sections of any ids. Every problem is
reported with the path of the field it is about (`sections[2].blocks[0].urgency`), which
`app.content.errors` turns into the file's line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

# How urgent a warning is, most urgent first: "emergency" is call the emergency number now,
# "urgent" is get medical help today, "routine" is see a doctor. Templates style and order
# warnings by it, so a warning without a known urgency is an error, not a default.
URGENCIES = ("emergency", "urgent", "routine")
# How soon an urgent warning says to get help: its heading says so, so two urgent warnings never
# sound the same to someone skimming the headings.
TIMEFRAMES = ("now", "today")
KINDS = ("paragraph", "list_item", "warning")

# Ids become parts of msgctxts ("slug|section|block") and of URLs: lower case, digits, hyphens.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Loc = tuple[str | int, ...]


class _Strict(BaseModel):
    # A misspelt field ("urgencey") is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class MessageFile(_Strict):
    """A translatable text and its note for translators."""

    text: Text
    note: str = ""


class ItemFile(_Strict):
    id: Id
    text: Text
    note: str = ""


class BlockFile(_Strict):
    id: Id
    kind: Literal["paragraph", "list_item", "warning"] = "paragraph"
    text: Text
    note: str = ""
    urgency: Literal["emergency", "urgent", "routine"] | None = None
    timeframe: Literal["now", "today"] | None = None
    required: StrictBool = False
    items: list[ItemFile] = Field(default_factory=list)


class SourceFile(_Strict):
    id: Id
    title: Text
    publisher: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    language: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]
    accessed: dt.date | None = None


class SectionFile(_Strict):
    id: Id
    heading: MessageFile
    sources: list[Id] = Field(default_factory=list)
    blocks: Annotated[list[BlockFile], Field(min_length=1)]
    at_a_glance: StrictBool = False


class ArticleFile(_Strict):
    slug: Id
    # The date of the current English text: change it whenever the English changes.
    source_version: dt.date
    title: MessageFile
    summary: MessageFile
    sources: Annotated[list[SourceFile], Field(min_length=1)]
    sections: Annotated[list[SectionFile], Field(min_length=1)]


def _duplicates(ids: list[str]) -> set[str]:
    return {value for value, count in Counter(ids).items() if count > 1}


def rule_problems(article: ArticleFile) -> Iterator[tuple[Loc, str]]:
    """The editorial rules, in file order, each with the path of the field it is about."""
    known = {source.id for source in article.sources}
    for index, source in enumerate(article.sources):
        if source.id in _duplicates([item.id for item in article.sources]):
            yield ("sources", index, "id"), f"two sources share the id {source.id!r}"
            break
    section_ids = _duplicates([section.id for section in article.sections])
    for number, section in enumerate(article.sections):
        where: Loc = ("sections", number)
        if section.id in section_ids:
            yield (*where, "id"), f"two sections share the id {section.id!r}"
        # A health article states nothing without saying where it comes from.
        if not section.sources:
            yield (*where, "sources"), "every section must cite at least one source (ids from the article's sources)"
        unknown = [source_id for source_id in section.sources if source_id not in known]
        if unknown:
            yield (*where, "sources"), f"cites unknown source id(s) {', '.join(unknown)}"
        if section.at_a_glance and number > 0:
            yield (*where, "at_a_glance"), "only the first section may be the at-a-glance box (at_a_glance: true)"
        block_ids = _duplicates([block.id for block in section.blocks])
        for position, block in enumerate(section.blocks):
            yield from _block_problems((*where, "blocks", position), block, block.id in block_ids)


def _block_problems(where: Loc, block: BlockFile, duplicate: bool) -> Iterator[tuple[Loc, str]]:
    if duplicate:
        yield (*where, "id"), f"two blocks of this section share the id {block.id!r}"
    if block.kind != "warning":
        if block.urgency is not None:
            yield (*where, "urgency"), f"only a warning has an urgency, this block is a {block.kind}"
        if block.items:
            yield (*where, "items"), f"only a warning has items, this block is a {block.kind}"
    elif block.urgency is None:
        yield (*where, "urgency"), f"a warning needs an urgency, one of {', '.join(URGENCIES)}"
    # Urgent-care advice must never be shown out of date in a translation.
    if block.kind == "warning" and not block.required:
        yield (*where, "required"), "every warning must be marked `required: true`"
    if block.urgency == "urgent" and block.timeframe is None:
        yield (*where, "timeframe"), f"an urgent warning needs a timeframe, one of {', '.join(TIMEFRAMES)}"
    if block.urgency != "urgent" and block.timeframe is not None:
        yield (*where, "timeframe"), "only an urgent warning has a timeframe"
    item_ids = _duplicates([item.id for item in block.items])
    for position, item in enumerate(block.items):
        if item.id in item_ids:
            yield (*where, "items", position, "id"), f"two items share an id ({item.id!r})"
            break
