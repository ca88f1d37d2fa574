"""Listens to a page with @guidepup/virtual-screen-reader (an npm package: tests/browser/screen-reader).

The package's browser build (one self-contained ES module) is served to the page by Playwright
under the site's origin and imported there, so it needs a CSP-bypassing context: the site's
policy for readers allows no script and is not loosened for the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

PACKAGE_DIR = Path(__file__).resolve().parent / "screen-reader"
BROWSER_BUILD = PACKAGE_DIR / "node_modules/@guidepup/virtual-screen-reader/lib/esm/index.browser.js"
SCRIPT_PATH = "/__tests__/virtual-screen-reader.js"  # answered by Playwright, never by the site
# A guard against a page the reader never finishes (each step is one spoken phrase).
MAX_STEPS = 5000


@dataclass(frozen=True)
class Listening:
    spoken: list[str]  # every phrase, in reading order, from "document" to "end of document"
    landmarks: list[str]  # what landmark navigation announces, in order
    headings: list[str]  # what heading navigation announces, in order


def require_screen_reader() -> None:
    """Skip (locally) or fail (in CI) when `npm ci` has not installed the package."""
    if BROWSER_BUILD.is_file():
        return
    message = f"{BROWSER_BUILD} is missing: run `npm ci --prefix tests/browser/screen-reader`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _load_screen_reader(page: Page) -> None:
    def answer(route: Route) -> None:
        route.fulfill(path=BROWSER_BUILD, content_type="text/javascript")

    page.route(f"**{SCRIPT_PATH}", answer)
    page.evaluate(
        """async (path) => {
            const { virtual } = await import(path);
            window.__virtualScreenReader = virtual;
        }""",
        SCRIPT_PATH,
    )


_READ_ALL = """async (maxSteps) => {
  const virtual = window.__virtualScreenReader;
  await virtual.start({ container: document.body });
  for (let step = 0; step < maxSteps && (await virtual.lastSpokenPhrase()) !== "end of document"; step++) {
    await virtual.next();
  }
  const spoken = await virtual.spokenPhraseLog();
  await virtual.stop();
  return spoken;
}"""

# The same reading, of one part of the page only (a form, say): quicker than the whole page.
# Within a part the reader wraps round to the part's start instead of saying "end of document".
_READ_PART = """async ([selector, maxSteps]) => {
  const virtual = window.__virtualScreenReader;
  await virtual.start({ container: document.querySelector(selector) });
  const first = await virtual.lastSpokenPhrase();
  for (let step = 0; step < maxSteps; step++) {
    await virtual.next();
    const last = await virtual.lastSpokenPhrase();
    if (last === first || last === "end of document") break;
  }
  const spoken = await virtual.spokenPhraseLog();
  await virtual.stop();
  return spoken.slice(0, -1);
}"""

# Jump with one navigation command from the top until it comes round to the first stop again
# (navigation wraps); what each jump says.
_JUMP_THROUGH = """async ([command, maxSteps]) => {
  const virtual = window.__virtualScreenReader;
  await virtual.start({ container: document.body });
  const heard = [];
  let first = null;
  for (let step = 0; step < maxSteps; step++) {
    await virtual.perform(virtual.commands[command]);
    const node = virtual.activeNode;
    if (node === first) break;
    first = first ?? node;
    heard.push(await virtual.lastSpokenPhrase());
  }
  await virtual.stop();
  return heard;
}"""


def listen(page: Page) -> Listening:
    """Everything a screen-reader user hears on the loaded page, and its landmark and heading lists."""
    require_screen_reader()
    _load_screen_reader(page)
    spoken = page.evaluate(_READ_ALL, MAX_STEPS)
    landmarks = page.evaluate(_JUMP_THROUGH, ["moveToNextLandmark", MAX_STEPS])
    headings = page.evaluate(_JUMP_THROUGH, ["moveToNextHeading", MAX_STEPS])
    return Listening(spoken, landmarks, headings)


def listen_to_part(page: Page, selector: str) -> list[str]:
    """What a screen-reader user hears reading one part of the loaded page, in order."""
    require_screen_reader()
    _load_screen_reader(page)
    return page.evaluate(_READ_PART, [selector, MAX_STEPS])
