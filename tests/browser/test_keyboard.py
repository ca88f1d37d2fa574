"""Keyboard use in a real browser: skip link first (2.4.1), visible focus (2.4.7, 2.4.11), focus
appearance of fields and buttons (2.4.13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.pages import PAGE_KINDS, PageKind, open_page
from tests.browser.pixels import pixels_changed_by

pytestmark = pytest.mark.browser

ARTICLE = next(kind for kind in PAGE_KINDS if kind.name == "article")

# Everything a Tab can reach, with its look while not focused, kept on window for later.
SNAPSHOT_TABBABLES_JS = """
() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const look = el => {
    const s = getComputedStyle(el);
    return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
            outlineColor: s.outlineColor, boxShadow: s.boxShadow,
            background: s.backgroundColor, color: s.color,
            decoration: `${s.textDecorationLine} ${s.textDecorationColor}`,
            border: `${s.borderTopColor} ${s.borderTopWidth}`};
  };
  window.__look = look;
  window.__unfocused = new Map();
  const tabbable = [...document.querySelectorAll(selector)].filter(el =>
    el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]'));
  tabbable.forEach((el, index) => { el.dataset.tabIndexProbe = index; window.__unfocused.set(el, look(el)); });
  return tabbable.length;
}
"""

# The focused element: who it is, how it looks now and before, and whether a person can see it.
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rect = el.getBoundingClientRect();
  const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    probe: el.dataset.tabIndexProbe ?? null,
    name: `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 40)}"`,
    focused: window.__look(el),
    unfocused: window.__unfocused.get(el) ?? null,
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight &&
              rect.right > 0 && rect.left < innerWidth,
    unobscured: top !== null && (top === el || el.contains(top) || top.contains(el)),
  };
}
"""


def _transparent(colour: str) -> bool:
    return colour == "transparent" or colour.replace(" ", "").endswith(",0)")


def focus_indicator_problem(state: dict) -> str | None:
    """Why a focused element shows no indicator, or None when it visibly changes."""
    before, after = state["unfocused"], state["focused"]
    outline_shown = (
        after["outlineStyle"] != "none"
        and after["outlineWidth"] >= 2
        and not _transparent(after["outlineColor"])
        and after["outline"] != before["outline"]
    )
    shadow_shown = after["boxShadow"] not in ("none", before["boxShadow"])
    background_shown = after["background"] != before["background"]
    if not (outline_shown or shadow_shown or background_shown):
        return f"{state['name']}: no focus indicator (focused look {after}, unfocused {before})"
    if not state["onScreen"]:
        return f"{state['name']}: focused but off screen"
    if not state["unobscured"]:
        return f"{state['name']}: focused but covered by another element"
    return None


def tab_through(page: Page) -> tuple[int, list[dict]]:
    """Press Tab round the whole page once (from wherever focus is, past the end of the page,
    and on from the top); what got focus, in order."""
    count = page.evaluate(SNAPSHOT_TABBABLES_JS)
    states: list[dict] = []
    seen: set[str] = set()
    left_page = False
    for _ in range(count + 3):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED_JS)
        if state is None:
            if left_page:
                break
            left_page = True
            continue
        if state["probe"] in seen:
            break
        seen.add(state["probe"])
        states.append(state)
    return count, states


FOCUSED_SKIP_LINK_JS = """
() => {
  const el = document.activeElement, rect = el.getBoundingClientRect();
  return {isSkipLink: el.matches('a.skip-link[href="#main"]'),
          visible: rect.width > 0 && rect.height > 0 && rect.top >= 0 &&
                   rect.left >= 0 && rect.right <= innerWidth &&
                   getComputedStyle(el).visibility !== 'hidden'};
}
"""


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("kind", PAGE_KINDS, ids=lambda kind: kind.name)
def test_first_tab_reaches_skip_link_and_enter_moves_focus_into_main(
    page: Page, base_url: str, kind: PageKind, locale: str
) -> None:
    open_page(page, base_url, kind, locale)
    if kind.focused_on_load:
        # An error summary takes focus on load (3.3.1), so Tab starts from there; the skip
        # link must still come first in the tab order.
        assert page.evaluate(f"document.activeElement.matches({kind.focused_on_load!r})"), (
            f"{kind.focused_on_load} should have focus when {kind.name} loads"
        )
        page.evaluate(SNAPSHOT_TABBABLES_JS)
        first = page.evaluate("document.querySelector('[data-tab-index-probe=\"0\"]').className")
        assert first == "skip-link", f"first focusable element on {kind.name} is .{first}"
        page.focus("a.skip-link")
    else:
        page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED_SKIP_LINK_JS)
    assert skip == {"isSkipLink": True, "visible": True}, f"first Tab on {kind.name}: {skip}"
    page.keyboard.press("Enter")
    in_main = page.evaluate(
        "() => { const m = document.getElementById('main');"
        " return m.tagName === 'MAIN' && m.contains(document.activeElement); }"
    )
    assert in_main, f"Enter on the skip link left focus outside main on {kind.name} ({locale})"


