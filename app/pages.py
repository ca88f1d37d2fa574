"""Assembles what the article page shows: the translated article plus each feature's part."""

from __future__ import annotations

from app.content import Article
from app.content.rendering import render_article
from app.content.review import current_review
from app.i18n import SOURCE_LOCALE, current_locale
from app.i18n_tools.catalogues import translations_dir


def article_page_context(article: Article, comments_page: int = 1, **overrides: object) -> dict[str, object]:
    """Everything article.html needs; features (comments, newsletter) add their part here.

    `overrides` lets a form view re-render the page with its bound, failed form.
    """
    from app.comments.section import comment_section_context
    from app.newsletter.aside import newsletter_aside_context

    site_locale = current_locale()
    is_source = site_locale.code == SOURCE_LOCALE.code
    rendered = render_article(article, source_locale=is_source)
    review = None if is_source else current_review(article, translations_dir(), site_locale.catalogue)
    context: dict[str, object] = {"article": rendered, "medical_review": review}
    context.update(comment_section_context(article, comments_page))
    context.update(newsletter_aside_context(article))
    context.update(overrides)
    return context
