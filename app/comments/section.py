"""What the article page's comment section needs: the form and one page of approved comments.

The article page is public (the same for every reader), so nothing here is per reader: a
commenter's own pending comment is shown on the private confirmation page instead.
"""

from __future__ import annotations

from flask import abort

from app.articles.page import ArticlePage
from app.caching import keep_private, mark_incomplete
from app.comments.forms import CommentForm, comment_hint, name_hint
from app.comments.service import approved_comments_for
from app.content import Article
from app.database import optional_read
from app.i18n.locales import current_locale, registered_locales

SESSION_KEY = "my_comments"  # ids of comments this browser posted, for its confirmation page


def new_comment_form(article: Article) -> CommentForm:
    # formdata=None: never bind to another form's POST (the newsletter form shares this page).
    return CommentForm(formdata=None, article_slug=article.slug, page_lang=current_locale().lang)


def comment_section_context(article_page: ArticlePage) -> dict[str, object]:
    """The article page's comment section (added to the page by app/comments/routes.py)."""
    article, page_number = article_page.article, article_page.comments_page
    # Without the database the article still serves: the section says comments are unavailable.
    page = optional_read(lambda: approved_comments_for(article.slug, page_number), default=None)
    if page is None:
        mark_incomplete()
    elif page.page != page_number:
        # Only pages that exist: a made-up page number is not a new page to keep, here or in
        # any cache (a private 404, so made-up numbers cannot fill a cache either).
        keep_private()
        abort(404)
    return {
        "comment_form": new_comment_form(article),
        "comment_form_posted": False,
        "comment_messages": [],
        "comments_unavailable": page is None,
        "comment_page": page,
        "comment_name_hint": name_hint(),
        "comment_hint": comment_hint(),
        "comment_locales": {loc.lang: loc for loc in registered_locales()},
    }
