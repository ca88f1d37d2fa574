"""What the article page's newsletter aside needs: a compact subscribe form."""

from __future__ import annotations

from flask import url_for

from app.content import Article
from app.i18n import current_locale
from app.newsletter.forms import SubscribeForm


def newsletter_aside_context(article: Article) -> dict[str, object]:
    # formdata=None: the article page may be re-rendered for another form's POST (comments).
    form = SubscribeForm(formdata=None)
    form.source.data = url_for("articles.article", locale=current_locale().code, slug=article.slug)
    return {"subscribe_form": form}
