"""How an article's sources are cited on a page: numbered in the order the article lists them,
each marked with its own language wherever that differs from the page's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from app.content import Article, Source


def primary_language(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def text_direction(tag: str) -> str:
    """ "rtl" or "ltr" for a BCP 47 tag; a tag Babel does not know is taken as left to right."""
    try:
        order = Locale.parse(tag, sep="-").character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


@dataclass(frozen=True)
class CitedSource:
    number: int
    source: Source
    # The source's language tag when a reader of this page needs telling (another language
    # than the page's: en-GB on an English page needs nothing), else None.
    lang: str | None
    # Its direction when that differs from the page's, else None.
    dir: str | None

    @property
    def anchor(self) -> str:
        return f"source-{self.source.id}"


@dataclass(frozen=True)
class Citations:
    sources: tuple[CitedSource, ...]

    def cited_by(self, source_ids: Iterable[str]) -> list[CitedSource]:
        """The sources a section names, in the order of their numbers (a calm "1, 3, 7")."""
        wanted = set(source_ids)
        return [cited for cited in self.sources if cited.source.id in wanted]


def cite_sources(article: Article, page_lang: str, page_dir: str) -> Citations:
    cited = []
    for number, source in enumerate(article.sources, start=1):
        other = primary_language(source.language) != primary_language(page_lang)
        direction = text_direction(source.language)
        cited.append(
            CitedSource(
                number=number,
                source=source,
                lang=source.language if other else None,
                dir=direction if direction != page_dir else None,
            )
        )
    return Citations(tuple(cited))
