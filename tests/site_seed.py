"""The site as the page-kind tests find it (tests/browser/pages.py): a moderator, comments in
several languages, a pending subscriber and the links mailed to them. Used by the browser tests'
live server and by tests/test_page_kinds_over_http.py."""

from __future__ import annotations

import time

from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.comments.models import CommentStatus
from app.comments.service import Submission, post_comment
from app.extensions import db
from app.moderation.decisions import decide
from app.moderation.models import Moderator
from app.newsletter import service
from app.newsletter.forms import consent_wording
from app.newsletter.tokens import CONFIRM_SALT, address_digest, confirm_token, unsubscribe_token
from tests.browser.pages import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.conftest import ARTICLE_SLUG


def seed_site(app: Flask) -> dict[str, str]:
    """What the pages show in real use: a moderator, approved comments in other languages than
    most pages (their lang/dir marking is checked), a pending one for the queue, and a pending
    subscriber whose mailed links the newsletter pages open: the tokens of those links, by the
    names page kinds use ("confirm", "unsubscribe", "expired_confirm")."""
    with app.app_context():
        moderator = Moderator(email=MODERATOR_EMAIL)
        moderator.set_password(MODERATOR_PASSWORD)
        db.session.add(moderator)
        db.session.commit()
        submissions = [
            ("es", "es", "Lucía", "Gracias. A mi hijo le pasaba después del fútbol.\nAhora bebe más agua."),
            ("ar", "ar", "سارة", "شكرًا على هذه المعلومات المفيدة."),
            ("en", "en", "Sam", "Is there a leaflet? See https://example.org or call 0123 456 789."),
        ]
        approved = []
        for page_locale, language, name, body in submissions:
            comment = post_comment(Submission(ARTICLE_SLUG, page_locale, language, name, body, ip="127.0.0.1"))
            approved.append(comment.id)
        decide(approved[:2], CommentStatus.APPROVED, None)
    with app.test_request_context("/en/subscribe"):
        service.subscribe(
            "subscriber@example.org",
            locale="en",
            consent_text=consent_wording(),
            source_page="/en/subscribe",
        )
        subscriber = service.find_subscriber("subscriber@example.org")
        assert subscriber is not None
        return {
            "confirm": confirm_token(subscriber),
            "unsubscribe": unsubscribe_token(subscriber),
            "expired_confirm": _expired_confirm_token(app, subscriber),
        }


class _EightDaysAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 8 * 24 * 3600


def _expired_confirm_token(app: Flask, subscriber) -> str:
    """A genuine confirmation link, signed as if mailed eight days ago (they last seven)."""
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CONFIRM_SALT, signer=_EightDaysAgoSigner)
    return serializer.dumps([subscriber.id, address_digest(subscriber.email)])
