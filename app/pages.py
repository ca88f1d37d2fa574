"""Assembles what the article page shows: the translated article plus each feature's part."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext

from app.content import Article
from app.content.rendering import RenderedArticle, render_article
from app.content.review_status import ReviewStatus, review_status
from app.content.sources import cite_sources
from app.content.structured_data import embeddable_json, medical_web_page
from app.i18n import SOURCE_LOCALE, SiteLocale, current_locale


def article_page_context(article: Article, comments_page: int = 1, **overrides: object) -> dict[str, object]:
    """Everything article.html needs; features (comments, newsletter) add their part here.

    `overrides` lets a form view re-render the page with its bound, failed form.
    """
    from app.comments.section import comment_section_context
    from app.newsletter.aside import newsletter_aside_context

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
    context.update(comment_section_context(article, comments_page))
    context.update(newsletter_aside_context(article))
    context.update(overrides)
    return context


def _structured_data(rendered: RenderedArticle, site_locale: SiteLocale, status: ReviewStatus) -> dict[str, object]:
    site = current_app.config["SITE_URL"]
    slug = rendered.article.slug
    is_source = site_locale.code == SOURCE_LOCALE.code
    return medical_web_page(
        rendered,
        page_lang=site_locale.lang,
        page_url=site + url_for("articles.article", locale=site_locale.code, slug=slug),
        site_name=gettext("Child Health Guide"),
        site_url=site + url_for("articles.home", locale=site_locale.code),
        english_url=None if is_source else site + url_for("articles.article", locale=SOURCE_LOCALE.code, slug=slug),
        reviews=status.page_reviews,
    )
