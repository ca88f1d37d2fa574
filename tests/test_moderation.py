"""Moderation: login (throttled, fixation-safe), the queue's decisions with CSRF, and the CLI verbs."""

from __future__ import annotations

import re
import time

import pytest
from flask_babel import gettext, ngettext
from sqlalchemy import select

from app.comments.models import CommentStatus
from app.extensions import db
from app.moderation.models import Moderator
from tests.comments_support import all_comments, article_url, post_comment
from tests.conftest import LOCALE_CODES, csrf_token_from

EMAIL, PASSWORD = "mod@example.org", "correct horse battery staple"


@pytest.fixture
def moderator(app, runner):
    result = runner.invoke(args=["moderators", "add", EMAIL, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return EMAIL


@pytest.fixture
def three_pending(app):
    reader = app.test_client()
    for text in ("First pending", "Second pending", "Third pending call 0123 456 789"):
        assert post_comment(reader, "fr", "Reader", text, language="fr").status_code == 303
    return [c.id for c in all_comments(app)]


def login(client, locale="en", email=EMAIL, password=PASSWORD):
    page = client.get(f"/{locale}/moderation/login").get_data(as_text=True)
    return client.post(
        f"/{locale}/moderation/login",
        data={"csrf_token": csrf_token_from(page), "email": email, "password": password},
    )


def queue_token(client, locale="en") -> str:
    return csrf_token_from(client.get(f"/{locale}/moderation/").get_data(as_text=True))


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_moderation_route_requires_login(app, client, locale, three_pending):
    response = client.get(f"/{locale}/moderation/")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(f"/{locale}/moderation/login")
    for path, data in (("decide", {"one": f"approve:{three_pending[0]}"}), ("logout", {})):
        # Even with a valid CSRF token, nothing happens without a login.
        token = csrf_token_from(client.get(f"/{locale}/moderation/login").get_data(as_text=True))
        response = client.post(f"/{locale}/moderation/{path}", data={**data, "csrf_token": token})
        assert response.status_code in (302, 303), path
    assert {c.status for c in all_comments(app)} == {CommentStatus.PENDING}


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_login_page_and_failed_login(client, moderator, locale):
    page = client.get(f"/{locale}/moderation/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'autocomplete="email"' in html and 'autocomplete="current-password"' in html
    assert '<meta name="robots" content="noindex">' in html
    response = login(client, locale, password="wrong password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="login-error-summary"' in html and 'href="#login-email"' in html
    assert 'value="wrong password"' not in html
    assert client.get(f"/{locale}/moderation/").status_code in (302, 303)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_queue_lists_pending_and_decides_one_by_one_and_in_bulk(app, client, moderator, three_pending, locale):
    first, second, third = three_pending
    assert login(client, locale).status_code == 303
    html = client.get(f"/{locale}/moderation/").get_data(as_text=True)
    for text in ("First pending", "Second pending", "Third pending"):
        assert text in html
    assert 'href="/fr/articles/muscle-spasms-in-children"' in html
    assert '<span lang="fr">Français</span>' in html
    assert 'class="queue__flags"' in html  # the phone number is flagged with its reason
    assert f'name="one" value="approve:{first}"' in html and f'name="ids" value="{second}"' in html

    token = queue_token(client, locale)
    response = client.post(f"/{locale}/moderation/decide", data={"csrf_token": token, "one": f"approve:{first}"})
    assert response.status_code == 303
    followed = client.get(f"/{locale}/moderation/").get_data(as_text=True)
    assert 'role="status"' in followed and "First pending" not in followed

    response = client.post(
        f"/{locale}/moderation/decide",
        data={"csrf_token": token, "action": "spam", "ids": [str(second), str(third)]},
    )
    assert response.status_code == 303
    statuses = {c.id: c for c in all_comments(app)}
    assert statuses[first].status is CommentStatus.APPROVED
    assert statuses[second].status is statuses[third].status is CommentStatus.SPAM
    with app.app_context():
        moderator_id = db.session.execute(select(Moderator.id)).scalar_one()
    assert all(c.decided_by_id == moderator_id and c.decided_at is not None for c in statuses.values())
    # Approval shows at once on the public page, in every language.
    for code in LOCALE_CODES:
        public = app.test_client().get(article_url(code)).get_data(as_text=True)
        assert "First pending" in public and "Second pending" not in public


def test_nothing_selected_is_a_422_with_an_error_summary(client, moderator, three_pending):
    login(client)
    token = queue_token(client)
    response = client.post("/en/moderation/decide", data={"csrf_token": token, "action": "approve"})
    assert response.status_code == 422
    assert 'id="queue-error-summary"' in response.get_data(as_text=True)
    response = client.post("/en/moderation/decide", data={"csrf_token": token, "one": "delete:1"})
    assert response.status_code == 422


def test_every_moderation_action_needs_csrf(app, client, moderator, three_pending):
    response = client.post("/en/moderation/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    login(client)
    for path, data in (("decide", {"one": f"approve:{three_pending[0]}"}), ("logout", {})):
        assert client.post(f"/en/moderation/{path}", data=data).status_code == 400
        assert client.post(f"/en/moderation/{path}", data={**data, "csrf_token": "forged"}).status_code == 400
    assert {c.status for c in all_comments(app)} == {CommentStatus.PENDING}
    assert client.get("/en/moderation/").status_code == 200  # still signed in: logout needed CSRF too
    assert client.get("/en/moderation/decide").status_code == 405  # nothing changes state on GET


def test_login_gives_a_fresh_session_and_logout_ends_every_copy(app, client, moderator):
    before = csrf_token_from(client.get("/en/moderation/login").get_data(as_text=True))
    assert login(client).status_code == 303
    assert queue_token(client) != before  # the pre-login session was not carried over
    stolen_cookie = client.get_cookie("session").value
    response = client.post("/en/moderation/logout", data={"csrf_token": queue_token(client)})
    assert response.status_code == 303
    assert client.get("/en/moderation/").status_code in (302, 303)
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    assert replay.get("/en/moderation/").status_code in (302, 303)


class TestLoginThrottling:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "MODERATION_LOGIN_LIMIT": "3/minute",
            "MODERATION_LOGIN_ACCOUNT_LIMIT": "3/minute",
        }

    @pytest.fixture(autouse=True)
    def fresh_counters(self, app):
        from app.extensions import limiter

        limiter.reset()

    def test_repeated_failures_from_one_address_are_answered_429(self, app, client, moderator):
        client.environ_base["REMOTE_ADDR"] = "198.51.100.1"
        for _ in range(3):
            assert login(client, password="guess").status_code == 422
        response = login(client, password="guess")
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
        # The per-address limit covers every account tried from that address.
        assert login(client, email="other@example.org", password="guess").status_code == 429

    @pytest.mark.parametrize(
        ("stranger_addresses", "moderator_address"),
        [
            ([f"10.0.0.{n}" for n in range(1, 7)], "192.0.2.10"),
            ([f"2001:db8:1:{n:x}::1" for n in range(1, 7)], "2001:db8:2::10"),  # one /48, then another
        ],
    )
    def test_a_stranger_cannot_lock_out_the_moderator_signing_in_elsewhere(
        self, app, moderator, stranger_addresses, moderator_address
    ):
        def from_address(address):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = address
            return client

        # Each guess from a new address in one network: the per-address limit never applies...
        statuses = [login(from_address(address), password="guess").status_code for address in stranger_addresses]
        assert statuses == [422, 422, 422, 429, 429, 429]  # ...but the account's limit for that network does.
        # That network may still try other accounts.
        assert login(from_address(stranger_addresses[0]), email="b@example.org", password="x").status_code == 422
        # The moderator, signing in from another network, is not locked out.
        assert login(from_address(moderator_address)).status_code == 303

    def test_guessing_on_backs_off_to_longer_waits(self, app, moderator):
        app.config["MODERATION_LOGIN_ACCOUNT_LIMIT"] = "2/second;3/hour"
        app.config["MODERATION_LOGIN_LIMIT"] = "100/minute"
        stranger = app.test_client()
        stranger.environ_base["REMOTE_ADDR"] = "10.0.0.1"
        assert [login(stranger, password="guess").status_code for _ in range(3)] == [422, 422, 429]
        assert int(login(stranger, password="guess").headers["Retry-After"]) <= 1
        time.sleep(1.1)
        assert login(stranger, password="guess").status_code == 422
        longer = login(stranger, password="guess")
        assert longer.status_code == 429
        assert int(longer.headers["Retry-After"]) > 60

    def test_successful_logins_are_not_counted(self, app, client, moderator):
        for _ in range(5):
            fresh = app.test_client()
            assert login(fresh).status_code == 303


def test_cli_adds_moderators_and_refuses_duplicates_and_short_passwords(app, runner, moderator):
    with app.app_context():
        stored = db.session.execute(select(Moderator)).scalar_one()
        assert stored.password_hash.startswith("scrypt:") and stored.check_password(PASSWORD)
    again = runner.invoke(args=["moderators", "add", EMAIL.upper(), "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code != 0
    short = runner.invoke(args=["moderators", "add", "b@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code != 0
    prompted = runner.invoke(args=["moderators", "add", "c@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output


def test_cli_pending_approve_reject_spam(app, runner, moderator, three_pending):
    first, second, third = three_pending
    result = runner.invoke(args=["comments", "pending"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [int(line.split("\t", 1)[0]) for line in lines] == [first, second, third]
    assert "Third pending call 0123 456 789" in lines[2] and "phone" in lines[2]

    assert runner.invoke(args=["comments", "approve", str(first), "--moderator", EMAIL]).exit_code == 0
    assert runner.invoke(args=["comments", "reject", str(second)]).exit_code == 0
    assert runner.invoke(args=["comments", "spam", str(third)]).exit_code == 0
    assert runner.invoke(args=["comments", "approve", "99999"]).exit_code != 0
    statuses = {c.id: c for c in all_comments(app)}
    assert [statuses[i].status for i in (first, second, third)] == [
        CommentStatus.APPROVED,
        CommentStatus.REJECTED,
        CommentStatus.SPAM,
    ]
    assert statuses[first].decided_by_id is not None and statuses[first].decided_at is not None
    assert runner.invoke(args=["comments", "pending"]).output.strip() == ""
    assert "First pending" in app.test_client().get(article_url("es")).get_data(as_text=True)


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_each_outcome_starts_the_next_pages_title_and_takes_focus(app, client, moderator, three_pending, locale):
    """After a full page load a status region alone is not heard: the outcome starts the title
    and its message takes focus (autofocus, no script)."""
    login(client, locale)
    client.post(
        f"/{locale}/moderation/decide",
        data={"csrf_token": queue_token(client, locale), "one": f"reject:{three_pending[0]}"},
    )
    queue = client.get(f"/{locale}/moderation/").get_data(as_text=True)
    with app.test_request_context(f"/{locale}/"):
        rejected = ngettext("%(num)d comment rejected.", "%(num)d comments rejected.", 1)
        signed_out = gettext("You have signed out.")
    assert _title(queue).startswith(f"{rejected} – ")
    assert re.search(r'role="status" id="status-message" tabindex="-1" autofocus><p>' + re.escape(rejected), queue)
    # A page without news has no outcome in its title, and nothing takes focus.
    again = client.get(f"/{locale}/moderation/").get_data(as_text=True)
    assert rejected not in _title(again) and "autofocus" not in again
    client.post(f"/{locale}/moderation/logout", data={"csrf_token": queue_token(client, locale)})
    signed_out_page = client.get(f"/{locale}/moderation/login").get_data(as_text=True)
    assert _title(signed_out_page).startswith(f"{signed_out} – ")
    assert re.search(r'id="status-message" tabindex="-1" autofocus><p>' + re.escape(signed_out), signed_out_page)


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_queue_summary_lines_use_the_languages_own_punctuation(app, client, moderator, three_pending, locale):
    """The lines are translated patterns and the reasons a CLDR list: no Latin ", " between an
    Arabic comment's parts."""
    login(client, locale)
    html = client.get(f"/{locale}/moderation/").get_data(as_text=True)
    flagged = re.search(
        r'<section class="queue-summary" aria-labelledby="queue-flagged-heading">.*?<li>(.*?)</li>', html, re.S
    )
    with app.test_request_context(f"/{locale}/"):
        pattern = gettext("%(comment)s (%(article)s, %(language)s): %(reasons)s")
    # The pattern's own punctuation, with each placeholder's text left out, is what the line shows.
    between = [part for part in re.split(r"%\(\w+\)s", pattern) if part]
    line = flagged.group(1)
    assert all(part in line for part in between), (between, line)
    if locale == "ar":
        assert "، " in line and ", " not in re.sub(r"<[^>]+>", "", line)


@pytest.mark.parametrize(
    "email", ["mod\x00@example.org", "mod@exa\x00mple.org", "mod\x1b[2J@example.org", "mod\x7f@example.org"]
)
def test_control_characters_in_the_login_email_are_a_clear_form_error(app, client, email):
    """PostgreSQL refuses a NUL in text outright: without this check the query was a 500."""
    page = client.get("/en/moderation/login").get_data(as_text=True)
    response = client.post(
        "/en/moderation/login", data={"csrf_token": csrf_token_from(page), "email": email, "password": "x" * 12}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in html and 'id="login-email"' in html
