"""The shared-page fast path (app/fast_path.py): the answers Flask would give, tokens that work,
and Flask for everything it is not sure about."""

from __future__ import annotations

import gzip
import re
import zlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.comments.models import Comment, CommentStatus
from app.reader_session import QuickDumps
from app.timeutil import utcnow
from tests.comments_support import COMMENT_CSRF, FORM_TIME, all_comments, article_url, post_comment, set_status
from tests.conftest import LOCALE_CODES, csrf_token_from

# Values that differ per reader (or per second): compared by shape, not by value.
READER_VALUES = re.compile(r'(name="(?:csrf_token|form_time)" type="hidden" value=")[^"]+(")')
PER_REQUEST_HEADERS = {"date", "etag", "content-length", "set-cookie"}


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"COMMENT_MIN_SECONDS": 0}


def served_fast(app: Flask) -> int:
    return app.extensions["fast_path"].served


def body_of(response) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)  # checks the CRC and length too
    return data.decode()


def session_cookie(response) -> str:
    """The `session=…` pair a response sets, as a browser would send it back."""
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    return cookie.split(";", 1)[0]


def cookie_shapes(response) -> list[str]:
    """Each Set-Cookie with its value and Expires taken out: name and attributes only."""
    shapes = []
    for cookie in response.headers.getlist("Set-Cookie"):
        name, rest = cookie.split("=", 1)
        attributes = [a for a in rest.split("; ")[1:] if not a.startswith("Expires=")]
        shapes.append("; ".join([name, *attributes]))
    return sorted(shapes)


def comparable(response) -> tuple:
    headers = sorted((k.lower(), v) for k, v in response.headers if k.lower() not in PER_REQUEST_HEADERS)
    etag = response.headers.get("ETag", "")
    return (
        response.status_code,
        headers,
        cookie_shapes(response),
        etag.count(":gzip"),
        READER_VALUES.sub(r"\1…\2", body_of(response)),
    )


def through_flask(app: Flask, client: FlaskClient, url: str, **kwargs):
    app.config["PAGE_CACHE_FAST_PATH"] = False
    try:
        return client.get(url, **kwargs)
    finally:
        app.config["PAGE_CACHE_FAST_PATH"] = True


@pytest.mark.parametrize("url", [article_url(code) for code in LOCALE_CODES] + [f"/{code}/" for code in LOCALE_CODES])
@pytest.mark.parametrize("encoding", ["", "gzip", "gzip;q=1, identity;q=0.5"])
@pytest.mark.parametrize("base_url", ["http://localhost", "https://localhost"])
def test_a_new_reader_gets_what_flask_would_give(app, url, encoding, base_url):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    flask_answer = through_flask(app, app.test_client(), url, headers=headers, base_url=base_url)  # also caches
    before = served_fast(app)
    fast_answer = app.test_client().get(url, headers=headers, base_url=base_url)
    assert served_fast(app) == before + 1
    assert comparable(fast_answer) == comparable(flask_answer)
    assert fast_answer.headers["Content-Length"] == str(len(fast_answer.get_data()))


def test_a_returning_reader_keeps_their_token_and_gets_what_flask_would_give(app):
    reader = app.test_client()
    first = reader.get(article_url("ar"), headers={"Accept-Encoding": "gzip"})
    token = csrf_token_from(body_of(first))
    before = served_fast(app)
    fast_again = reader.get(article_url("ar"), headers={"Accept-Encoding": "gzip"})
    flask_again = through_flask(app, reader, article_url("ar"), headers={"Accept-Encoding": "gzip"})
    assert served_fast(app) == before + 1
    assert "Set-Cookie" not in fast_again.headers and "Set-Cookie" not in flask_again.headers
    assert comparable(fast_again) == comparable(flask_again)
    assert fast_again.headers["ETag"] == flask_again.headers["ETag"]  # same session, same page
    again_token = csrf_token_from(body_of(fast_again))
    with app.test_request_context(headers={"Cookie": session_cookie(first)}):
        validate_csrf(token)
        validate_csrf(again_token)  # the same session token, signed again


