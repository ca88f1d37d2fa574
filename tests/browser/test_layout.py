"""Layout in a real browser: reflow at 320 px (1.4.10), text spacing (1.4.12), print."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import NARROW
from tests.browser.pages import PAGE_KINDS, PageKind, open_page
from tests.conftest import LOCALE_CODES

pytestmark = pytest.mark.browser

ARTICLE = next(kind for kind in PAGE_KINDS if kind.name == "article")

# The usual WCAG 1.4.12 test overrides (as in the W3C/Steve Faulkner bookmarklet).
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; margin-bottom: 2em !important; }
"""

# Elements that cut their content off (overflow other than visible) while it is bigger than
# their box. Content hidden on purpose (.visually-hidden, the honeypot) does not count.
CLIPPED_TEXT_JS = """
() => {
  const clipped = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('.visually-hidden, .honeypot, [hidden]')) continue;
    // A text field scrolls what was typed into it by design: the caret reaches all of it.
    if (element.matches('input, textarea, select')) continue;
    const style = getComputedStyle(element);
    if (style.display === 'none') continue;
    const clipsX = !['visible'].includes(style.overflowX);
    const clipsY = !['visible'].includes(style.overflowY);
    const tooTall = element.scrollHeight > element.clientHeight + 1;
    const tooWide = element.scrollWidth > element.clientWidth + 1;
    if ((clipsY && tooTall) || (clipsX && tooWide)) {
      clipped.push(`${element.tagName.toLowerCase()}.${element.className}: ` +
        `${element.scrollWidth}x${element.scrollHeight} in ${element.clientWidth}x${element.clientHeight}`);
    }
  }
  return clipped;
}
"""

# The page's width, and the innermost boxes whose content (list markers included) is
# wider than they are, to say what sticks out.
HORIZONTAL_OVERFLOW_JS = """
() => ({
  scrollWidth: document.documentElement.scrollWidth,
  widest: [...document.body.querySelectorAll('*')]
    .filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
    .filter(el => !el.closest('.visually-hidden, .honeypot'))
    .slice(-3)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}/${el.clientWidth}`),
})
"""


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("kind", PAGE_KINDS, ids=lambda kind: kind.name)
def test_reflows_at_320_css_px_without_sideways_scrolling(
    page: Page, base_url: str, kind: PageKind, locale: str
) -> None:
    page.set_viewport_size(NARROW)
    open_page(page, base_url, kind, locale)
    overflow = page.evaluate(HORIZONTAL_OVERFLOW_JS)
    assert overflow["scrollWidth"] <= NARROW["width"], (
        f"{kind.name} ({locale}) scrolls sideways at 320 px: scrollWidth "
        f"{overflow['scrollWidth']}; sticking out: {overflow['widest']}"
    )


SPACING_CASES = [("en", None), ("ar", NARROW), ("zh-hans", NARROW)]


@pytest.mark.parametrize(("locale", "viewport"), SPACING_CASES, ids=["en-desktop", "ar-320px", "zh-hans-320px"])
@pytest.mark.parametrize("kind", PAGE_KINDS, ids=lambda kind: kind.name)
def test_text_spacing_overrides_clip_nothing(
    injectable_page: Page, base_url: str, kind: PageKind, locale: str, viewport: dict | None
) -> None:
    if viewport:
        injectable_page.set_viewport_size(viewport)
    open_page(injectable_page, base_url, kind, locale)
    injectable_page.add_style_tag(content=TEXT_SPACING_CSS)
    applied = injectable_page.evaluate("getComputedStyle(document.querySelector('h1')).letterSpacing")
    assert applied != "normal", "the text-spacing stylesheet did not apply"
    clipped = injectable_page.evaluate(CLIPPED_TEXT_JS)
    assert not clipped, f"text clipped with 1.4.12 spacing on {kind.name} ({locale}): {clipped}"
    if viewport:
        width = injectable_page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"spaced text scrolls sideways: {width}px"


def test_clipping_check_finds_clipped_text(injectable_page: Page, base_url: str) -> None:
    """Guards the check above: a fixed-height box with overflow hidden is reported."""
    open_page(injectable_page, base_url, ARTICLE, "en")
    injectable_page.add_style_tag(content="h1 { block-size: 0.5em; overflow: hidden; }")
    assert any(entry.startswith("h1") for entry in injectable_page.evaluate(CLIPPED_TEXT_JS))


# Visible text printed in a light colour (relative luminance over 0.3: unreadable on paper).
PALE_PRINTED_TEXT_JS = """
() => {
  const luminance = colour => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.body.querySelectorAll('*')]
    .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(el => el.getClientRects().length > 0 && !el.closest('[aria-hidden="true"]'))
    .filter(el => luminance(getComputedStyle(el).color) > 0.3)
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}.${el.className}: ${getComputedStyle(el).color}`);
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_stylesheet_loads_hides_navigation_and_prints_dark_on_white(
    page: Page, base_url: str, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    open_page(page, base_url, ARTICLE, "ar")
    hidden = "sel => [...document.querySelectorAll(sel)].map(el => getComputedStyle(el).display)"
    assert "none" not in page.evaluate(hidden, "nav"), "navigation must show on screen"
    page.emulate_media(media="print", color_scheme=scheme)
    loaded = page.evaluate(
        "[...document.styleSheets].filter(s => s.media.mediaText === 'print').map(s => s.cssRules.length)"
    )
    assert loaded and loaded[0] > 0, "print.css did not load"
    assert set(page.evaluate(hidden, "nav")) == {"none"}, "navigation still shows in print"
    assert page.evaluate(hidden, ".skip-link, form, .site-footer") == ["none"] * page.evaluate(
        "document.querySelectorAll('.skip-link, form, .site-footer').length"
    )
    assert page.evaluate(hidden, "main") != ["none"]
    assert "none" not in page.evaluate(hidden, ".callout--warning"), "warnings must print"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    pale = page.evaluate(PALE_PRINTED_TEXT_JS)
    assert not pale, f"text too pale to read on paper ({scheme} screen): {pale}"