FOCUS_CASES = [
    *[(ARTICLE, locale, scheme) for locale in ("en", "ar") for scheme in ("light", "dark")],
    # Windows high contrast: backgrounds and shadows are replaced, so only outlines show.
    (ARTICLE, "en", "forced-colors"),
    *[(kind, "en", "light") for kind in PAGE_KINDS if kind is not ARTICLE],
    *[(kind, "ar", "dark") for kind in PAGE_KINDS if kind is not ARTICLE],
]


@pytest.mark.parametrize(
    ("kind", "locale", "scheme"),
    FOCUS_CASES,
    ids=[f"{kind.name}-{locale}-{scheme}" for kind, locale, scheme in FOCUS_CASES],
)
def test_every_focusable_element_shows_a_focus_indicator(
    page: Page, base_url: str, kind: PageKind, locale: str, scheme: str
) -> None:
    if scheme == "forced-colors":
        page.emulate_media(forced_colors="active", color_scheme="dark")
    else:
        page.emulate_media(color_scheme=scheme)
    open_page(page, base_url, kind, locale)
    count, states = tab_through(page)
    assert count > (10 if kind is ARTICLE else 1), f"too few focusable elements on {kind.name}"
    missed = count - len(states)
    assert missed == 0, f"Tab reached {len(states)} of {count} focusable elements"
    problems = [problem for state in states if (problem := focus_indicator_problem(state))]
    assert not problems, "\n".join(problems)


def test_focus_check_catches_a_hidden_indicator(injectable_page: Page, base_url: str) -> None:
    """Guards the check above: with every focus style flattened away, it reports them all."""
    open_page(injectable_page, base_url, ARTICLE, "en")
    injectable_page.add_style_tag(
        content="* { outline: none !important; box-shadow: none !important; background: none !important; }"
    )
    _, states = tab_through(injectable_page)
    unnoticed = [state["name"] for state in states if not focus_indicator_problem(state)]
    assert len(states) > 10 and not unnoticed, unnoticed


# Focus Appearance (2.4.13) for fields and buttons ------------------------------------------

FORM_CONTROLS = [
    "form.comment-form input[name=name]",
    "form.comment-form textarea[name=comment]",
    "form.comment-form select[name=language]",
    "form.comment-form button[type=submit]",
    "form.subscribe-form input[name=email]",
    "form.subscribe-form button[type=submit]",
]
# Room round a control for its focus ring in the screenshots.
RING_ROOM = 12


def focus_appearance(page: Page, selector: str) -> tuple[int, int]:
    """Pixels that change by at least 3:1 when the control takes keyboard focus, and the area
    of a 2 CSS px perimeter of the unfocused control (what 2.4.13 asks the first to reach)."""
    control = page.locator(selector).first
    control.scroll_into_view_if_needed()
    page.evaluate("() => document.activeElement?.blur()")
    box = control.bounding_box()
    assert box is not None, selector
    clip = {
        "x": box["x"] - RING_ROOM,
        "y": box["y"] - RING_ROOM,
        "width": box["width"] + 2 * RING_ROOM,
        "height": box["height"] + 2 * RING_ROOM,
    }
    unfocused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    control.focus()
    assert control.evaluate("el => el.matches(':focus-visible')"), f"{selector} shows no keyboard focus"
    assert control.bounding_box() == box, f"{selector} moved when focused"
    focused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    perimeter_area = 4 * (box["width"] + box["height"])
    return pixels_changed_by(unfocused, focused, 3.0), round(perimeter_area)


def emulate_scheme(page: Page, scheme: str) -> None:
    if scheme == "forced-colors":
        page.emulate_media(forced_colors="active", color_scheme="dark")
    else:
        page.emulate_media(color_scheme=scheme)


@pytest.mark.parametrize("scheme", ["light", "dark", "forced-colors"])
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_fields_and_buttons_meet_focus_appearance(page: Page, base_url: str, locale: str, scheme: str) -> None:
    emulate_scheme(page, scheme)
    open_page(page, base_url, ARTICLE, locale)
    problems = []
    for selector in FORM_CONTROLS:
        changed, needed = focus_appearance(page, selector)
        if changed < needed:
            problems.append(f"{selector}: {changed} px change by 3:1 on focus, 2.4.13 needs {needed}")
    assert not problems, "\n".join(problems)


def test_focus_appearance_check_catches_a_faint_ring(injectable_page: Page, base_url: str) -> None:
    """Guards the check above: the old field style (a yellow ring, about 1.35:1 on white, and a
    thin inner line) and a plain 1 px outline both fall short of 2.4.13."""
    open_page(injectable_page, base_url, ARTICLE, "en")
    injectable_page.add_style_tag(
        content="input:focus-visible { outline: 3px solid #ffdd00 !important;"
        " box-shadow: inset 0 0 0 1px #0b0c0c !important; }"
        " .button:focus-visible { outline: 1px solid #0b0c0c !important; box-shadow: none !important;"
        " background: #00703c !important; color: #fff !important; }"
    )
    for selector in ("form.comment-form input[name=name]", "form.comment-form button[type=submit]"):
        changed, needed = focus_appearance(injectable_page, selector)
        assert changed < needed, f"{selector}: a faint ring passed ({changed} >= {needed})"
