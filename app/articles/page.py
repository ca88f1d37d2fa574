"""The article page: the translated article, its review status, sources and structured data, plus
the parts other features add to it (the comment section, the newsletter aside).

Those features depend on the page, never the reverse: each adds its part at start-up with
`add_page_part`, and the comment form re-renders the page through `article_page_context`.
The page's address selects a page of comments (`?comments=N`); the rules for it are here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_babel import gettext

from app.content import Article
from app.content.rendering import RenderedArticle, render_article
from app.content.review_status import ReviewStatus, review_status
from app.content.sources import cite_sources
from app.content.structured_data import embeddable_json, medical_web_page
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, current_locale

_MAX_PAGE_DIGITS = 6
# How the site writes a page number in its links: `?comments=N`, N from 1, no leading zero.
_CANONICAL_PAGE = re.compile(rf"[1-9][0-9]{{0,{_MAX_PAGE_DIGITS - 1}}}")
NOT_CANONICAL = "not-canonical"  # the query key of any other spelling: never stored


@dataclass(frozen=True)
class ArticlePage:
    """The page being assembled: which article, and which page of its comments."""

    article: Article
    comments_page: int = 1


# A feature's part of the page: the template variables it adds (may abort, e.g. a 404).
PagePart = Callable[[ArticlePage], dict[str, object]]
_PARTS = "article_page_parts"


def add_page_part(app: Flask, part: PagePart) -> None:
    """Add a feature's part to `app`'s article page (from the feature's blueprint, at start-up)."""
    app.extensions.setdefault(_PARTS, []).append(part)


def comments_page_number(args: Mapping[str, str]) -> int:
    """The comment page a URL asks for (`?comments=N`); anything that is not a page number is page 1."""
    raw = args.get("comments", "1")
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_PAGE_DIGITS else 1


def comments_query(args: Mapping[str, str]) -> Hashable:
    """What selects the page in a cache key: the page number as the site writes it, or
    NOT_CANONICAL for any other spelling (`01`, `x1`, empty), which is answered with a private
    redirect and so can neither be stored nor push a page out of a cache."""
    raw = args.get("comments")
    if raw is None:
        return 1
    return int(raw) if _CANONICAL_PAGE.fullmatch(raw) else NOT_CANONICAL


def canonical_comments_value(args: Mapping[str, str]) -> str | None:
    """None when the URL's page number is written as the site writes it (or absent); else the
    value to redirect to: the number it spells (`01` -> "1"), or "" (no page number: page 1)."""
    if comments_query(args) != NOT_CANONICAL:
        return None
    raw = args.get("comments", "")
    digits = raw.lstrip("0")
    return digits if raw.isascii() and raw.isdigit() and 0 < len(digits) <= _MAX_PAGE_DIGITS else ""


def article_page_context(article: Article, comments_page: int = 1, **overrides: object) -> dict[str, object]:
    """Everything article.html needs, each feature's part included.

    `overrides` lets a form view re-render the page with its bound, failed form.
    """
    site_locale = current_locale()
    is_source = site_locale.code == SOURCE_LOCALE.code
    rendered = render_article(article, source_locale=is_source)
    status = review_status(article)
    context: dict[str, object] = {
        "article": rendered,
        "review_status": status,
        "citations": cite_sources(article, site_locale.lang, site_locale.direction),
        "structured_data": embeddable_json(_structured_data(rendered, site_locale, status)),
    }
    page = ArticlePage(article, comments_page)
    for part in current_app.extensions.get(_PARTS, []):
        context.update(part(page))
    context.update(overrides)
    return context


def _structured_data(rendered: RenderedArticle, site_locale: SiteLocale, status: ReviewStatus) -> dict[str, object]:
    site = current_app.config["SITE_URL"]
    slug = rendered.article.slug
    is_source = site_locale.code == SOURCE_LOCALE.code
    return medical_web_page(
        rendered,
        page_lang=site_locale.lang,
        page_url=site + url_for("articles.article", slug=slug),
        site_name=gettext("Child Health Guide"),
        site_url=site + url_for("articles.home"),
        english_url=None if is_source else site + url_for("articles.article", locale=SOURCE_LOCALE.code, slug=slug),
        reviews=status.page_reviews,
    )