def test_tokens_from_the_fast_path_work_for_both_forms(app):
    app.test_client().get(article_url("fr"))  # Flask renders and keeps the shared page
    reader = app.test_client()
    before = served_fast(app)
    html = body_of(reader.get(article_url("fr"), headers={"Accept-Encoding": "gzip, br"}))
    assert served_fast(app) == before + 1
    tokens = {"csrf_token": COMMENT_CSRF.search(html).group(1), "form_time": FORM_TIME.search(html).group(1)}
    assert post_comment(reader, "fr", "Louise", "Posté depuis la page partagée", tokens=tokens).status_code == 303
    assert [c.body for c in all_comments(app)] == ["Posté depuis la page partagée"]

    other = app.test_client()
    aside = body_of(other.get(article_url("fr")))
    aside = aside[aside.index("<aside") : aside.index("</aside>")]
    source = re.search(r'name="source"[^>]*value="([^"]+)"', aside).group(1)
    data = {"csrf_token": csrf_token_from(aside), "email": "parent@example.org", "website": "", "source": source}
    with other.post("/fr/subscribe", data=data) as response:
        assert response.status_code == 303


def test_a_token_is_bound_to_its_readers_session(app):
    app.test_client().get(article_url("en"))
    alice, mallory = app.test_client(), app.test_client()
    alice_html = body_of(alice.get(article_url("en")))
    mallory.get(article_url("en"))
    stolen = {
        "csrf_token": COMMENT_CSRF.search(alice_html).group(1),
        "form_time": FORM_TIME.search(alice_html).group(1),
    }
    response = post_comment(mallory, "en", "Mallory", "Posted with someone else's token", tokens=stolen)
    assert response.status_code in (400, 422)
    assert all_comments(app) == []


def test_each_new_reader_gets_a_fresh_session_and_token(app):
    app.test_client().get(article_url("es"))
    pages = [app.test_client().get(article_url("es")) for _ in range(3)]
    tokens = [csrf_token_from(body_of(page)) for page in pages]
    sessions = [session_cookie(page) for page in pages]
    assert len(set(tokens)) == 3 and len(set(sessions)) == 3
    for token, cookie in zip(tokens, sessions, strict=True):
        with app.test_request_context(headers={"Cookie": cookie}):
            validate_csrf(token)  # raises if Flask-WTF disagrees


def test_304_for_the_same_reader_and_page_only(app):
    reader = app.test_client()
    reader.get(article_url("zh-hans"))
    page = reader.get(article_url("zh-hans"), headers={"Accept-Encoding": "gzip"})
    before = served_fast(app)
    again = reader.get(article_url("zh-hans"), headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and served_fast(app) == before + 1
    assert (
        comparable(again)[:3]
        == comparable(
            through_flask(app, reader, article_url("zh-hans"), headers={"If-None-Match": page.headers["ETag"]})
        )[:3]
    )
    stranger = app.test_client()
    assert stranger.get(article_url("zh-hans"), headers={"If-None-Match": page.headers["ETag"]}).status_code == 200


def test_an_approval_shows_at_once_and_changes_the_etag(app, client):
    post_comment(client, "en", "Ana", "Approved a moment later")
    reader = app.test_client()
    reader.get(article_url("en"))
    before = reader.get(article_url("en"))
    assert "Approved a moment later" not in body_of(before)
    set_status(app, [all_comments(app)[0].id], CommentStatus.APPROVED)
    app.test_client().get(article_url("en"))  # the new revision is rendered once by Flask
    served = served_fast(app)
    after = reader.get(article_url("en"), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and served_fast(app) == served + 1
    assert "Approved a moment later" in body_of(after)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_commit_by_another_process_is_seen(app, database_url):
    freshness = app.extensions["freshness"]
    slug = "muscle-spasms-in-children"
    before = freshness.article_revision(slug)
    assert freshness.article_revision(slug) == before  # nothing committed: the same key
    other_worker = create_engine(database_url, poolclass=NullPool)  # its own connections, as another process
    with Session(other_worker) as session:
        session.add(
            Comment(
                article_slug=slug,
                page_locale="en",
                language="en",
                author_name="A",
                body="B",
                status=CommentStatus.APPROVED,
                body_digest="d",
                decided_at=utcnow(),
            )
        )
        session.commit()
    other_worker.dispose()
    assert freshness.article_revision(slug) != before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query_string": {"comments": "1"}},
        {"headers": {"Range": "bytes=0-10"}},
        {"headers": {"If-Modified-Since": "Wed, 25 Nov 2026 10:00:00 GMT"}},
        {"cookie": ("remember_token", "1|abc")},
        {"cookie": ("someone_elses", "1")},
    ],
    ids=["query", "range", "if-modified-since", "login-cookie", "unknown-cookie"],
)
def test_requests_it_is_unsure_about_go_to_flask(app, kwargs):
    app.test_client().get(article_url("en"))
    before = served_fast(app)
    reader = app.test_client()
    if cookie := kwargs.pop("cookie", None):
        reader.set_cookie(*cookie)
    response = reader.get(article_url("en"), **kwargs)
    assert response.status_code in (200, 206)
    assert served_fast(app) == before


