"""Reaching help and recovering from errors, in a real browser and in every locale: error
summaries named as ARIA allows, a field reached from an error link shown with its label, hint
and message at 320 px and heard error first, outcomes announced after a full page load, a
moderation queue whose checkboxes and forms are named, callout icons in forced colours, a
keyboard route past the sources, and an aside drawn where it comes in the Tab order."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_babel import gettext, ngettext
from playwright.sync_api import Page

from tests.browser.axe import describe_violations
from tests.browser.conftest import NARROW
from tests.browser.listen import listen_to_part
from tests.browser.pages import PAGE_KINDS, PageKind, open_page
from tests.conftest import LOCALE_CODES

pytestmark = pytest.mark.browser

KINDS = {kind.name: kind for kind in PAGE_KINDS}
ERROR_KINDS = [kind for kind in PAGE_KINDS if kind.focused_on_load == ".error-summary"]
OUTCOME_KINDS = [kind for kind in PAGE_KINDS if kind.focused_on_load == ".status-message"]

# The ARIA rules that judge where an attribute may go. aria-prohibited-attr reports a name on a
# role-less element as "needs review" (incomplete) when it has text, so both kinds count.
ARIA_ATTRIBUTE_RULES = {
    "runOnly": {"type": "rule", "values": ["aria-prohibited-attr", "aria-allowed-attr", "aria-allowed-role"]},
    "resultTypes": ["violations", "incomplete"],
}

_axe = Axe()


def translated(app: Flask, locale: str, msgid: str, count: int | None = None) -> str:
    with app.test_request_context(f"/{locale}/"):
        return gettext(msgid) if count is None else ngettext(msgid, msgid, count)


def accessible_names(page: Page, role: str) -> list[str]:
    """The names of every node of a role in the browser's accessibility tree (an unnamed form
    has no form role there, so it is missing from the list)."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [
        node.get("name", {}).get("value", "")
        for node in nodes
        if node.get("role", {}).get("value") == role and not node.get("ignored")
    ]


def aria_attribute_findings(page: Page) -> list[dict]:
    results = _axe.run(page, options=ARIA_ATTRIBUTE_RULES).response
    return [finding for finding in results["violations"] + results["incomplete"] if finding["nodes"]]


# Error summaries -----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("kind", ERROR_KINDS, ids=lambda kind: kind.name)
def test_an_error_summary_is_a_group_named_by_its_heading_with_no_prohibited_aria(
    injectable_page: Page, base_url: str, live_app: Flask, kind: PageKind, locale: str
) -> None:
    open_page(injectable_page, base_url, kind, locale)
    findings = aria_attribute_findings(injectable_page)
    assert not findings, f"{kind.name} ({locale}):\n" + describe_violations(findings)
    # Named by its heading, as every browser computes it; it has focus (the GOV.UK behaviour).
    summary = injectable_page.get_by_role("group", name=translated(live_app, locale, "There is a problem"), exact=True)
    assert summary.count() == 1, f"no group named by the error summary's heading on {kind.name} ({locale})"
    assert summary.evaluate("el => el === document.activeElement && el.matches('.error-summary')")
    assert summary.locator("a[href^='#']").count() >= 1, "the summary links to what is wrong"


def test_the_aria_check_finds_a_name_on_a_roleless_summary(injectable_page: Page, base_url: str) -> None:
    """Guards the check above: the summary as it was (aria-labelledby on a plain div) is reported."""
    open_page(injectable_page, base_url, KINDS["article-comment-error"], "en")
    injectable_page.evaluate("document.querySelector('.error-summary').removeAttribute('role')")
    assert "aria-prohibited-attr" in {finding["id"] for finding in aria_attribute_findings(injectable_page)}


# Following an error link at 320 px -------------------------------------------------------------

# The focused target, and where the parts that explain it are drawn (each must be wholly in view;
# the control itself at least starts in view: a tall text area may run on below).
PARTS_IN_VIEW_JS = """
() => {
  const target = document.activeElement;
  const group = target.closest('.form-group, fieldset');
  const parts = group.matches('fieldset')
    ? [group.querySelector('legend'), ...group.querySelectorAll(':scope > .error-message')]
    : [...group.querySelectorAll(':scope > label, :scope > .hint, :scope > .error-message')];
  const inView = el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; };
  const rect = target.getBoundingClientRect();
  return {
    target: target.id,
    controlStartsInView: rect.top >= 0 && rect.top < innerHeight - 16,
    parts: parts.map(el => ({what: `${el.tagName.toLowerCase()}.${el.className}`, inView: inView(el),
                            top: Math.round(el.getBoundingClientRect().top)})),
  };
}
"""


