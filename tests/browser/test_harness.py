"""The browser suite's own rules: skipped without Chromium locally, failed without it in CI; a
reused tab starts every test as good as new, and a failed test's tab is not reused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import BrowserContext

from tests.browser.conftest import DESKTOP, NARROW, ReusedTab, _reused, require_tool

pytestmark = pytest.mark.browser


def test_missing_tool_skips_with_a_reason_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium at /nowhere is missing"):
        require_tool(False, "Chromium at /nowhere")


def test_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        require_tool(False, "Chromium at /nowhere")


def test_present_tool_neither_skips_nor_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    require_tool(True, "Chromium")


def test_a_reused_tab_starts_each_test_as_a_new_one(_injectable_context: BrowserContext, base_url: str) -> None:
    tabs = ReusedTab(_injectable_context)
    try:
        tab = tabs.fresh()
        tab.goto(base_url + "/en/")
        _injectable_context.add_cookies([{"name": "left", "value": "over", "url": base_url}])
        tab.set_viewport_size(NARROW)
        tab.emulate_media(media="print", color_scheme="dark", forced_colors="active", reduced_motion="reduce")
        tab.route("**/en/about", lambda route: route.fulfill(status=418, body="intercepted"))
        tab.evaluate("window.leftOver = 1")

        again = tabs.fresh()
        assert again is tab, "the tab was not reused"
        assert again.url == "about:blank"
        assert _injectable_context.cookies() == []
        assert again.viewport_size == DESKTOP
        for query in ("print", "(prefers-color-scheme: dark)", "(forced-colors: active)", "(prefers-reduced-motion)"):
            assert not again.evaluate(f"matchMedia('{query}').matches"), f"{query} still emulated"
        assert again.evaluate("typeof window.leftOver") == "undefined"
        assert again.goto(base_url + "/en/about").status == 200, "a route of the last test still answers"
    finally:
        tabs.discard()


@pytest.mark.parametrize(("failed", "reused"), [(False, True), (True, False)])
def test_the_tab_of_a_failed_test_is_not_reused(
    _injectable_context: BrowserContext, failed: bool, reused: bool
) -> None:
    tabs = ReusedTab(_injectable_context)
    try:
        request = SimpleNamespace(node=SimpleNamespace(browser_call_failed=failed))
        steps = _reused(tabs, request)
        first = next(steps)
        next(steps, None)  # the test ends
        assert first.is_closed() is not reused
        assert (tabs.fresh() is first) is reused
    finally:
        tabs.discard()
