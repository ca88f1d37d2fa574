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


class ReusedTab:
    """One tab of a context, reused test after test (opening a tab starts a renderer process:
    ~0.25 s of CPU a test, most of a reflow check's cost). Before each test it is made as good
    as new: a blank document, no cookies, the desktop viewport, no emulated media, no routes.
    After a failed test the tab is closed and the next test gets a new one, so nothing a failure
    left behind (a dialog, a half-done navigation, a crashed renderer) reaches another test."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self._tab: Page | None = None

    def fresh(self) -> Page:
        if self._tab is None or self._tab.is_closed():
            self._tab = self.context.new_page()
        tab = self._tab
        tab.goto("about:blank")
        self.context.clear_cookies()
        tab.set_viewport_size(DESKTOP)
        tab.emulate_media(
            media="null", color_scheme="null", forced_colors="null", reduced_motion="null", contrast="null"
        )
        tab.unroute_all(behavior="ignoreErrors")
        return tab

    def discard(self) -> None:
        if self._tab is not None and not self._tab.is_closed():
            self._tab.close()
        self._tab = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Remember whether each phase failed, so a reused tab can be dropped after a failure."""
    report = yield
    setattr(item, f"browser_{report.when}_failed", report.failed)
    return report


def _reused(tabs: ReusedTab, request: pytest.FixtureRequest) -> Iterator[Page]:
    yield tabs.fresh()
    if getattr(request.node, "browser_call_failed", True):
        tabs.discard()


# One context of each kind for the session (cheaper than one per test), and one reused tab in
# each; open_page() clears cookies too, so every visit starts as a new visitor.
@pytest.fixture(scope="session")
def _visitor_tab(_visitor_context: BrowserContext) -> Iterator[ReusedTab]:
    tabs = ReusedTab(_visitor_context)
    yield tabs
    tabs.discard()


@pytest.fixture(scope="session")
def _injectable_tab(_injectable_context: BrowserContext) -> Iterator[ReusedTab]:
    tabs = ReusedTab(_injectable_context)
    yield tabs
    tabs.discard()


@pytest.fixture
def page(_visitor_tab: ReusedTab, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that obeys the site's Content-Security-Policy, as a visitor's browser does."""
    yield from _reused(_visitor_tab, request)


@pytest.fixture
def injectable_page(_injectable_tab: ReusedTab, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that ignores CSP, so axe or test stylesheets can be injected (never for
    keyboard, reflow or print checks, which must see the site exactly as sent)."""
    yield from _reused(_injectable_tab, request)


@pytest.fixture
def new_tab(_visitor_context: BrowserContext) -> Iterator[Page]:
    """A tab of its own, closed after the test: for tests that listen to the page's events
    (listeners cannot all be taken off a reused tab)."""
    tab = _visitor_context.new_page()
    yield tab
    tab.close()
