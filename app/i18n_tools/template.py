"""The catalogue template: every message of the code and templates (babel.cfg), plus every
article of the configured articles folder (ARTICLES_DIR), one `pgettext` message per block."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from app.content import PROJECT_ROOT, Article, ArticleError, articles_dir, load_library
from app.i18n_tools.catalogues import extract_template


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def add_articles(catalog: Catalog, directory: Path) -> None:
    """Add every article of `directory`; the first broken file raises its ArticleError."""
    library = load_library(directory)
    if library.errors:
        raise library.errors[0]
    for article in library.articles:
        add_article(catalog, article, directory / f"{article.slug}.yaml")


def add_article(catalog: Catalog, article: Article, path: Path) -> None:
    """The article's messages, each with the line of the file its text starts on (from the
    article's one parse: the file is not read again)."""
    shown = _shown(path)
    for message in article.messages():
        catalog.add(
            message.text,
            None,
            [(shown, message.line)],
            auto_comments=[message.note] if message.note else [],
            context=message.context,
        )


def source_template(root: Path = PROJECT_ROOT, articles: Path | None = None) -> Catalog:
    """What `flask translate extract` writes and `check` compares catalogues with."""
    catalog = extract_template(root)
    add_articles(catalog, articles or articles_dir())
    return catalog


__all__ = ["ArticleError", "add_articles", "source_template"]
