"""Every page kind the browser tests open (tests/browser/pages.py), reached through the test client
the way a person reaches it in the browser, on the database the run uses.

`.ci/run` runs the browser tests on SQLite only: what they check (rendering, what is heard, the
keyboard) comes from the same HTML on either database. This module is why that loses nothing on
PostgreSQL: each page kind, its forms filled in and sent as the browser sends them (hidden fields,
the chosen options, the button pressed), answers with the status the browser tests expect. A page
kind added there without a journey here fails the first test.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.browser.pages import MODERATOR_EMAIL, MODERATOR_PASSWORD, PAGE_KINDS, PageKind
from tests.html_tree import Element, parse_html
from tests.site_seed import seed_site

LOCALE = "en"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    """The shipped articles and the test-only second one, as the browser tests' live server has."""
    from tests.articles_support import articles_folder

    return {"ARTICLES_DIR": str(articles_folder(tmp_path / "articles"))}


class Visitor:
    """A test client that follows links and sends forms as a browser does, remembering the page
    it is on."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.url = ""
        self.response: TestResponse | None = None

    @property
    def page(self) -> Element:
        assert self.response is not None
        return parse_html(self.response.get_data(as_text=True))

    def _arrive(self, response: TestResponse) -> TestResponse:
        self.response = response
        self.url = response.request.path
        return response

    def open(self, path: str) -> TestResponse:
        return self._arrive(self.client.get(path, follow_redirects=True))

    def follow(self, link: Callable[[Element], bool]) -> TestResponse:
        found = next(element for element in self.page.iter() if element.tag == "a" and link(element))
        return self.open(urljoin(self.url, found.attrs["href"] or ""))

    def press(self, button: Callable[[Element], bool], **typed: str) -> TestResponse:
        """Fill in `typed` fields of the button's form and press the button."""
        page = self.page
        pressed = next(element for element in page.iter() if element.tag == "button" and button(element))
        owner = pressed.attrs.get("form")
        form = page.find("form", id=owner) if owner else next(a for a in pressed.ancestors() if a.tag == "form")
        assert form is not None
        data = _form_data(form)
        if pressed.attrs.get("name"):
            data[pressed.attrs["name"] or ""] = [pressed.attrs.get("value") or ""]
        for name, value in typed.items():
            data[name] = [value]
        action = urljoin(self.url, form.attrs.get("action") or self.url)
        return self._arrive(self.client.post(action, data=data, follow_redirects=True))


def _form_data(form: Element) -> dict[str, list[str]]:
    """What a browser sends of a form before any button: text and hidden fields, checked boxes,
    each select's chosen option, each textarea's text."""
    data: dict[str, list[str]] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or "disabled" in element.attrs:
            continue
        kind = element.attrs.get("type") or "text"
        if element.tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in element.attrs:
                data.setdefault(name, []).append(element.attrs.get("value") or "on")
        elif element.tag == "input" and kind not in ("submit", "button", "image", "reset"):
            data.setdefault(name, []).append(element.attrs.get("value") or "")
        elif element.tag == "textarea":
            data.setdefault(name, []).append("".join(child for child in element.children if isinstance(child, str)))
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = next((option for option in options if "selected" in option.attrs), options[0] if options else None)
            if chosen is not None:
                data.setdefault(name, []).append(chosen.attrs.get("value") or chosen.text())
    return data


def _in(element: Element, tag: str, class_: str | None = None) -> bool:
    return any(a.tag == tag and (class_ is None or class_ in a.classes) for a in element.ancestors())


def _submit_in(form_class: str | None = None) -> Callable[[Element], bool]:
    """The submit button of the form of that class (of the first form in main, without one)."""

    def matches(button: Element) -> bool:
        if button.attrs.get("type") != "submit":
            return False
        if form_class is not None:
            return _in(button, "form", form_class)
        return _in(button, "main") and _in(button, "form")

    return matches


