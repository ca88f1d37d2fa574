"""What the article page's comment section needs: form, approved comments, the author's pending ones."""

from __future__ import annotations

from flask import get_flashed_messages, request, session

from app import page_cache
from app.comments.forms import CommentForm, comment_hint, name_hint
from app.comments.service import approved_comments_for, pending_comments_among
from app.content import Article
from app.database import optional_read
from app.i18n import current_locale, registered_locales

STATUS_CATEGORY = "comment-status"
SESSION_KEY = "my_comments"  # ids of comments this browser posted, so their author sees them


def _requested_page() -> int:
    raw = request.args.get("comments", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def new_comment_form(article: Article) -> CommentForm:
    # formdata=None: never bind to another form's POST (the newsletter form shares this page).
    form = CommentForm(formdata=None, article_slug=article.slug, page_lang=current_locale().lang)
    form.refresh_stamp()
    return form


def comment_section_context(article: Article) -> dict[str, object]:
    # Without the database the article still serves: the section says comments are unavailable.
    page, own_pending = optional_read(
        lambda: (
            approved_comments_for(article.slug, _requested_page()),
            pending_comments_among(session.get(SESSION_KEY, []), article.slug),
        ),
        default=(None, []),
    )
    if page is None:
        page_cache.do_not_store()
    return {
        "comment_form": new_comment_form(article),
        "comment_form_posted": False,
        "comment_messages": [],
        "comments_unavailable": page is None,
        "comment_page": page,
        "comment_own_pending": own_pending,
        "comment_status": get_flashed_messages(category_filter=[STATUS_CATEGORY]),
        "comment_name_hint": name_hint(),
        "comment_hint": comment_hint(),
        "comment_locales": {loc.lang: loc for loc in registered_locales()},
    }
