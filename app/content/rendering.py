"""Translate an article for a locale, marking every block that fell back to English."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_translations

from app.content import Article, Message
from app.content.freshness import outdated_contexts
from app.i18n import current_locale
from app.i18n_tools.catalogues import catalogue_path, translations_dir


@dataclass(frozen=True)
class RenderedText:
    text: str
    is_fallback: bool  # True when the English source is shown in a translated page
    # True when a translation exists but was made from English that has changed since.
    is_outdated: bool = False


def _outdated_here() -> frozenset[str]:
    return outdated_contexts(catalogue_path(translations_dir(), current_locale().catalogue))


def translate_message(message: Message, *, source_locale: bool, outdated: frozenset[str] = frozenset()) -> RenderedText:
    if source_locale:
        return RenderedText(message.text, False)
    translations = get_translations()
    key = f"{message.context}\x04{message.text}"
    catalogue = getattr(translations, "_catalog", {})
    translated = catalogue.get(key)
    if translated:
        return RenderedText(translated, False)
    return RenderedText(message.text, True, message.context in outdated)


@dataclass(frozen=True)
class RenderedSection:
    id: str
    heading: RenderedText
    # (kind, text, urgency of a warning, timeframe of an urgent one)
    blocks: list[tuple[str, RenderedText, str | None, str | None]]
    source_ids: tuple[str, ...] = ()  # the article sources this section relies on


@dataclass(frozen=True)
class RenderedArticle:
    article: Article
    title: RenderedText
    summary: RenderedText
    author_role: RenderedText
    author_description: RenderedText
    sections: list[RenderedSection]

    @property
    def has_fallback(self) -> bool:
        texts = [self.title, self.summary, self.author_role, self.author_description]
        for section in self.sections:
            texts.append(section.heading)
            texts.extend(text for _, text, _, _ in section.blocks)
        return any(text.is_fallback for text in texts)


def render_article(article: Article, *, source_locale: bool) -> RenderedArticle:
    outdated = frozenset() if source_locale else _outdated_here()

    def tr(message: Message) -> RenderedText:
        return translate_message(message, source_locale=source_locale, outdated=outdated)

    return RenderedArticle(
        article=article,
        title=tr(article.title),
        summary=tr(article.summary),
        author_role=tr(article.author_role),
        author_description=tr(article.author_description),
        sections=[
            RenderedSection(
                id=section.id,
                heading=tr(section.heading),
                blocks=[(block.kind, tr(block.message), block.urgency, block.timeframe) for block in section.blocks],
                source_ids=section.source_ids,
            )
            for section in article.sections
        ],
    )
