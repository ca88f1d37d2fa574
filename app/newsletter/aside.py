"""What the article page's newsletter aside needs: a compact subscribe form."""

from __future__ import annotations

from flask import url_for

from app.articles.page import ArticlePage
from app.newsletter.forms import SubscribeForm


def newsletter_aside_context(article_page: ArticlePage) -> dict[str, object]:
    """The article page's newsletter aside (added to the page by app/newsletter/routes.py)."""
    # formdata=None: the article page may be re-rendered for another form's POST (comments).
    form = SubscribeForm(formdata=None)
    form.source.data = url_for("articles.article", slug=article_page.article.slug)
    return {"subscribe_form": form}
