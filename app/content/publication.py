"""Per-language publication (docs/architecture.md, "Languages"): the English publishes on its own; a language shows an
article once its title, summary and required blocks are translated there from the current English.

Until then the article is left out of that language's home page, sitemap and hreflang links, and
its URL in that language leads to the English (never a 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from app.content import Article
from app.content.article_translations import NOTHING, compile_catalogue, read_index
from app.content.translation_state import State
from app.i18n.files import catalogue_path, translations_dir
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, registered_locales


def publication_contexts(article: Article) -> frozenset[str]:
    """What must be translated (and current) before a language shows the article."""
    return article.required_contexts() | {article.title.context, article.summary.context}


@dataclass(frozen=True)
class Unpublished:
    """Why an article is not yet shown in a language: what still needs translating there."""

    article: Article
    locale: SiteLocale
    missing: frozenset[str]  # never translated
    outdated: frozenset[str]  # translated from English that has changed since (or fuzzy)


def blocking(article: Article, site_locale: SiteLocale, states: dict[str, State] | None = None) -> Unpublished | None:
    """None when the article is published in the language, else what holds it back."""
    if site_locale.code == SOURCE_LOCALE.code:
        return None
    wanted = publication_contexts(article)
    if states is None:
        # The compiled index of the language, never the whole catalogue.
        index = read_index(catalogue_path(translations_dir(), site_locale.catalogue))
        translations = index.get(article.slug, NOTHING)
        english = {message.context: message.text for message in article.messages() if message.context in wanted}
        states = translations.states(english)
    missing = frozenset(context for context in wanted if states.get(context, State.MISSING) is State.MISSING)
    outdated = frozenset(context for context in wanted if states.get(context) is State.OUTDATED)
    if not missing and not outdated:
        return None
    return Unpublished(article, site_locale, missing, outdated)


def is_published(article: Article, site_locale: SiteLocale) -> bool:
    return blocking(article, site_locale) is None


def published_locales(article: Article, locales: Iterable[SiteLocale] | None = None) -> list[SiteLocale]:
    return [loc for loc in (locales or registered_locales()) if is_published(article, loc)]


def compile_for_site(catalog: Catalog, catalogue_po: Path, articles: Iterable[Article]) -> None:
    """`flask translate compile` for one catalogue: what the site reads, with each article's
    publication contexts in the language's index."""
    compile_catalogue(catalog, catalogue_po, {article.slug: publication_contexts(article) for article in articles})
