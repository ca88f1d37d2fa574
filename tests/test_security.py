"""Security: headers on every route and error page, cookies, CSRF on every state-changing route,
no open redirect, moderation closed to strangers and after logout, throttled logins, hashed
passwords, no secrets in logs."""

from __future__ import annotations

import io
import logging
import socket
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from flask import Flask
from sqlalchemy import select, text

from app import create_app
from app.comments.models import CommentStatus
from app.extensions import db, limiter
from app.moderation.models import Moderator, password_hash_method
from app.newsletter.models import Subscriber, SubscriberStatus
from app.newsletter.tokens import confirm_token, unsubscribe_token
from tests.comments_support import SAME_ORIGIN, all_comments, article_url, comments_url, post_comment
from tests.conftest import ARTICLE_SLUG, csrf_token_from
from tests.live_gunicorn import article_path, flask_cli, gunicorn_site, site_environment
from tests.test_faults import database_down

EMAIL, PASSWORD = "guardian@example.org", "moderator password that is long enough"
SECRET_KEY = "secret-key-that-must-never-be-logged-7f3a"
MAIL_PASSWORD = "mail-password-that-must-never-be-logged-91c2"
SUBSCRIBER = "parent.private@example.net"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"SECRET_KEY": SECRET_KEY, "MAIL_PASSWORD": MAIL_PASSWORD}


@pytest.fixture
def moderator(app, runner) -> str:
    result = runner.invoke(args=["moderators", "add", EMAIL, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return EMAIL


@pytest.fixture
def subscriber_tokens(app) -> dict[str, str]:
    with app.app_context():
        person = Subscriber(email=SUBSCRIBER, status=SubscriberStatus.PENDING, locale="en", consent_text="ok",
                            source_page="/en/subscribe")  # fmt: skip
        db.session.add(person)
        db.session.commit()
        return {"confirm": confirm_token(person), "unsubscribe": unsubscribe_token(person)}


def login(client, locale: str = "en", password: str = PASSWORD):
    page = client.get(f"/{locale}/moderation/login").get_data(as_text=True)
    return client.post(
        f"/{locale}/moderation/login", data={"csrf_token": csrf_token_from(page), "email": EMAIL, "password": password}
    )


def rule_urls(app: Flask, tokens: dict[str, str], method: str) -> list[str]:
    """One concrete URL for every rule of the app that answers `method`."""
    values = {"locale": "en", "slug": ARTICLE_SLUG}
    urls = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint == "static":
            continue
        args = dict(values)
        if "token" in rule.arguments and tokens:
            args["token"] = tokens["confirm" if "confirm" in rule.endpoint else "unsubscribe"]
        if not rule.arguments <= set(args):
            continue  # static files: checked on their own
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **{k: v for k, v in args.items() if k in rule.arguments}))
    return sorted(set(urls))


# --- headers ----------------------------------------------------------------------------------


