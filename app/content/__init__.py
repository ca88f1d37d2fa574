"""Article sources: content files in `articles/`, English, one gettext message per block."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"

# How urgent a warning is, most urgent first: "emergency" is call the emergency number now,
# "urgent" is get medical help today, "routine" is see a doctor. Templates style and order
# warnings by it, so a warning without a known urgency is an error, not a default.
URGENCIES = ("emergency", "urgent", "routine")
# How soon an urgent warning says to get help: its heading says so, so two urgent warnings never
# sound the same to someone skimming the headings.
TIMEFRAMES = ("now", "today")


@dataclass(frozen=True)
class Message:
    """One translatable piece of an article: its English text, context and translator note."""

    context: str
    text: str
    note: str


@dataclass(frozen=True)
class Block:
    id: str
    kind: str  # "paragraph", "list_item" or "warning"
    message: Message
    urgency: str | None = None  # one of URGENCIES for a warning, None for anything else
    timeframe: str | None = None  # one of TIMEFRAMES for an urgent warning, None for anything else
    # A required block's translation never lags behind its English in a shipped language.
    required: bool = False
    # A warning's points, shown as a short list under its lead sentence (one message each, so a
    # frightened parent scans a list rather than a paragraph). Required like the warning itself.
    items: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Source:
    """A published page the article relies on; its title is shown as published, untranslated."""

    id: str
    title: str
    publisher: str
    url: str
    language: str  # BCP 47 tag of the page, so the link can carry its own `hreflang`
    accessed: dt.date | None = None


@dataclass(frozen=True)
class Section:
    id: str
    heading: Message
    blocks: tuple[Block, ...]
    source_ids: tuple[str, ...] = ()
    # The article's "at a glance" box of when to get help now: drawn at the top of the page,
    # first in Contents. At most one per article, and it must be the first section.
    at_a_glance: bool = False


@dataclass(frozen=True)
class Article:
    slug: str
    source_version: dt.date
    last_reviewed: dt.date
    title: Message
    summary: Message
    author_role: Message
    author_description: Message
    sections: tuple[Section, ...]
    sources: tuple[Source, ...] = ()

    def required_contexts(self) -> frozenset[str]:
        return frozenset(
            message.context
            for section in self.sections
            for block in section.blocks
            if block.required
            for message in (block.message, *block.items)
        )

    def messages(self) -> list[Message]:
        found = [self.title, self.summary, self.author_role, self.author_description]
        for section in self.sections:
            found.append(section.heading)
            for block in section.blocks:
                found.append(block.message)
                found.extend(block.items)
        return found


def _message(context: str, raw: dict) -> Message:
    return Message(context=context, text=" ".join(str(raw["text"]).split()), note=raw.get("note", ""))


def _urgency(context: str, kind: str, raw: dict) -> str | None:
    urgency = raw.get("urgency")
    if kind != "warning":
        if urgency is not None:
            raise ValueError(f"{context}: only a warning has an urgency, this block is a {kind}")
        return None
    if urgency not in URGENCIES:
        raise ValueError(f"{context}: a warning needs an urgency, one of {', '.join(URGENCIES)}; got {urgency!r}")
    return urgency


def _timeframe(context: str, urgency: str | None, raw: dict) -> str | None:
    timeframe = raw.get("timeframe")
    if urgency != "urgent":
        if timeframe is not None:
            raise ValueError(f"{context}: only an urgent warning has a timeframe")
        return None
    if timeframe not in TIMEFRAMES:
        raise ValueError(f"{context}: an urgent warning needs a timeframe, one of {', '.join(TIMEFRAMES)}")
    return timeframe


def _block(prefix: str, raw: dict) -> Block:
    context = f"{prefix}|{raw['id']}"
    kind = raw.get("kind", "paragraph")
    urgency = _urgency(context, kind, raw)
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise ValueError(f"{context}: required is true or false, not {required!r}")
    # Urgent-care advice must never be shown out of date in a translation.
    if kind == "warning" and not required:
        raise ValueError(f"{context}: every warning must be marked `required: true`")
    return Block(
        id=raw["id"],
        kind=kind,
        message=_message(context, raw),
        urgency=urgency,
        timeframe=_timeframe(context, urgency, raw),
        required=required,
        items=_items(context, kind, raw),
    )


def _items(context: str, kind: str, raw: dict) -> tuple[Message, ...]:
    items = raw.get("items") or ()
    if items and kind != "warning":
        raise ValueError(f"{context}: only a warning has items, this block is a {kind}")
    ids = [item["id"] for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{context}: two items share an id")
    return tuple(_message(f"{context}|{item['id']}", item) for item in items)


def _source(raw: dict) -> Source:
    return Source(
        id=raw["id"],
        title=raw["title"],
        publisher=raw["publisher"],
        url=raw["url"],
        language=raw["language"],
        accessed=raw.get("accessed"),
    )


def _section(slug: str, raw: dict, known_sources: set[str]) -> Section:
    prefix = f"{slug}|{raw['id']}"
    source_ids = tuple(raw.get("sources") or ())
    # A health article states nothing without saying where it comes from.
    if not source_ids:
        raise ValueError(f"{prefix}: every section must cite at least one source")
    unknown = [source_id for source_id in source_ids if source_id not in known_sources]
    if unknown:
        raise ValueError(f"{prefix}: cites unknown source id(s) {', '.join(unknown)}")
    at_a_glance = raw.get("at_a_glance", False)
    if not isinstance(at_a_glance, bool):
        raise ValueError(f"{prefix}: at_a_glance is true or false, not {at_a_glance!r}")
    return Section(
        id=raw["id"],
        heading=_message(f"{prefix}|heading", raw["heading"]),
        blocks=tuple(_block(prefix, block) for block in raw["blocks"]),
        source_ids=source_ids,
        at_a_glance=at_a_glance,
    )


def parse_article(source: dict) -> Article:
    slug = source["slug"]
    sources = tuple(_source(raw) for raw in source.get("sources") or ())
    known = {item.id for item in sources}
    if len(known) != len(sources):
        raise ValueError(f"{slug}: two sources share an id")
    sections = tuple(_section(slug, raw, known) for raw in source["sections"])
    if any(section.at_a_glance for section in sections[1:]):
        raise ValueError(f"{slug}: only the first section may be the at-a-glance box (at_a_glance: true)")
    return Article(
        slug=slug,
        source_version=source["source_version"],
        last_reviewed=source["last_reviewed"],
        title=_message(f"{slug}|title", source["title"]),
        summary=_message(f"{slug}|summary", source["summary"]),
        author_role=_message(f"{slug}|author|role", source["author"]["role"]),
        author_description=_message(f"{slug}|author|description", source["author"]["description"]),
        sections=sections,
        sources=sources,
    )


def load_article_file(path: Path) -> Article:
    with path.open(encoding="utf-8") as handle:
        return parse_article(yaml.safe_load(handle))


@cache
def all_articles() -> tuple[Article, ...]:
    return tuple(load_article_file(path) for path in sorted(ARTICLES_DIR.glob("*.yaml")))


def article_by_slug(slug: str) -> Article | None:
    return next((article for article in all_articles() if article.slug == slug), None)
