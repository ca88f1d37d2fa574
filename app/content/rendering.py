"""Translate an article for a locale, marking every block that fell back to English."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale

from app.content import Article, Message
from app.content.article_translations import ArticleTranslations, read_article, slug_of
from app.i18n.files import catalogue_path, translations_dir


@dataclass(frozen=True)
class RenderedText:
    text: str
    is_fallback: bool  # True when the English source is shown in a translated page
    # True when a translation exists but was made from English that has changed since.
    is_outdated: bool = False


def translations_here(slug: str) -> ArticleTranslations:
    """An article's translations in the language being rendered (a page's, or a mail's)."""
    return read_article(catalogue_path(translations_dir(), str(get_locale())), slug)


def translate_message(
    message: Message, *, source_locale: bool, translations: ArticleTranslations | None = None
) -> RenderedText:
    if source_locale:
        return RenderedText(message.text, False)
    found = translations if translations is not None else translations_here(slug_of(message))
    translated = found.text(message.context, message.text)
    if translated:
        return RenderedText(translated, False)
    return RenderedText(message.text, True, message.context in found.started)


@dataclass(frozen=True)
class RenderedBlock:
    kind: str
    text: RenderedText
    urgency: str | None = None  # of a warning
    timeframe: str | None = None  # of an urgent warning
    items: tuple[RenderedText, ...] = ()  # a warning's points, shown as a list


@dataclass(frozen=True)
class RenderedSection:
    id: str
    heading: RenderedText
    blocks: list[RenderedBlock]
    source_ids: tuple[str, ...] = ()  # the article sources this section relies on
    at_a_glance: bool = False


@dataclass(frozen=True)
class RenderedArticle:
    article: Article
    title: RenderedText
    summary: RenderedText
    sections: list[RenderedSection]

    @property
    def has_fallback(self) -> bool:
        texts = [self.title, self.summary]
        for section in self.sections:
            texts.append(section.heading)
            for block in section.blocks:
                texts.append(block.text)
                texts.extend(block.items)
        return any(text.is_fallback for text in texts)


def render_article(article: Article, *, source_locale: bool) -> RenderedArticle:
    translations = None if source_locale else translations_here(article.slug)

    def tr(message: Message) -> RenderedText:
        return translate_message(message, source_locale=source_locale, translations=translations)

    return RenderedArticle(
        article=article,
        title=tr(article.title),
        summary=tr(article.summary),
        sections=[
            RenderedSection(
                id=section.id,
                heading=tr(section.heading),
                blocks=[
                    RenderedBlock(
                        kind=block.kind,
                        text=tr(block.message),
                        urgency=block.urgency,
                        timeframe=block.timeframe,
                        items=tuple(tr(item) for item in block.items),
                    )
                    for block in section.blocks
                ],
                source_ids=section.source_ids,
                at_a_glance=section.at_a_glance,
            )
            for section in article.sections
        ],
    )
