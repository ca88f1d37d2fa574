"""A page loads cleanly: every request the browser makes for it succeeds, nothing is logged as
an error in the console (a /favicon.ico taken for a locale used to answer 308 then 404)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.pages import PAGE_KINDS, open_page

pytestmark = pytest.mark.browser

ARTICLE_KIND = next(kind for kind in PAGE_KINDS if kind.name == "article")


@pytest.mark.parametrize("locale", ["en", "zh-hans"])
def test_the_article_loads_without_a_failed_request_or_console_error(new_tab: Page, base_url: str, locale: str) -> None:
    page = new_tab
    failed: list[str] = []
    errors: list[str] = []
    page.on(
        "response",
        lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    open_page(page, base_url, ARTICLE_KIND, locale)
    icon = page.evaluate("() => document.querySelector('link[rel=icon]')?.href")
    assert icon and page.request.get(icon).status == 200
    conventional = page.request.get(base_url + "/favicon.ico", max_redirects=0)
    assert conventional.status == 200 and conventional.headers["content-type"] == "image/vnd.microsoft.icon"
    assert not failed and not errors, failed + errors
