"""Browser fixtures: one system Chromium (Playwright) for the session, pages on the live server.

Without /usr/bin/chromium the browser tests are skipped with a reason, except in CI
(the CI environment variable is set), where CI installs Chromium and a missing one fails.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from app.comments.models import CommentStatus
from app.comments.service import Submission, post_comment
from app.extensions import db
from app.moderation.decisions import decide
from app.moderation.models import Moderator
from app.newsletter import service
from app.newsletter.forms import consent_wording
from app.newsletter.tokens import CONFIRM_SALT, address_digest, confirm_token, unsubscribe_token
from tests.browser.pages import LINK_TOKENS, MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.conftest import ARTICLE_SLUG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}


def require_tool(present: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when a tool the browser tests need is missing."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, but CI must run the browser tests (.ci/run installs it)")
    pytest.skip(f"{what} is missing: browser tests need it (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require_tool(CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK), f"Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def java() -> str:
    path = shutil.which("java")
    require_tool(path is not None, "Java (for the Nu HTML checker)")
    assert path is not None
    return path


def _seed_site(app: Flask) -> None:
    """What the pages show in real use: a moderator, approved comments in other languages than
    most pages (their lang/dir marking is checked), a pending one for the queue, and a pending
    subscriber whose mailed links the newsletter pages open."""
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
        LINK_TOKENS["confirm"] = confirm_token(subscriber)
        LINK_TOKENS["unsubscribe"] = unsubscribe_token(subscriber)
        LINK_TOKENS["expired_confirm"] = _expired_confirm_token(app, subscriber)


class _EightDaysAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 8 * 24 * 3600


def _expired_confirm_token(app: Flask, subscriber) -> str:
    """A genuine confirmation link, signed as if mailed eight days ago (they last seven)."""
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=CONFIRM_SALT, signer=_EightDaysAgoSigner)
    return serializer.dumps([subscriber.id, address_digest(subscriber.email)])


@pytest.fixture(scope="session")
def base_url(live_server, live_app: Flask) -> str:
    _seed_site(live_app)
    return live_server.url


@pytest.fixture(scope="session")
def _visitor_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture(scope="session")
def _injectable_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    yield context
    context.close()


# One context of each kind for the session (cheaper than one per test); each test gets a
# page of its own, and open_page() clears cookies, so every visit starts as a new visitor.
@pytest.fixture
def page(_visitor_context: BrowserContext) -> Iterator[Page]:
    """A page that obeys the site's Content-Security-Policy, as a visitor's browser does."""
    new_page = _visitor_context.new_page()
    yield new_page
    new_page.close()


@pytest.fixture
def injectable_page(_injectable_context: BrowserContext) -> Iterator[Page]:
    """A page that ignores CSP, so axe or test stylesheets can be injected (never for
    keyboard, reflow or print checks, which must see the site exactly as sent)."""
    new_page = _injectable_context.new_page()
    yield new_page
    new_page.close()