def _sign_in(visitor: Visitor, password: str = MODERATOR_PASSWORD) -> TestResponse:
    return visitor.press(_submit_in(), email=MODERATOR_EMAIL, password=password)


def _send_comment(visitor: Visitor) -> str:
    text = f"Does stretching before football help? ({uuid.uuid4().hex[:8]})"
    visitor.press(_submit_in("comment-form"), name="Alex", comment=text)
    return text


def _reject_a_new_comment(visitor: Visitor) -> TestResponse:
    text = _send_comment(visitor)
    visitor.open(f"/{LOCALE}/moderation/login")
    _sign_in(visitor)
    item = next(element for element in visitor.page.find_all("li", "queue__item") if text in element.text())
    item_id = item.attrs["id"]
    return visitor.press(
        lambda button: (
            button.attrs.get("name") == "one"
            and (button.attrs.get("value") or "").startswith("reject")
            and any(a.attrs.get("id") == item_id for a in button.ancestors())
        )
    )


def _open_settings(visitor: Visitor) -> TestResponse:
    _sign_in(visitor)
    return visitor.follow(
        lambda link: _in(link, "main") and (link.attrs.get("href") or "").endswith("/moderation/settings")
    )


def _decide_nothing(visitor: Visitor) -> TestResponse:
    _sign_in(visitor)
    return visitor.press(lambda button: button.attrs.get("name") == "action" and button.attrs.get("value") == "approve")


def _save_settings(visitor: Visitor) -> TestResponse:
    _open_settings(visitor)
    return visitor.press(_submit_in())


# From the page a kind's path opens to the state the browser tests check, as pages.py's steps.
JOURNEYS: dict[str, Callable[[Visitor], TestResponse | str | None]] = {
    "home": lambda visitor: None,
    "a-to-z-letter": lambda visitor: visitor.follow(lambda link: _in(link, "nav", "a-to-z")),
    "article": lambda visitor: None,
    "second-article": lambda visitor: None,
    "about": lambda visitor: None,
    "emergency-numbers": lambda visitor: None,
    "not-found": lambda visitor: None,
    "article-comment-error": lambda visitor: visitor.press(_submit_in("comment-form")),
    "moderation-login": lambda visitor: None,
    "moderation-login-error": lambda visitor: _sign_in(visitor, "not the password"),
    "moderation-queue": _sign_in,
    "moderation-queue-error": _decide_nothing,
    "moderation-settings": _open_settings,
    "comment-sent": _send_comment,
    "moderation-queue-decided": _reject_a_new_comment,
    "moderation-settings-saved": _save_settings,
    "subscribe": lambda visitor: None,
    "subscribe-error": lambda visitor: visitor.press(_submit_in("subscribe-form")),
    "subscribe-check-inbox": lambda visitor: visitor.press(_submit_in("subscribe-form"), email="reader@example.org"),
    "subscribe-confirm": lambda visitor: None,
    "subscribe-confirmed": lambda visitor: None,
    "subscribe-link-invalid": lambda visitor: None,
    "subscribe-link-expired": lambda visitor: None,
    "unsubscribe": lambda visitor: None,
    "unsubscribed": lambda visitor: None,
}


def test_every_page_kind_the_browser_opens_has_a_journey_here():
    assert sorted(kind.name for kind in PAGE_KINDS) == sorted(JOURNEYS)


@pytest.mark.parametrize("kind", PAGE_KINDS, ids=lambda kind: kind.name)
def test_each_page_kind_answers_as_the_browser_tests_expect(app, client, kind: PageKind):
    tokens = seed_site(app)
    visitor = Visitor(client)
    visitor.open(kind.path.format(locale=LOCALE, **tokens))
    JOURNEYS[kind.name](visitor)
    assert visitor.response is not None
    assert visitor.response.status_code == kind.status, (kind.name, visitor.url)
    if kind.focused_on_load:
        selector_class = kind.focused_on_load.lstrip(".")
        assert re.search(rf'class="[^"]*\b{re.escape(selector_class)}\b', visitor.response.get_data(as_text=True))
