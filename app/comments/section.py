"""What the article page's comment section needs: the form and one page of approved comments.

The article page is public (the same for every reader), so nothing here is per reader: a
commenter's own pending comment is shown on the private confirmation page instead.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping

from flask import abort

from app.caching import keep_private, mark_incomplete
from app.comments.forms import CommentForm, comment_hint, name_hint
from app.comments.service import approved_comments_for
from app.content import Article
from app.database import optional_read
from app.i18n import current_locale, registered_locales

SESSION_KEY = "my_comments"  # ids of comments this browser posted, for its confirmation page
_MAX_PAGE_DIGITS = 6
# How the site writes a page number in its links: `?comments=N`, N from 1, no leading zero.
_CANONICAL_PAGE = re.compile(rf"[1-9][0-9]{{0,{_MAX_PAGE_DIGITS - 1}}}")
NOT_CANONICAL = "not-canonical"  # the query key of any other spelling: never stored


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


def new_comment_form(article: Article) -> CommentForm:
    # formdata=None: never bind to another form's POST (the newsletter form shares this page).
    return CommentForm(formdata=None, article_slug=article.slug, page_lang=current_locale().lang)


def comment_section_context(article: Article, page_number: int = 1) -> dict[str, object]:
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