def error_links_lead_to_whole_fields(page: Page) -> list[str]:
    """Follow each link of the error summary by keyboard; what is not in view afterwards."""
    problems = []
    targets = page.eval_on_selector_all(".error-summary a", "links => links.map(a => a.getAttribute('href'))")
    assert targets, "the error summary has no links"
    for target in targets:
        page.evaluate("() => window.scrollTo(0, 0)")
        page.focus(f".error-summary a[href='{target}']")
        page.keyboard.press("Enter")
        page.wait_for_function("id => document.activeElement?.id === id", arg=target.removeprefix("#"))
        seen = page.evaluate(PARTS_IN_VIEW_JS)
        if not seen["controlStartsInView"]:
            problems.append(f"{target}: the field itself is not in view")
        if not seen["parts"]:
            problems.append(f"{target}: no label, hint or message found beside the field")
        problems += [
            f"{target}: {part['what']} out of view (top {part['top']})" for part in seen["parts"] if not part["inView"]
        ]
    return problems


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("kind", ERROR_KINDS, ids=lambda kind: kind.name)
def test_following_an_error_link_at_320px_shows_the_label_hint_and_message(
    page: Page, base_url: str, kind: PageKind, locale: str
) -> None:
    page.set_viewport_size(NARROW)
    open_page(page, base_url, kind, locale)
    problems = error_links_lead_to_whole_fields(page)
    assert not problems, f"{kind.name} ({locale}) at 320 px:\n" + "\n".join(problems)


def test_the_view_check_notices_a_label_scrolled_away(injectable_page: Page, base_url: str) -> None:
    """Guards the check above: without the room kept above fields in error, the label is lost."""
    injectable_page.set_viewport_size(NARROW)
    open_page(injectable_page, base_url, KINDS["article-comment-error"], "en")
    injectable_page.add_style_tag(content="* { scroll-margin: 0 !important; }")
    assert error_links_lead_to_whole_fields(injectable_page)


# Heard error first -------------------------------------------------------------------------------


def _collapsed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_a_field_in_error_is_heard_with_its_error_before_its_hint(
    injectable_page: Page, base_url: str, locale: str
) -> None:
    open_page(injectable_page, base_url, KINDS["article-comment-error"], locale)
    spoken = [_collapsed(phrase) for phrase in listen_to_part(injectable_page, "form.comment-form")]
    for field in ("comment-name", "comment-comment"):
        label = _collapsed(injectable_page.text_content(f"label[for={field}]"))
        error = _collapsed(injectable_page.text_content(f"#{field}-error"))
        hint = _collapsed(injectable_page.text_content(f"#{field}-hint"))
        heard = [phrase for phrase in spoken if phrase.startswith("textbox, ") and label in phrase]
        assert len(heard) == 1, f"{field} ({locale}): {spoken[:40]}"
        assert error in heard[0] and hint in heard[0], heard[0]
        assert heard[0].index(error) < heard[0].index(hint), f"hint heard before the error: {heard[0]}"


# Outcomes after a full page load ------------------------------------------------------------------

OUTCOMES = {
    "comment-sent": ("Comment sent", None),
    "moderation-queue-decided": ("%(num)d comment rejected.", 1),
    "moderation-settings-saved": ("Your settings are saved.", None),
}


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("kind", OUTCOME_KINDS, ids=lambda kind: kind.name)
def test_an_outcome_starts_the_title_and_its_message_has_focus(
    page: Page, base_url: str, live_app: Flask, kind: PageKind, locale: str
) -> None:
    open_page(page, base_url, kind, locale)  # waits until the message has taken focus
    outcome = translated(live_app, locale, *OUTCOMES[kind.name])
    assert page.title().startswith(f"{outcome} – "), f"{kind.name} ({locale}): title {page.title()!r}"
    focused = page.evaluate(
        "() => ({role: document.activeElement.getAttribute('role'), text: document.activeElement.innerText})"
    )
    assert focused["role"] == "status" and focused["text"].strip(), focused
    if kind.name != "comment-sent":  # there the title says it short; the message says more
        assert outcome in focused["text"]


# Moderation queue -----------------------------------------------------------------------------

