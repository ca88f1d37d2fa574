"""The shared page cache: renders once, never shares what is one reader's, never keeps a bad page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import OperationalError

import app.comments.section as section
from app.comments.models import CommentStatus
from tests.comments_support import all_comments, article_url, post_comment, set_status
from tests.conftest import LOCALE_CODES, csrf_token_from


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"COMMENT_MIN_SECONDS": 0}


def _store(app):
    return app.extensions["page_cache"]._items


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_article_is_rendered_once_and_filled_per_reader(app, locale):
    first, second = app.test_client(), app.test_client()
    page_one = first.get(article_url(locale)).get_data(as_text=True)
    page_two = second.get(article_url(locale)).get_data(as_text=True)
    assert len(_store(app)) == 1
    assert "__per-reader-" not in page_one + page_two
    assert csrf_token_from(page_one) != csrf_token_from(page_two)
    stamps = [re.search(r'name="form_time" type="hidden" value="([^"]+)"', p).group(1) for p in (page_one, page_two)]
    assert all(stamps)


def test_a_cached_page_gives_tokens_that_work(app, client):
    client.get(article_url("en"))  # fills the cache
    reader = app.test_client()
    response = post_comment(reader, "en", "Noor", "Posted from a cached page")
    assert response.status_code == 303
    assert [c.body for c in all_comments(app)] == ["Posted from a cached page"]


def test_what_is_one_readers_is_never_cached_or_shown_to_another(app):
    author, stranger = app.test_client(), app.test_client()
    author.get(article_url("en"))
    post_comment(author, "en", "Wei", "My own pending words")
    authors_page = author.get(article_url("en")).get_data(as_text=True)
    strangers_page = stranger.get(article_url("en")).get_data(as_text=True)
    assert "My own pending words" in authors_page and 'role="status"' in authors_page
    assert "My own pending words" not in strangers_page and 'role="status"' not in strangers_page
    assert all("My own pending words" not in page.html for page in _store(app).values())


def test_approval_changes_the_page_and_its_etag(app, client):
    post_comment(client, "en", "Ana", "Approved later")
    reader = app.test_client()
    before = reader.get(article_url("es"))
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)
    after = reader.get(article_url("es"), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "Approved later" in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_returning_reader_gets_304_without_a_render(app):
    reader = app.test_client()
    first = reader.get(article_url("fr"))
    again = reader.get(article_url("fr"), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    stranger = app.test_client()  # another session's tag never matches: its forms would not work
    assert stranger.get(article_url("fr"), headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_a_page_built_while_comments_were_unavailable_is_not_kept(app, client, monkeypatch):
    post_comment(client, "en", "Ola", "Visible once the database is back")
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)

    def outage(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database went away mid-render"))

    monkeypatch.setattr(section, "approved_comments_for", outage)
    during = app.test_client().get(article_url("en")).get_data(as_text=True)
    assert 'id="comments-unavailable"' in during
    monkeypatch.undo()
    after = app.test_client().get(article_url("en")).get_data(as_text=True)
    assert "Visible once the database is back" in after


def test_page_cache_can_be_switched_off(app):
    app.config["PAGE_CACHE"] = False
    app.test_client().get(article_url("en"))
    assert len(_store(app)) == 0
