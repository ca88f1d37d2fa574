"""Faults: the database goes away and comes back; a worker is killed mid-request; nothing is lost.

SMTP outages are covered by tests/test_newsletter_mail.py (TestSmtpDown): subscriptions survive
and are sent later.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from flask import Flask
from sqlalchemy import event, select

from app.comments.models import CommentStatus
from app.extensions import db
from app.newsletter.models import Subscriber
from tests.comments_support import (
    PAGE_LANG,
    all_comments,
    article_url,
    post_comment,
    set_status,
)
from tests.conftest import LOCALE_CODES, csrf_token_from, make_test_app
from tests.live_gunicorn import gunicorn_site, site_environment
from tests.live_gunicorn import post_comment as live_post


@contextmanager
def database_down(app: Flask) -> Iterator[None]:
    """Every new connection is refused by the driver, as when the server is stopped or the
    file cannot be opened; pooled connections are dropped, as after a server restart."""
    with app.app_context():
        engine = db.engine
    driver_error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(dialect, connection_record, cargs, cparams):
        raise driver_error("connection refused (database stopped by the test)")

    event.listen(engine, "do_connect", refuse)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def _approved_comment(app: Flask, client, text: str) -> None:
    post_comment(client, "en", "Amira", text)
    set_status(app, [all_comments(app)[-1].id], CommentStatus.APPROVED)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_article_serves_without_its_comments_while_the_database_is_down(app, client, locale):
    _approved_comment(app, client, "An approved comment that needs the database")
    with database_down(app):
        response = client.get(article_url(locale))
        html = response.get_data(as_text=True)
        health = client.get("/healthz")
    assert response.status_code == 200
    assert f'<html lang="{PAGE_LANG[locale]}"' in html
    assert '<h1 id="article-title"' in html  # the article itself
    assert 'id="comments-unavailable"' in html  # the short notice instead of the list
    assert "An approved comment that needs the database" not in html
    assert 'class="comment-list"' not in html
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"


def test_home_and_static_pages_need_no_database(app, client):
    with database_down(app):
        for url in ("/en/", "/sitemap.xml", "/robots.txt", "/en/subscribe"):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_comment_form_answers_503_with_the_text_kept_then_recovers(app, client, locale):
    with database_down(app):
        response = post_comment(client, locale, "Dana & Sam", "Kept & sent again later")
        html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert f'<html lang="{PAGE_LANG[locale]}"' in html
    assert 'id="comment-error-summary"' in html
    assert "Kept &amp; sent again later</textarea>" in html
    assert 'value="Dana &amp; Sam"' in html
    assert "Traceback" not in html
    assert all_comments(app) == []

    # The same page, sent again once the database is back, is stored (no restart).
    assert response.headers["Cache-Control"] == "private, no-store"
    again = post_comment(client, locale, "Dana", "Kept & sent again later")
    assert again.status_code == 303
    assert [c.body for c in all_comments(app)] == ["Kept & sent again later"]


def test_subscribe_answers_503_with_the_address_kept_then_recovers(app, client):
    data = {
        "email": "parent@example.org",
        "website": "",
        "source": "/fr/subscribe",
    }
    with database_down(app):
        response = client.post("/fr/subscribe", data=data)
        html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert '<html lang="fr"' in html
    assert 'id="subscribe-error-summary"' in html
    assert 'value="parent@example.org"' in html
    with app.app_context():
        assert db.session.execute(select(Subscriber)).scalars().all() == []

    recovered = client.post("/fr/subscribe", data=data)
    assert recovered.status_code == 303
    recovered.close()  # the subscription is recorded once the answer has gone
    with app.app_context():
        assert [s.email for s in db.session.execute(select(Subscriber)).scalars()] == ["parent@example.org"]


def test_everything_else_that_needs_the_database_is_a_translated_503(app, client):
    with database_down(app):
        login = client.get("/es/moderation/login")
        page = login.get_data(as_text=True)
        token = csrf_token_from(page)
        response = client.post("/es/moderation/login", data={"csrf_token": token, "email": "a@b.c", "password": "x"})
    assert login.status_code == 200  # the login form itself needs no database
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert '<html lang="es"' in body and "Traceback" not in body
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_recovery_without_restart_after_repeated_outages(app, client):
    _approved_comment(app, client, "Visible again after the outage")
    for _round in range(3):
        with database_down(app):
            assert client.get("/healthz").status_code == 503
            assert "Visible again after the outage" not in client.get(article_url("en")).get_data(as_text=True)
        assert client.get("/healthz").status_code == 200
        html = client.get(article_url("en")).get_data(as_text=True)
        assert "Visible again after the outage" in html
        assert 'id="comments-unavailable"' not in html


def test_sqlite_file_that_cannot_be_opened_then_comes_back(tmp_path):
    """A real outage, no monkeypatching: the database directory disappears, then returns."""
    home = tmp_path / "data"
    home.mkdir()
    app = make_test_app(f"sqlite:///{home / 'site.db'}", tmp_path)
    client = app.test_client()
    with app.app_context():
        db.engine.dispose()
    moved = tmp_path / "moved-away"
    home.rename(moved)
    try:
        assert client.get(article_url("en")).status_code == 200
        assert client.get("/healthz").status_code == 503
        assert post_comment(client, "en", "Noor", "Written during the outage").status_code == 503
    finally:
        moved.rename(home)
    assert client.get("/healthz").status_code == 200
    assert post_comment(client, "en", "Noor", "Written during the outage").status_code == 303
    assert [c.body for c in all_comments(app)] == ["Written during the outage"]
    with app.app_context():
        db.engine.dispose()


# --- a worker killed mid-request -------------------------------------------------------------------

KILL_POSTS = 60


@pytest.mark.slow
@pytest.mark.xdist_group("live")
def test_a_worker_killed_mid_request_loses_no_committed_comment(tmp_path):
    database = tmp_path / "killed.db"
    with gunicorn_site(site_environment(f"sqlite:///{database}")) as site:
        answered: dict[str, int | str] = {}
        halfway = threading.Event()
        lock = threading.Lock()

        def poster(thread: int) -> None:
            session = requests.Session()
            for number in range(thread, KILL_POSTS, 8):
                body = f"Comment {number} written before or after the crash"
                try:
                    status: int | str = live_post(session, site.url, f"Writer {number}", body).status_code
                except requests.RequestException as error:
                    status = type(error).__name__  # the killed worker's connection: no answer
                    session = requests.Session()
                with lock:
                    answered[body] = status
                    if sum(1 for s in answered.values() if s == 303) >= KILL_POSTS // 4:
                        halfway.set()

        threads = [threading.Thread(target=poster, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        assert halfway.wait(timeout=120)
        victim = site.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=180)
        # The master replaces the worker; the site goes on answering.
        assert requests.get(f"{site.url}/healthz", timeout=30).status_code == 200
        assert victim not in site.worker_pids()

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = [row[0] for row in connection.execute("SELECT body FROM comments")]
    acknowledged = {body for body, status in answered.items() if status == 303}
    print("answers:", sorted(Counter(map(str, answered.values())).items()), "stored:", len(stored))
    assert len(answered) == KILL_POSTS
    assert acknowledged <= set(stored), "a comment answered 303 was lost"
    assert len(stored) == len(set(stored)), "a comment was stored twice"
    assert set(stored) <= set(answered)
    assert len(acknowledged) >= KILL_POSTS // 2
    # Anything not acknowledged was cut off by the kill, never refused by a live worker.
    assert {status for status in answered.values() if status != 303} <= {"ConnectionError", "ChunkedEncodingError"}


# --- failures after the view are the view's answer (issue 24) --------------------------------------


@contextmanager
def connection_dies_at_rollback(app: Flask) -> Iterator[list[int]]:
    """The connection is found dead when the session is closed at the end of the request (as when
    PostgreSQL is restarted, or the connection killed, while the answer is being made)."""
    with app.app_context():
        engine = db.engine
    driver_error = engine.dialect.loaded_dbapi.OperationalError
    raised: list[int] = []

    def die(connection) -> None:
        raised.append(1)
        from sqlalchemy.exc import OperationalError

        raise OperationalError("ROLLBACK", {}, driver_error("server closed the connection unexpectedly"))

    event.listen(engine, "rollback", die)
    try:
        yield raised
    finally:
        event.remove(engine, "rollback", die)
        engine.dispose()


def test_a_connection_dying_at_the_end_of_a_request_leaves_the_views_answer(app, client):
    _approved_comment(app, client, "Read before the connection died")
    with connection_dies_at_rollback(app) as raised:
        page = client.get(article_url("en"))
        posted = post_comment(client, "en", "Rania", "Posted while the connection dies")
    assert raised, "the fault never happened"
    assert page.status_code == 200 and "Read before the connection died" in page.get_data(as_text=True)
    assert posted.status_code == 303
    assert "Posted while the connection dies" in [c.body for c in all_comments(app)]


@contextmanager
def commit_answer_lost(app: Flask) -> Iterator[list[int]]:
    """The next commit reaches the database, but its answer does not reach the app (the
    connection drops between the server's commit and its reply): the driver commits, then
    raises, as psycopg does when the connection is lost while reading the reply."""
    with app.app_context():
        dialect = db.engine.dialect
    driver_error = dialect.loaded_dbapi.OperationalError
    real_commit = dialect.do_commit
    lost: list[int] = []

    def commit_then_lose_the_reply(dbapi_connection) -> None:
        real_commit(dbapi_connection)
        if not lost:
            lost.append(1)
            raise driver_error("connection lost after commit")

    dialect.do_commit = commit_then_lose_the_reply
    try:
        yield lost
    finally:
        del dialect.do_commit


def test_a_comment_whose_commit_answer_was_lost_is_answered_as_stored(app, client):
    with commit_answer_lost(app) as lost:
        response = post_comment(client, "en", "Hana", "Stored although the reply was lost")
    assert lost
    assert response.status_code == 303, "a stored comment was answered 'send it again'"
    assert [c.body for c in all_comments(app)] == ["Stored although the reply was lost"]
    # It is on the poster's private page, as any stored comment is.
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stored although the reply was lost" in sent


def test_a_subscription_whose_commit_answer_was_lost_is_answered_as_stored(app, client):
    from app.newsletter.models import SubscribeRequest

    with commit_answer_lost(app) as lost:
        response = client.post("/en/subscribe", data={"email": "lost.reply@example.org", "website": ""})
        with app.app_context():
            stored = [r.email for r in db.session.execute(select(SubscribeRequest)).scalars()]
    assert lost and response.status_code == 303 and stored == ["lost.reply@example.org"]
    response.close()
    with app.app_context():
        assert [s.email for s in db.session.execute(select(Subscriber)).scalars()] == ["lost.reply@example.org"]


class TestRateLimitStorageDown:
    """RATELIMIT_STORAGE_URI names a Redis nobody answers at: posts are still answered as the
    views document (stored: 303), and limits are still counted, in each process."""

    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        from tests.live_gunicorn import free_port

        return {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
            "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
            "COMMENT_RATE_LIMIT": "3/minute",
        }

    def test_posts_are_stored_and_still_limited(self, app, client):
        answers = [
            post_comment(client, "en", "Yusuf", f"Comment {n} while Redis is down").status_code for n in range(4)
        ]
        assert answers == [303, 303, 303, 429]
        assert len(all_comments(app)) == 3
        response = client.post("/fr/subscribe", data={"email": "redis.down@example.org", "website": ""})
        assert response.status_code == 303
        response.close()
        with app.app_context():
            assert [s.email for s in db.session.execute(select(Subscriber)).scalars()] == ["redis.down@example.org"]
        login = client.get("/en/moderation/login")
        token = csrf_token_from(login.get_data(as_text=True))
        refused = client.post("/en/moderation/login", data={"csrf_token": token, "email": "a@b.cd", "password": "x"})
        assert refused.status_code in (200, 401, 422) and "Traceback" not in refused.get_data(as_text=True)