def assert_security_headers(response, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, what
    assert "script-src" not in csp and "unsafe-inline" not in csp, what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what
    permissions = headers.get("Permissions-Policy", "")
    assert "camera=()" in permissions and "interest-cohort" not in permissions, what  # FLoC is gone


def test_headers_on_every_route(app, client, subscriber_tokens, moderator):
    for url in rule_urls(app, subscriber_tokens, "GET"):
        assert_security_headers(client.get(url), f"GET {url}")
    with app.test_request_context():
        from app.assets import static_url

        stylesheet = static_url("css/site.css")
    assert_security_headers(client.get(stylesheet), "static file")
    assert login(client).status_code == 303
    for url in rule_urls(app, subscriber_tokens, "GET"):
        assert_security_headers(client.get(url), f"GET {url} (moderator)")


def test_headers_on_every_error_page_and_redirect(app, client):
    answers = {
        302: client.get("/"),
        303: post_comment(client, "en", "Ana", "A fine comment"),
        308: client.get("/en"),
        400: client.post("/en/moderation/login", data={"email": "x"}),  # no CSRF token
        403: client.post(comments_url("en"), data={"name": "x"}, headers={"Sec-Fetch-Site": "cross-site"}),
        422: client.post(comments_url("en"), data={"name": "x"}),
        404: client.get("/en/nothing-here"),
        405: client.get("/en/moderation/logout"),
        413: client.post("/en/subscribe", data={"email": "a" * 70_000}),
    }
    with database_down(app):
        answers[503] = post_comment(client, "en", "Ana", "Kept while the database is down")
    for status, response in answers.items():
        assert response.status_code == status
        assert_security_headers(response, str(status))


# --- request bodies ---------------------------------------------------------------------------

LIMIT = 64 * 1024


def comment_body(comment: str) -> bytes:
    return urlencode({"name": "Chunky", "comment": comment, "website": ""}).encode()


def post_chunked(client, body: bytes):
    """POST as gunicorn hands a chunked request to the app: no Content-Length, input terminated
    (the test client always declares a length, so the override takes it away)."""
    return client.post(
        comments_url("en"),
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded"},
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )


@pytest.mark.parametrize("size", [LIMIT + 1, 1024 * 1024])
def test_chunked_bodies_over_the_limit_are_413_not_cut_short(app, client, size):
    body = comment_body("x" * size)
    response = post_chunked(client, body)
    assert response.status_code == 413
    assert_security_headers(response, "413 chunked")
    assert all_comments(app) == []


def test_chunked_bodies_within_the_limit_are_handled_whole(app, client):
    body = comment_body("A comment sent in chunks, " + "y" * 4000)
    response = post_chunked(client, body)
    assert response.status_code == 303
    [stored] = all_comments(app)
    assert stored.body.endswith("y" * 4000)


@pytest.mark.slow
def test_a_chunked_megabyte_is_refused_by_gunicorn_and_nothing_is_stored(tmp_path):
    env = site_environment(f"sqlite:///{tmp_path / 'site.db'}")
    with gunicorn_site(env, workers=1) as site, requests.Session() as browser:
        assert browser.get(site.url + article_path(), timeout=30).status_code == 200
        cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        assert raw_chunked_post(site.url, cookies, comment_body("z" * (1024 * 1024))) == 413
        assert raw_chunked_post(site.url, cookies, comment_body("Sent in chunks")) == 303
    pending = flask_cli(env, "comments", "pending").stdout
    assert "Sent in chunks" in pending and "zzzz" not in pending


def raw_chunked_post(base_url: str, cookies: str, body: bytes) -> int:
    """The status of a comment POST sent with Transfer-Encoding: chunked over a plain socket."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    head = (
        f"POST {article_path()}/comments HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookies}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 8192]), body[i : i + 8192]) for i in range(0, len(body), 8192)
    )
    with socket.create_connection((host, port), timeout=30) as connection:
        connection.sendall(head.encode() + chunks + b"0\r\n\r\n")
        status_line = connection.makefile("rb").readline()
    return int(status_line.split()[1])


# --- cookies ----------------------------------------------------------------------------------


def set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_and_lax_and_not_secure_over_plain_http(client):
    assert set_cookies(client.get(article_url("fr"))) == {}  # reading leaves no trace
    cookies = set_cookies(post_comment(client, "fr", "Ana", "A comment"))
    assert set(cookies) == {"session"}  # the one place a reader gets a cookie: their own confirmation
    for name, header in cookies.items():
        assert "HttpOnly" in header and "SameSite=Lax" in header, name
        assert "Secure" not in header, name  # would break a laptop's http://127.0.0.1


@pytest.mark.parametrize(
    ("config", "headers"),
    [
        ({"SESSION_COOKIE_SECURE": True}, {}),
        ({"PROXY_FIX_HOPS": 1}, {"X-Forwarded-Proto": "https"}),
    ],
    ids=["SESSION_COOKIE_SECURE", "behind-https-proxy"],
)
def test_cookies_are_secure_when_served_over_https(database_url, tmp_path, config, headers):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, tmp_path, **config)
    client = app.test_client()
    page = client.get(article_url("es"), headers=headers)
    assert set_cookies(page) == {}
    cookies = set_cookies(post_comment(client, "es", "Ana", "Un comentario", headers={**headers, **SAME_ORIGIN}))
    assert set(cookies) == {"session"}
    for name, header in cookies.items():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, name
    if headers:
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        db.engine.dispose()


def test_a_forwarded_proto_is_ignored_without_a_trusted_proxy(client):
    response = post_comment(client, "es", "Ana", "Un comentario", headers={"X-Forwarded-Proto": "https"})
    assert all("Secure" not in header for header in set_cookies(response).values())
    assert (
        "Strict-Transport-Security" not in client.get(article_url("es"), headers={"X-Forwarded-Proto": "https"}).headers
    )


# --- CSRF -------------------------------------------------------------------------------------


def state(app: Flask) -> tuple:
    with app.app_context():
        comments = db.session.execute(text("SELECT id, status FROM comments ORDER BY id")).all()
        people = db.session.execute(text("SELECT email, status FROM subscribers ORDER BY id")).all()
        moderators = db.session.execute(text("SELECT id, session_version FROM moderators")).all()
        return comments, people, moderators


def test_every_state_changing_route_refuses_a_post_from_another_website(app, client, subscriber_tokens, moderator):
    post_comment(app.test_client(), "en", "Reader", "Waiting for a moderator")
    assert login(client).status_code == 303  # logged in, so only the origin check can refuse the posts
    pending = all_comments(app)[0].id
    data = {"name": "N", "comment": "C", "email": "x@example.org", "password": PASSWORD, "one": f"approve:{pending}"}
    data["ids"], data["action"] = str(pending), "approve"
    data["csrf_token"] = csrf_token_from(client.get("/en/moderation/").get_data(as_text=True))
    post_urls = rule_urls(app, subscriber_tokens, "POST")
    assert len(post_urls) >= 7  # comments, subscribe, confirm, unsubscribe, login, logout, decide
    before = state(app)
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
    ):
        for url in post_urls:
            response = client.post(url, data=data, headers=headers)
            assert response.status_code == 403, (url, headers)
            assert "Set-Cookie" not in response.headers or url.startswith("/en/moderation/"), url
            assert state(app) == before, url


def test_moderation_posts_still_need_the_session_csrf_token(app, client, moderator):
    post_comment(app.test_client(), "en", "Reader", "Waiting for a moderator")
    assert login(client).status_code == 303
    pending = all_comments(app)[0].id
    data = {"one": f"approve:{pending}", "ids": str(pending), "action": "approve"}
    urls = [url for url in rule_urls(app, {}, "POST") if url.startswith("/en/moderation/")]
    assert len(urls) >= 3  # login, logout, decide
    before = state(app)
    for url in urls:
        assert client.post(url, data=data, headers=SAME_ORIGIN).status_code == 400, url
    # A token from another session does not count either.
    foreign_client = app.test_client()
    foreign = csrf_token_from(foreign_client.get("/en/moderation/login").get_data(as_text=True))
    for url in urls:
        assert client.post(url, data={**data, "csrf_token": foreign}, headers=SAME_ORIGIN).status_code == 400, url
    assert state(app) == before


def test_only_the_rfc_8058_one_click_unsubscribe_needs_no_token(app, subscriber_tokens):
    stranger = app.test_client()  # a mail provider: no cookie, no token
    url = f"/en/unsubscribe/{subscriber_tokens['unsubscribe']}"
    assert stranger.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert db.session.execute(select(Subscriber.status)).scalar_one() == SubscriberStatus.UNSUBSCRIBED


# --- redirects --------------------------------------------------------------------------------

EVIL = ["//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example", "http:evil.example",
        "//evil.example/%2e%2e", "/%2F%2Fevil.example", "https:/\\evil.example"]  # fmt: skip
REDIRECT_PARAMS = ["next", "return_to", "redirect", "url", "continue", "came_from"]


def assert_same_site(response, what: str) -> None:
    location = response.headers.get("Location")
    if location is None:
        return
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), (what, location)
    assert parts.path.startswith("/") and not parts.path.startswith(("//", "/\\")), (what, location)


def test_no_open_redirect_through_any_parameter(app, client, subscriber_tokens, moderator):
    query = {name: value for name, value in zip(REDIRECT_PARAMS * 2, EVIL, strict=False)}
    redirecting = 0
    for evil in EVIL:
        params = {name: evil for name in REDIRECT_PARAMS}
        for url in rule_urls(app, subscriber_tokens, "GET"):
            response = client.get(url, query_string=params, headers={"Referer": evil})
            redirecting += response.status_code in (301, 302, 303, 307, 308)
            assert_same_site(response, f"GET {url}")
        # Every form that redirects after a POST, with the evil target in the body too.
        data = {**params, "name": "Ana", "comment": f"Hello {evil}", "website": ""}
        response = client.post(comments_url("en"), query_string=params, data=data)
        assert response.status_code == 303
        assert_same_site(response, "comment")
        data = {**params, "email": "p@example.org", "source": evil}
        response = client.post("/en/subscribe", query_string=params, data=data)
        assert response.status_code == 303
        assert_same_site(response, "subscribe")
        response = login(app.test_client())
        assert_same_site(response, "login")
        # Paths that only look like another site (the slash and locale redirects).
        for path in (f"/{evil.lstrip('/')}", f"/en/{evil}", "//evil.example/en", "/en//evil.example/"):
            raw = client.get("/", environ_overrides={"PATH_INFO": path, "REQUEST_URI": path})
            assert_same_site(raw, path)
    assert redirecting > 0 and query
    with app.app_context():
        sources = db.session.execute(select(Subscriber.source_page)).scalars().all()
    assert all(source.startswith("/") and "evil" not in source for source in sources)


# --- moderation -------------------------------------------------------------------------------


def moderation_urls(app: Flask, method: str) -> list[str]:
    urls = rule_urls(app, {}, method)
    return [url for url in urls if url.startswith("/en/moderation/") and not url.endswith("/login")]


def assert_closed(app: Flask, client, what: str) -> None:
    before = state(app)
    get_urls, post_urls = moderation_urls(app, "GET"), moderation_urls(app, "POST")
    assert get_urls and post_urls
    token = csrf_token_from(client.get("/en/moderation/login").get_data(as_text=True))
    pending = all_comments(app)[0].id
    for url in get_urls:
        response = client.get(url)
        assert response.status_code in (302, 303), (what, url)
        assert urlsplit(response.headers["Location"]).path == "/en/moderation/login", (what, url)
    for url in post_urls:
        response = client.post(url, data={"csrf_token": token, "one": f"spam:{pending}"})
        assert response.status_code in (302, 303), (what, url)
        assert urlsplit(response.headers["Location"]).path == "/en/moderation/login", (what, url)
        assert "Waiting" not in client.get(url).get_data(as_text=True)
    assert state(app) == before, what


def test_moderation_is_closed_to_strangers_and_after_logout(app, client, moderator):
    post_comment(app.test_client(), "en", "Reader", "Waiting for a moderator")
    assert_closed(app, app.test_client(), "anonymous")
    assert login(client).status_code == 303
    assert "Waiting for a moderator" in client.get("/en/moderation/").get_data(as_text=True)
    copy = client.get_cookie("session").value
    token = csrf_token_from(client.get("/en/moderation/").get_data(as_text=True))
    assert client.post("/en/moderation/logout", data={"csrf_token": token}).status_code == 303
    assert_closed(app, client, "after logout")
    replay = app.test_client()
    replay.set_cookie("session", copy)  # a copy of the cookie taken before logout
    assert_closed(app, replay, "replayed cookie")
    assert [c.status for c in all_comments(app)] == [CommentStatus.PENDING]


class TestThrottledLogin:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"RATELIMIT_ENABLED": True, "MODERATION_LOGIN_LIMIT": "3/minute"}

    def test_login_is_throttled_with_a_translated_429(self, app, moderator):
        limiter.reset()
        guesser = app.test_client()
        statuses = [login(guesser, "ar", password=f"guess {n}").status_code for n in range(5)]
        assert statuses == [422, 422, 422, 429, 429]
        # Even the right password is refused while throttled: a guess cannot be confirmed.
        refused = login(guesser, "ar")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert '<html lang="ar"' in refused.get_data(as_text=True)
        assert_security_headers(refused, "429")


def test_passwords_are_stored_as_scrypt_hashes(app, moderator):
    with app.app_context():
        stored = db.session.execute(select(Moderator.password_hash)).scalar_one()
    assert stored.startswith("scrypt:")
    assert PASSWORD not in stored


def test_production_hashes_passwords_with_full_cost_scrypt(tmp_path):
    """Tests hash at a lower cost (tests/conftest.py); the shipped setting is Werkzeug's full
    scrypt cost, for new passwords and for the unknown-address check alike."""
    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    with production.app_context():
        moderator = Moderator(email="mod@example.org")
        moderator.set_password(PASSWORD)
        unknown_address_method = password_hash_method()
    assert moderator.password_hash.startswith("scrypt:32768:8:1$")
    assert unknown_address_method == "scrypt"


# --- logs -------------------------------------------------------------------------------------


def test_secrets_never_reach_the_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # even SQL echo shows no values
    runner = app.test_cli_runner()
    assert runner.invoke(args=["moderators", "add", EMAIL, "--password-stdin"], input=PASSWORD + "\n").exit_code == 0
    subscribed = client.post("/en/subscribe", data={"email": SUBSCRIBER})
    assert subscribed.status_code == 303
    subscribed.close()  # the confirmation mail goes out once the answer is closed
    with app.app_context():
        person = db.session.execute(select(Subscriber)).scalar_one()
        confirm = confirm_token(person)
    assert client.get(f"/en/subscribe/confirm/{confirm}").status_code == 200
    assert client.post(f"/en/subscribe/confirm/{confirm}", data={}).status_code == 303
    assert post_comment(client, "en", "Ana", f"Write to me at {SUBSCRIBER}").status_code == 303
    assert login(client, password="a wrong password").status_code == 422
    assert login(client).status_code == 303
    with database_down(app):
        client.get(article_url("en"))
        post_comment(client, "en", "Ana", f"Again {SUBSCRIBER}")
    logged = caplog.text + "\n".join(str(record.args) for record in caplog.records)
    # The flow was logged (SQL included, values hidden; the offline mail with a masked address).
    assert "INSERT INTO subscribers" in logged and "not sent, logged instead" in logged
    for secret in (SECRET_KEY, MAIL_PASSWORD, SUBSCRIBER, PASSWORD, "a wrong password"):
        assert secret not in logged, secret
