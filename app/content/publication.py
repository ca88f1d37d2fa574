"""Per-language publication (docs/architecture.md, "Languages"): the English publishes on its own; a language shows an
article once its title, summary and required blocks are translated there from the current English.

Until then the article is left out of that language's home page, sitemap and hreflang links, and
its URL in that language leads to the English (never a 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.content import Article, all_articles
from app.content.translation_state import State, catalogue_states
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
    if states is None:
        states = catalogue_states(catalogue_path(translations_dir(), site_locale.catalogue))
    wanted = publication_contexts(article)
    missing = frozenset(context for context in wanted if states.get(context, State.MISSING) is State.MISSING)
    outdated = frozenset(context for context in wanted if states.get(context) is State.OUTDATED)
    if not missing and not outdated:
        return None
    return Unpublished(article, site_locale, missing, outdated)


def is_published(article: Article, site_locale: SiteLocale) -> bool:
    return blocking(article, site_locale) is None


def published_articles(site_locale: SiteLocale) -> list[Article]:
    return [article for article in all_articles() if is_published(article, site_locale)]


def published_locales(article: Article, locales: Iterable[SiteLocale] | None = None) -> list[SiteLocale]:
    return [loc for loc in (locales or registered_locales()) if is_published(article, loc)]
