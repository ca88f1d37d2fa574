"""Counts for `flask translate stats`: translated, fuzzy and untranslated messages per part."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

from app.content import Article
from app.content.publication import publication_contexts
from app.content.translation_state import State

UI = "UI"


@dataclass
class Counts:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> int:
        """Whole percent translated, rounded down so that 100 means truly complete."""
        return 100 if self.total == 0 else 100 * self.translated // self.total

    def add(self, message: Message) -> None:
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy and any(strings):
            self.fuzzy += 1
        elif strings and all(strings):
            self.translated += 1
        else:
            self.untranslated += 1


def part_of(message: Message, slugs: Iterable[str]) -> str:
    """The article a message belongs to (its msgctxt starts with the slug), else the UI."""
    prefix = (message.context or "").split("|", 1)[0]
    return prefix if message.context and prefix in slugs else UI


def catalogue_counts(catalog: Catalog, slugs: Iterable[str]) -> dict[str, Counts]:
    """Counts for the UI and for every article, in that order (articles without messages too)."""
    slugs = list(slugs)
    counts = {UI: Counts(), **{slug: Counts() for slug in slugs}}
    for message in catalog:
        if message.id:
            counts[part_of(message, slugs)].add(message)
    return counts


ARTICLES_SHOWN = 5


def stats_summary(
    catalogue: str, counts: Mapping[str, Counts], states: Mapping[str, State], articles: Mapping[str, Article]
) -> list[str]:
    """A few lines per catalogue: how many articles it publishes and translates in full, and the
    articles most in need (fewest translated; what holds back publication first)."""
    need = []
    published = complete = 0
    for slug, article in articles.items():
        waiting = [context for context in publication_contexts(article) if states.get(context) is not State.TRANSLATED]
        published += not waiting
        complete += counts[slug].percent == 100
        if counts[slug].percent < 100:
            need.append((not waiting, counts[slug].percent, slug, len(waiting)))
    lines = [f"{catalogue}: {published}/{len(articles)} articles published, {complete} fully translated"]
    for is_published, percent, slug, waiting in sorted(need)[:ARTICLES_SHOWN]:
        where = "published" if is_published else f"not published ({waiting} message(s) hold it back)"
        lines.append(f"  {slug}: {percent}% translated, {where}")
    if len(need) > ARTICLES_SHOWN:
        lines.append(f"  ... and {len(need) - ARTICLES_SHOWN} more not fully translated")
    return lines
