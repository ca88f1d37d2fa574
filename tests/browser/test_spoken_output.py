"""What a screen-reader user hears on the article, in every locale, through a virtual screen
reader: urgent callouts announced with their urgency word and reachable as headings, a short
landmark list naming both forms, nothing read twice in a row. For English and Arabic the whole
spoken log is kept in tests/browser/golden/, so any change to what is heard shows up in review
(`UPDATE_GOLDEN=1` rewrites the files after a deliberate change)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import gettext
from playwright.sync_api import Page

from app.content import article_by_slug
from tests.browser.listen import Listening, listen
from tests.browser.pages import ARTICLE_PATH
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES

pytestmark = pytest.mark.browser

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN_LOCALES = ("en", "ar")
MAX_LANDMARKS = 8
# The visually hidden word a callout's heading starts with, per urgency (source strings).
URGENCY_WORDS = {"emergency": "Emergency:", "urgent": "Urgent:", "routine": "Advice:"}
COMMENT_DATE = "<date the comment was posted>"


def translated(app: Flask, locale: str, msgid: str) -> str:
    with app.test_request_context(f"/{locale}/"):
        return gettext(msgid)


def source_callout_urgencies() -> list[str]:
    article = article_by_slug(ARTICLE_SLUG)
    assert article is not None
    return [block.urgency for section in article.sections for block in section.blocks if block.kind == "warning"]


def listen_to_article(page: Page, base_url: str, locale: str) -> tuple[Listening, list[dict[str, str]]]:
    """What is heard, with the comments' dates fixed; and each callout's urgency and text as
    the page shows them."""
    page.goto(base_url + ARTICLE_PATH.format(locale=locale), wait_until="load")
    callouts = page.eval_on_selector_all(
        ".callout",
        """callouts => callouts.map(callout => ({
            urgency: [...callout.classList].find(name => /^callout--(emergency|urgent|routine)$/.test(name))
                ?.replace("callout--", ""),
            text: callout.querySelector("p")?.textContent.trim(),
        }))""",
    )
    # Comments are posted on the day the tests run; only their dates are set to a fixed text
    # (an article or source date that happens to be today must still be heard as it is).
    page.eval_on_selector_all(
        ".comment time", "(times, text) => times.forEach(t => { t.textContent = text; })", COMMENT_DATE
    )
    return listen(page), callouts


@pytest.fixture(scope="module")
def heard_by_locale(_injectable_context, base_url: str) -> dict[str, tuple[Listening, list[dict[str, str]]]]:
    """Listen once per locale: a full reading of the article takes a few seconds."""
    results = {}
    page = _injectable_context.new_page()
    try:
        for locale in LOCALE_CODES:
            results[locale] = listen_to_article(page, base_url, locale)
    finally:
        page.close()
    return results


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_each_callout_is_heard_urgency_word_first_and_is_in_the_heading_list(heard_by_locale, live_app, locale):
    heard, callouts = heard_by_locale[locale]
    assert [callout["urgency"] for callout in callouts] == source_callout_urgencies()
    for callout in callouts:
        word = translated(live_app, locale, URGENCY_WORDS[callout["urgency"]])
        headings = [phrase for phrase in heard.headings if phrase.startswith(f"heading, {word}")]
        assert headings, f"no heading starting with {word!r} in the heading list: {heard.headings}"
        word_at = [index for index, phrase in enumerate(heard.spoken) if phrase.startswith(f"heading, {word}")]
        # Compared with white space collapsed: a screen reader reads a no-break space as a space.
        text_at = [" ".join(phrase.split()) for phrase in heard.spoken].index(" ".join(callout["text"].split()))
        assert word_at and min(word_at) < text_at, f"{word!r} is not heard before {callout['text'][:60]!r}"
        # The urgency word belongs to this callout: its heading is the last one before its text.
        last_heading = max(index for index in range(text_at) if heard.spoken[index].startswith("heading, "))
        assert heard.spoken[last_heading].startswith(f"heading, {word}"), heard.spoken[last_heading]
    urgency_headings = [
        phrase
        for phrase in heard.headings
        if any(phrase.startswith(f"heading, {translated(live_app, locale, w)}") for w in URGENCY_WORDS.values())
    ]
    assert len(urgency_headings) == len(callouts)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_landmark_list_is_short_and_names_both_forms(heard_by_locale, live_app, locale):
    heard, _ = heard_by_locale[locale]
    assert len(heard.landmarks) <= MAX_LANDMARKS, heard.landmarks
    assert f"form, {translated(live_app, locale, 'Leave a comment')}" in heard.landmarks
    assert f"form, {translated(live_app, locale, 'Stay updated')}" in heard.landmarks
    assert not [landmark for landmark in heard.landmarks if landmark.startswith("region")], heard.landmarks
    assert not [landmark for landmark in heard.landmarks if landmark == "form"], "a form without a name"


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_nothing_is_heard_twice_in_a_row(heard_by_locale, locale):
    spoken = heard_by_locale[locale][0].spoken
    assert spoken[0] == "document" and spoken[-1] == "end of document"
    repeats = [
        (index, phrase)
        for index, (phrase, following) in enumerate(zip(spoken, spoken[1:], strict=False))
        if phrase == following
    ]
    assert not repeats, repeats


def golden_text(heard: Listening) -> str:
    def lines(phrases: list[str]) -> str:
        return "".join(phrase.replace("\n", "\\n") + "\n" for phrase in phrases)

    return (
        "# Landmarks\n"
        + lines(heard.landmarks)
        + "\n# Headings\n"
        + lines(heard.headings)
        + "\n# Reading the page from top to bottom\n"
        + lines(heard.spoken)
    )


@pytest.mark.parametrize("locale", GOLDEN_LOCALES)
def test_what_is_heard_matches_the_reviewed_log(heard_by_locale, locale):
    golden = GOLDEN_DIR / f"spoken-{locale}.txt"
    actual = golden_text(heard_by_locale[locale][0])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_DIR.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run with UPDATE_GOLDEN=1 and review it"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"What a screen-reader user hears on the {locale} article changed. If that is intended, "
        f"rerun with UPDATE_GOLDEN=1 and commit the reviewed {golden.name}."
    )
