"""The browser suite's own rules: skipped without Chromium locally, failed without it in CI."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_tool

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