def test_a_reader_with_a_status_message_or_pending_comment_goes_to_flask(app):
    author = app.test_client()
    author.get(article_url("en"))
    post_comment(author, "en", "Wei", "Waiting for a moderator")
    before = served_fast(app)
    page = author.get(article_url("en")).get_data(as_text=True)
    assert "Waiting for a moderator" in page and 'role="status"' in page
    assert served_fast(app) == before


def test_head_post_and_unknown_pages_go_to_flask(app, client):
    client.get(article_url("en"))
    before = served_fast(app)
    assert client.head(article_url("en")).status_code == 200
    assert client.post(article_url("en")).status_code in (400, 405)  # never the cached page
    assert client.get("/en/articles/no-such-article").status_code == 404
    assert client.get("/xx/").status_code == 404
    assert client.get("/EN/").status_code == 404
    assert served_fast(app) == before


def test_a_forged_session_cookie_gets_a_new_session(app):
    app.test_client().get(article_url("en"))
    reader = app.test_client()
    reader.set_cookie("session", "eyJjc3JmX3Rva2VuIjoiYSJ9.forged.signature")
    response = reader.get(article_url("en"))
    assert response.status_code == 200
    assert any(c.startswith("session=eyJ") for c in response.headers.getlist("Set-Cookie"))
    html = body_of(response)
    tokens = {"csrf_token": COMMENT_CSRF.search(html).group(1), "form_time": FORM_TIME.search(html).group(1)}
    assert post_comment(reader, "en", "Sam", "After a forged cookie", tokens=tokens).status_code == 303


def test_a_page_not_yet_rendered_goes_to_flask_then_is_served_fast(app):
    before = served_fast(app)
    app.test_client().get(article_url("ar"))
    assert served_fast(app) == before
    app.test_client().get(article_url("ar"))
    assert served_fast(app) == before + 1


def test_the_gzip_body_is_one_valid_member(app):
    app.test_client().get(article_url("en"))
    response = app.test_client().get(article_url("en"), headers={"Accept-Encoding": "gzip"})
    data = response.get_data()
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    text = decoder.decompress(data) + decoder.flush()
    assert decoder.eof and decoder.unused_data == b""
    assert text.decode() == body_of(response)
    assert len(data) < 14 * 1024


def test_switched_off_every_request_goes_to_flask(app):
    app.config["PAGE_CACHE_FAST_PATH"] = False
    app.test_client().get(article_url("en"))
    app.test_client().get(article_url("en"))
    assert served_fast(app) == 0


@pytest.mark.parametrize("payload", ["e00253c5864ac11f23a25dcf8b8d7db5ec3d89fd", {"csrf_token": "ab" * 20}, "a" * 500])
def test_quick_dumps_writes_what_itsdangerous_reads(payload):
    serializer = URLSafeTimedSerializer("a secret key", salt="wtf-csrf-token")
    token = QuickDumps(serializer)(payload)
    assert serializer.loads(token, max_age=60) == payload
    # Same layout as itsdangerous's own: payload.timestamp.signature, base64 without padding.
    plain = URLSafeTimedSerializer("a secret key", salt="wtf-csrf-token").dumps(payload)
    assert token.count(".") == 2 and re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", token)
    if not plain.startswith("."):  # itsdangerous compressed nothing: identical payload part
        assert token.split(".")[0] == plain.split(".")[0]
    with pytest.raises(BadSignature):
        URLSafeTimedSerializer("another key", salt="wtf-csrf-token").loads(token)
