"""Browser fixtures: one system Chromium (Playwright) for the session, pages on the live server.

Without /usr/bin/chromium the browser tests are skipped with a reason, except in CI
(the CI environment variable is set), where CI installs Chromium and a missing one fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.pages import LINK_TOKENS
from tests.site_seed import seed_site

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


@pytest.fixture(scope="session")
def base_url(live_server, live_app: Flask) -> str:
    LINK_TOKENS.update(seed_site(live_app))
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
