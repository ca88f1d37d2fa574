"""What the article page's comment section needs: the form and one page of approved comments.

The article page is public (the same for every reader), so nothing here is per reader: a
commenter's own pending comment is shown on the private confirmation page instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort

from app.caching import mark_incomplete
from app.comments.forms import CommentForm, comment_hint, name_hint
from app.comments.service import approved_comments_for
from app.content import Article
from app.database import optional_read
from app.i18n import current_locale, registered_locales

SESSION_KEY = "my_comments"  # ids of comments this browser posted, for its confirmation page
_MAX_PAGE_DIGITS = 6


def comments_page_number(args: Mapping[str, str]) -> int:
    """The comment page a URL asks for (`?comments=N`); anything that is not a page number is page 1."""
    raw = args.get("comments", "1")
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_PAGE_DIGITS else 1


def new_comment_form(article: Article) -> CommentForm:
    # formdata=None: never bind to another form's POST (the newsletter form shares this page).
    return CommentForm(formdata=None, article_slug=article.slug, page_lang=current_locale().lang)


def comment_section_context(article: Article, page_number: int = 1) -> dict[str, object]:
    # Without the database the article still serves: the section says comments are unavailable.
    page = optional_read(lambda: approved_comments_for(article.slug, page_number), default=None)
    if page is None:
        mark_incomplete()
    elif page.page != page_number:
        abort(404)  # only pages that exist: a made-up page number is not a new page to keep
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
