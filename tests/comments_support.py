"""Helpers shared by the comment and moderation tests: filling in and posting the comment form."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.comments.models import Comment, CommentStatus
from app.comments.service import Submission
from app.comments.service import post_comment as post_checked_comment
from app.extensions import db
from app.moderation.decisions import decide
from tests.conftest import ARTICLE_SLUG

# "Error:" is already in every catalogue (base.html): the <title> prefix on a failed post.
ERROR_PREFIX = {"en": "Error:", "es": "Error:", "fr": "Erreur\u00a0:", "zh-hans": "错误：", "ar": "خطأ:"}
PAGE_LANG = {"en": "en", "es": "es", "fr": "fr", "zh-hans": "zh-Hans", "ar": "ar"}


def article_url(locale: str) -> str:
    return f"/{locale}/articles/{ARTICLE_SLUG}"


def comments_url(locale: str) -> str:
    return f"/{locale}/articles/{ARTICLE_SLUG}/comments"


def sent_url(locale: str) -> str:
    return f"/{locale}/articles/{ARTICLE_SLUG}/comments/sent"


# What a browser sends with a form posted from the site's own page.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}


def post_comment(client: FlaskClient, locale: str, name: str, comment: str, headers=None, **extra: str):
    """Post the comment form as a reader's browser does from the article page (no token: the
    page is public; the browser says where the post comes from)."""
    data = {"name": name, "comment": comment, "website": ""}
    data.update(extra)
    return client.post(comments_url(locale), data=data, headers=headers or SAME_ORIGIN)


def store_comments(app: Flask, locale: str, texts: Iterable[tuple[str, str]], language: str = "en") -> None:
    """Store pending comments through the comment service, as a checked post does, without the
    HTTP round trip (for tests about what is shown, not about the form)."""
    with app.app_context():
        for name, body in texts:
            post_checked_comment(Submission(ARTICLE_SLUG, locale, language, name, body, ip=None))


def all_comments(app: Flask) -> list[Comment]:
    with app.app_context():
        comments = db.session.execute(select(Comment).order_by(Comment.id)).scalars().all()
        db.session.expunge_all()
        return list(comments)


def set_status(app: Flask, ids: Iterable[int], status: CommentStatus) -> None:
    with app.app_context():
        decide(ids, status, None)


def comment_section(html: str) -> str:
    start = html.index('<section class="comments"')
    return html[start : html.index("</section>", start)]
