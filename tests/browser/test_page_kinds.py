"""The list of page kinds stays complete: a TODO page that now exists must join PAGE_KINDS."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.browser.pages import PAGE_KINDS, TODO_PAGE_KINDS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("kind", TODO_PAGE_KINDS, ids=lambda kind: kind.name)
def test_todo_page_kind_does_not_exist_yet(client: FlaskClient, kind) -> None:
    response = client.get(kind.path.format(locale="en"))
    assert response.status_code == 404, (
        f"{kind.path.format(locale='en')} answers {response.status_code} now: move '{kind.name}' from TODO_PAGE_KINDS "
        "to PAGE_KINDS in tests/browser/pages.py (with the steps that reach its state)"
    )


def test_page_kind_names_are_unique() -> None:
    names = [kind.name for kind in PAGE_KINDS + TODO_PAGE_KINDS]
    assert len(names) == len(set(names))