QUEUE_GROUPING_JS = """
() => {
  const boxes = [...document.querySelectorAll('input[type=checkbox][name=ids]')];
  const bulk = [...document.querySelectorAll('button[name=action]')];
  const groups = new Set([...boxes, ...bulk].map(el => el.closest('fieldset')));
  const group = [...groups][0];
  return {
    boxes: boxes.length, bulk: bulk.length, groups: groups.size,
    legend: group?.querySelector(':scope > legend')?.textContent.trim() ?? null,
    forms: document.querySelectorAll('form').length,
  };
}
"""


@pytest.mark.parametrize("locale", LOCALE_CODES)
@pytest.mark.parametrize("kind_name", ["moderation-queue", "moderation-queue-error"])
def test_queue_checkboxes_are_grouped_with_the_bulk_actions_and_every_form_is_named(
    page: Page, base_url: str, kind_name: str, locale: str
) -> None:
    open_page(page, base_url, KINDS[kind_name], locale)
    grouping = page.evaluate(QUEUE_GROUPING_JS)
    assert grouping["boxes"] >= 1 and grouping["bulk"] == 3, grouping
    assert grouping["groups"] == 1 and grouping["legend"], (
        f"checkboxes and bulk buttons not in one named group: {grouping}"
    )
    # Every form is a form landmark with a name of its own, as Chromium's accessibility tree has it.
    names = accessible_names(page, "form")
    assert len(names) == grouping["forms"], f"{grouping['forms'] - len(names)} form(s) without a name: {names}"
    assert all(names) and len(set(names)) == len(names), names


# Forced colours ---------------------------------------------------------------------------------

CALLOUT_ICON_COLOURS_JS = """
() => {
  const probe = document.createElement('span');
  probe.style.forcedColorAdjust = 'none';
  probe.style.backgroundColor = 'Mark';
  probe.style.color = 'MarkText';
  document.body.append(probe);
  const system = [getComputedStyle(probe).backgroundColor, getComputedStyle(probe).color];
  probe.remove();
  return {
    system,
    icons: [...document.querySelectorAll('.callout')].map(callout => {
      const icon = getComputedStyle(callout.querySelector('.callout__icon'));
      return {callout: callout.className, colours: [icon.backgroundColor, icon.color]};
    }),
  };
}
"""


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_callout_icon_takes_system_colours_in_forced_colours(page: Page, base_url: str, locale: str) -> None:
    page.emulate_media(forced_colors="active", color_scheme="dark")
    open_page(page, base_url, KINDS["article"], locale)
    found = page.evaluate(CALLOUT_ICON_COLOURS_JS)
    urgencies = {re.search(r"callout--(emergency|urgent|routine)", icon["callout"]).group(1) for icon in found["icons"]}
    assert urgencies == {"emergency", "urgent", "routine"}, urgencies
    astray = [icon for icon in found["icons"] if icon["colours"] != found["system"]]
    assert not astray, f"icons in author colours, not Mark/MarkText {found['system']}: {astray}"


# Keyboard route past the sources; the aside where it comes in the Tab order ---------------------


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_contents_lead_past_the_sources_to_the_comment_form(
    page: Page, base_url: str, live_app: Flask, locale: str
) -> None:
    open_page(page, base_url, KINDS["article"], locale)
    link = page.locator(".contents a[href='#comment-form-heading']")
    assert link.inner_text().strip() == translated(live_app, locale, "Leave a comment")
    link.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment-name"


ASIDE_PLACE_JS = """
() => {
  const box = sel => document.querySelector(sel).getBoundingClientRect();
  const aside = box('aside.newsletter-aside'), main = box('main'), comments = box('#comments');
  const rtl = document.documentElement.dir === 'rtl';
  return {beside: rtl ? aside.right <= main.left : aside.left >= main.right,
          asideTop: aside.top, commentsTop: comments.top};
}
"""


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_newsletter_aside_is_drawn_beside_the_comments_that_precede_it(
    page: Page, base_url: str, locale: str
) -> None:
    """On wide screens the aside sits beside the article; it comes after the comments in the DOM
    (and the Tab order), so it is drawn beside them, not at the top beside the article's start."""
    open_page(page, base_url, KINDS["article"], locale)
    place = page.evaluate(ASIDE_PLACE_JS)
    assert place["beside"], place
    assert place["asideTop"] >= place["commentsTop"], place
