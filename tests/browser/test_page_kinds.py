"""The list of page kinds stays complete: a TODO page that now exists must join PAGE_KINDS."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.browser.pages import PAGE_KINDS, TODO_PAGE_KINDS

pytestmark = pytest.mark.browser


def test_todo_page_kinds_do_not_exist_yet(client: FlaskClient) -> None:
    if not TODO_PAGE_KINDS:
        pytest.skip("no page kind is waiting to be built (TODO_PAGE_KINDS is empty)")
    for kind in TODO_PAGE_KINDS:
        path = kind.path.format(locale="en")
        status = client.get(path).status_code
        assert status == 404, (
            f"{path} answers {status} now: move '{kind.name}' from TODO_PAGE_KINDS "
            "to PAGE_KINDS in tests/browser/pages.py (with the steps that reach its state)"
        )


def test_page_kind_names_are_unique() -> None:
    names = [kind.name for kind in PAGE_KINDS + TODO_PAGE_KINDS]
    assert len(names) == len(set(names))
