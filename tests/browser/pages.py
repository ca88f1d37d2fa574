"""Every kind of page the browser tests visit: features add their pages here.

A page kind is a URL under a locale, plus (for a state such as a form with errors) the
steps a person takes in the browser to reach it. Each kind is checked with axe in every
locale and colour scheme, for reflow at 320 px, and by the Nu HTML checker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


@dataclass(frozen=True)
class PageKind:
    name: str
    path: str  # with "{locale}" where the locale code goes
    status: int = 200
    # Steps from the loaded page to the state under test; returns the last navigation's response.
    reach_state: Callable[[Page], Response | None] | None = None
    # What has focus once the page loads (an error summary with autofocus), if anything.
    focused_on_load: str | None = None

    def url(self, base_url: str, locale: str) -> str:
        return base_url + self.path.format(locale=locale, **LINK_TOKENS)


# Tokens of the links mailed to the seeded subscriber (filled in by the browser conftest):
# "confirm", "expired_confirm", "unsubscribe".
LINK_TOKENS: dict[str, str] = {}


ARTICLE_PATH = "/{locale}/articles/muscle-spasms-in-children"
# The test-only second article (tests/fixtures/articles): published in English only, so in any
# other language its address leads to the English page.
SECOND_ARTICLE_PATH = "/{locale}/articles/fever-in-children"
MODERATOR_EMAIL = "moderator@example.org"
MODERATOR_PASSWORD = "correct horse battery staple"


def _submit(page: Page, button: str) -> Response | None:
    """Press a form's submit button as a person does, and wait for the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(button).first.click()
    return navigation.value


def _open_first_letter(page: Page) -> Response | None:
    """From the home page, the first letter of the A to Z, as a reader follows it."""
    return _submit(page, "nav.a-to-z a")


def _post_empty_comment(page: Page) -> Response | None:
    return _submit(page, "form.comment-form button[type=submit]")


def _sign_in(page: Page, password: str = MODERATOR_PASSWORD) -> Response | None:
    page.fill("input[name=email]", MODERATOR_EMAIL)
    page.fill("input[name=password]", password)
    return _submit(page, "main form button[type=submit]")


def _sign_in_wrongly(page: Page) -> Response | None:
    return _sign_in(page, "not the password")


def _decide_nothing(page: Page) -> Response | None:
    _sign_in(page)
    return _submit(page, "button[name=action][value=approve]")


def _open_settings(page: Page) -> Response | None:
    _sign_in(page)
    return _submit(page, "main a[href$='/moderation/settings']")


def _post_a_comment(page: Page) -> tuple[str, Response | None]:
    """Post a new comment from the article page as a reader does: its text (unique, or it would
    be held back as a duplicate) and the page it leads to."""
    text = f"Does stretching before football help? ({uuid.uuid4().hex[:8]})"
    page.fill("form.comment-form input[name=name]", "Alex")
    page.fill("form.comment-form textarea[name=comment]", text)
    return text, _submit(page, "form.comment-form button[type=submit]")


def _send_comment(page: Page) -> Response | None:
    return _post_a_comment(page)[1]


def _reject_a_new_comment(page: Page) -> Response | None:
    """Post a comment, then reject it from the queue with its own button: the queue is left as
    it was, and the page shows the outcome ("1 comment rejected.")."""
    text, _ = _post_a_comment(page)
    page.goto(page.url.split("/articles/")[0] + "/moderation/login", wait_until="load")
    _sign_in(page)
    item = page.locator(".queue__item", has_text=text)
    return _submit(page, f"#{item.get_attribute('id')} button[name=one][value^=reject]")


def _save_settings(page: Page) -> Response | None:
    _open_settings(page)
    return _submit(page, "main form button[type=submit]")


def _subscribe_empty(page: Page) -> Response | None:
    return _submit(page, "form.subscribe-form button[type=submit]")


