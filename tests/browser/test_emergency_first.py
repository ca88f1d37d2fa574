"""Emergency advice first, and urgency a sighted reader can see: the at-a-glance box is the first
heading after the h1 and the first Contents entry, and leads to the emergency numbers; each
warning shows its urgency word, in a style of its own per level that survives dark mode,
Windows forced colours and print (not colour alone)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page

from app import content
from app.content import parse_article
from tests.browser.pages import ARTICLE_PATH, PAGE_KINDS, open_page
from tests.browser.test_spoken_output import URGENCY_WORDS, translated
from tests.conftest import LOCALE_CODES
from tests.test_emergency_numbers import GLANCE_ARTICLE

pytestmark = pytest.mark.browser

ARTICLE = next(kind for kind in PAGE_KINDS if kind.name == "article")
LEVELS = ("emergency", "urgent", "routine")

# Per urgency level: the urgency word as drawn, and the parts of its style that are not colour
# (edge widths and line styles of the box and of the word's tag, whether the tag is filled).
STYLE_OF_LEVELS_JS = """
levels => Object.fromEntries(levels.map(level => {
  const callout = document.querySelector(`.callout--${level}`);
  const word = callout.querySelector('.callout__label .callout__urgency');
  const box = getComputedStyle(callout), tag = getComputedStyle(word);
  const rect = word.getBoundingClientRect();
  const filled = !['rgba(0, 0, 0, 0)', 'transparent'].includes(tag.backgroundColor);
  return [level, {
    word: word.textContent.trim(),
    visible: rect.width > 1 && rect.height > 1 && tag.visibility === 'visible' && tag.opacity !== '0'
      && !word.closest('.visually-hidden'),
    shape: [box.borderInlineStartWidth, box.borderInlineStartStyle, box.borderBlockStartStyle,
            tag.borderBlockStartStyle, tag.borderBlockEndStyle, filled].join(' '),
    colours: [box.borderInlineStartColor, box.backgroundColor, tag.color, tag.backgroundColor].join(' '),
  }];
}))
"""


def set_scheme(page: Page, scheme: str) -> None:
    if scheme == "forced-colors":
        page.emulate_media(forced_colors="active")
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    elif scheme == "print":
        page.emulate_media(media="print")
    else:
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")


@pytest.mark.parametrize("scheme", ["light", "dark", "forced-colors", "print"])
@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_each_urgency_shows_its_word_and_a_shape_of_its_own(
    page: Page, base_url: str, live_app: Flask, locale: str, scheme: str
) -> None:
    set_scheme(page, scheme)
    open_page(page, base_url, ARTICLE, locale)
    styles = page.evaluate(STYLE_OF_LEVELS_JS, list(LEVELS))
    for level in LEVELS:
        assert styles[level]["visible"], f"the {level} word is not visible ({scheme})"
        assert styles[level]["word"] == translated(live_app, locale, URGENCY_WORDS[level]), styles[level]
    shapes = {level: styles[level]["shape"] for level in LEVELS}
    assert len(set(shapes.values())) == len(LEVELS), f"two levels look alike without colour ({scheme}): {shapes}"


def test_the_shape_check_notices_two_levels_drawn_alike(injectable_page: Page, base_url: str) -> None:
    """Guards the check above: urgent drawn exactly like emergency is caught."""
    open_page(injectable_page, base_url, ARTICLE, "en")
    injectable_page.add_style_tag(
        content=".callout--urgent { border: 4px solid !important; border-inline-start-width: 14px !important; }"
        ".callout--urgent .callout__urgency { border: 2px solid !important; background: #b3261e !important; }"
    )
    styles = injectable_page.evaluate(STYLE_OF_LEVELS_JS, ["emergency", "urgent"])
    assert styles["emergency"]["shape"] == styles["urgent"]["shape"]


@pytest.fixture
def glance_article(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A small article with an at-a-glance box, served by the in-process live server."""
    article = parse_article(GLANCE_ARTICLE)
    real = content.all_articles()
    monkeypatch.setattr(content, "all_articles", lambda: (*real, article))
    # Untranslated, it is published in English only (docs/architecture.md, "Languages"): the layout is under test here,
    # so every language draws it as if published, its English blocks marked lang="en".
    monkeypatch.setattr("app.articles.routes.is_published", lambda found, site_locale: True)
    yield


@pytest.mark.parametrize("slug", ["muscle-spasms-in-children", "glance-test"])
@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_at_a_glance_box_is_the_first_heading_first_in_contents_and_above_the_notices(
    page: Page, base_url: str, glance_article: None, locale: str, slug: str
) -> None:
    page.goto(base_url + ARTICLE_PATH.format(locale=locale).replace("muscle-spasms-in-children", slug))
    box_id = page.eval_on_selector(".article__at-a-glance h2", "h2 => h2.id")
    headings = page.eval_on_selector_all("main h1, main h2", "els => els.map(el => [el.tagName, el.id])")
    assert headings[0][0] == "H1" and headings[1] == ["H2", box_id], headings
    assert page.eval_on_selector(".contents ol a", "a => a.getAttribute('href')") == f"#{box_id}"
    # Drawn first too: above the article's notices and the Contents.
    box_top = page.eval_on_selector(".article__at-a-glance", "el => el.getBoundingClientRect().top")
    below = page.eval_on_selector_all(
        "main .notice, main .contents", "els => els.map(el => el.getBoundingClientRect().top)"
    )
    assert below and all(box_top < top for top in below)
    # One step from the box to the numbers.
    link = page.locator(f".article__at-a-glance a[href='/{locale}/emergency-numbers']")
    with page.expect_navigation() as navigation:
        link.click()
    assert navigation.value.status == 200 and page.url.endswith(f"/{locale}/emergency-numbers")
    assert page.locator("main .emergency-number a[href^='tel:']").count() >= 1


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_emergency_warning_leads_to_the_numbers_in_one_step(page: Page, base_url: str, locale: str) -> None:
    open_page(page, base_url, ARTICLE, locale)
    links = page.locator(f".callout--emergency a[href='/{locale}/emergency-numbers']")
    assert links.count() == page.locator(".callout--emergency").count() >= 1
    with page.expect_navigation() as navigation:
        links.first.click()
    assert navigation.value.status == 200


def test_arabic_numbers_read_left_to_right(page: Page, base_url: str) -> None:
    """In a right-to-left page, "999" is drawn as 999: its digits are isolated left-to-right."""
    numbers = next(kind for kind in PAGE_KINDS if kind.name == "emergency-numbers")
    open_page(page, base_url, numbers, "ar")
    digits = page.eval_on_selector_all(
        ".emergency-number__dial bdi", "els => els.map(el => [el.textContent, getComputedStyle(el).direction])"
    )
    assert digits and all(direction == "ltr" and text.isdigit() for text, direction in digits)