def _subscribe(page: Page) -> Response | None:
    page.fill("form.subscribe-form input[name=email]", "reader@example.org")
    return _submit(page, "form.subscribe-form button[type=submit]")


PAGE_KINDS: list[PageKind] = [
    PageKind("home", "/{locale}/"),
    PageKind("a-to-z-letter", "/{locale}/", 200, _open_first_letter),
    PageKind("article", ARTICLE_PATH),
    PageKind("second-article", SECOND_ARTICLE_PATH),
    PageKind("about", "/{locale}/about"),
    PageKind("emergency-numbers", "/{locale}/emergency-numbers"),
    PageKind("not-found", "/{locale}/no-such-page", status=404),
    # The article again after posting the comment form empty: error summary, invalid fields.
    PageKind("article-comment-error", ARTICLE_PATH, 422, _post_empty_comment, ".error-summary"),
    PageKind("moderation-login", "/{locale}/moderation/login"),
    PageKind("moderation-login-error", "/{locale}/moderation/login", 422, _sign_in_wrongly, ".error-summary"),
    PageKind("moderation-queue", "/{locale}/moderation/login", 200, _sign_in),
    PageKind("moderation-queue-error", "/{locale}/moderation/login", 422, _decide_nothing, ".error-summary"),
    PageKind("moderation-settings", "/{locale}/moderation/login", 200, _open_settings),
    # Outcomes after a full page load: the message takes focus and starts the title.
    PageKind("comment-sent", ARTICLE_PATH, 200, _send_comment, ".status-message"),
    PageKind("moderation-queue-decided", ARTICLE_PATH, 200, _reject_a_new_comment, ".status-message"),
    PageKind("moderation-settings-saved", "/{locale}/moderation/login", 200, _save_settings, ".status-message"),
    PageKind("subscribe", "/{locale}/subscribe"),
    PageKind("subscribe-error", "/{locale}/subscribe", 422, _subscribe_empty, ".error-summary"),
    PageKind("subscribe-check-inbox", "/{locale}/subscribe", 200, _subscribe),
    PageKind("subscribe-confirm", "/{locale}/subscribe/confirm/{confirm}"),
    PageKind("subscribe-confirmed", "/{locale}/subscribe/confirmed"),
    PageKind("subscribe-link-invalid", "/{locale}/subscribe/confirm/not-a-real-link", 400),
    PageKind("subscribe-link-expired", "/{locale}/subscribe/confirm/{expired_confirm}", 410),
    PageKind("unsubscribe", "/{locale}/unsubscribe/{unsubscribe}"),
    PageKind("unsubscribed", "/{locale}/unsubscribed"),
]

# TODO(issue 2 browser tests): pages that are planned but not built yet go here, never into
# a silently skipped test. tests/browser/test_page_kinds.py checks that each still answers
# 404; once its route exists, move it into PAGE_KINDS (with the steps that reach its state).
TODO_PAGE_KINDS: list[PageKind] = []


def open_page(page: Page, base_url: str, kind: PageKind, locale: str) -> Response:
    """Load a page kind in a locale, reach its state, and check the status a person gets."""
    url = kind.url(base_url, locale)
    page.context.clear_cookies()  # every visit starts as a new visitor (not signed in)
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    if kind.reach_state is not None:
        response = kind.reach_state(page) or response
    assert response.status == kind.status, (
        f"{kind.name} ({locale}): expected HTTP {kind.status}, got {response.status} at {page.url}"
    )
    if kind.focused_on_load:
        # The browser applies autofocus at its next rendering step, not at "load": wait for
        # it, so that nothing takes focus from under a test later.
        try:
            page.wait_for_function(
                "selector => document.activeElement?.matches(selector)",
                arg=kind.focused_on_load,
                timeout=10_000,
            )
        except PlaywrightTimeoutError:
            raise AssertionError(f"{kind.focused_on_load} never took focus on {kind.name} ({locale})") from None
    return response
