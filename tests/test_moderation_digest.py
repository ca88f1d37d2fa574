"""The moderators' digest mail: one per interval per moderator, through the outbox and a real
SMTP server, in the moderator's language, never twice, never a commenter's text unescaped."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import threading
from email.message import EmailMessage

import pytest
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select, update

from app.comments.service import Submission, post_comment
from app.extensions import db
from app.i18n.locales import LOCALES
from app.mail.models import MailStatus, OutboxMail
from app.moderation.digest import digest_subject, queue_digests, send_digests
from app.moderation.models import Moderator
from app.moderation.notifications import DIGEST_MAIL_KIND
from app.timeutil import utcnow
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, PROJECT_ROOT
from tests.html_tree import parse_html
from tests.live_gunicorn import VENV_BIN, site_environment
from tests.newsletter_support import (
    SITE_URL,
    free_port,
    html_of,
    mailbox_fixture,  # noqa: F401 (the `mailbox` fixture)
    outbox_rows,
    smtp_config,
    text_of,
)

PASSWORD = "correct horse battery staple"
ALICE, BOB = "alice.mod@example.org", "bob.mod@example.org"
# What a commenter typed: it must never reach a moderator's mailbox, least of all as markup.
HOSTILE_NAME = "Mallory <img src=x onerror=alert(1)>"
HOSTILE_BODY = "Call me on 0123 456 789 <script>alert('digest')</script> please"
PLAIN_BODY = "My son has cramps at night, thank you for this article"


@pytest.fixture
def app_config(mailbox) -> dict[str, object]:
    return {**smtp_config(mailbox.port)}


def add_moderator(runner, email: str, *notify_args: str) -> None:
    result = runner.invoke(args=["moderators", "add", email, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    if notify_args:
        result = runner.invoke(args=["moderators", "notify", email, *notify_args])
        assert result.exit_code == 0, result.output


def add_comment(app, body: str = PLAIN_BODY, *, name: str = "Reader", language: str = "en", locale: str = "en"):
    with app.app_context():
        comment = post_comment(Submission(ARTICLE_SLUG, locale, language, name, body, None))
        return comment.id


def digest(runner, *args: str):
    return runner.invoke(args=["comments", "digest", *args])


def later(minutes: int) -> dt.datetime:
    return utcnow() + dt.timedelta(minutes=minutes)


def locale_named(code: str):
    return next(loc for loc in LOCALES if loc.code == code)


def assert_accessible_mail(message: EmailMessage, locale: str) -> None:
    """The checks every newsletter mail passes: both parts, the language and direction of the
    reader, the headers a mail client needs, and HTML that parses into one document."""
    site_locale = locale_named(locale)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Content-Language"] == site_locale.lang
    assert message["Message-ID"] and message["Date"] and message["Subject"]
    html = html_of(message)
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{site_locale.lang}" dir="{site_locale.direction}">' in html
    tree = parse_html(html)
    [title] = tree.find_all("title")
    assert title.text().strip() == message["Subject"]
    assert len(tree.find_all("h1")) == 1
    # Every link is an absolute https link to a page of the site (GET only: nothing that acts).
    links = [a.attrs.get("href") or "" for a in tree.find_all("a")]
    assert links and all(link.startswith(f"{SITE_URL}/{locale}/moderation/") for link in links), links
    assert not any(word in link for link in links for word in ("decide", "approve", "reject", "spam", "logout"))
    # The same links are in the plain-text part.
    for link in links:
        assert link in text_of(message)


def assert_no_commenter_text(message: EmailMessage) -> None:
    whole = message.as_string()
    for typed in ("Mallory", "onerror", "<script", "alert(", "cramps", "0123 456 789"):
        assert typed not in whole, typed
        assert typed not in text_of(message) and typed not in html_of(message), typed


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_a_new_comment_brings_one_digest_in_the_moderators_language(app, runner, mailbox, locale):
    add_moderator(runner, ALICE, "--language", locale)
    plain = add_comment(app, PLAIN_BODY, language="fr", locale="fr")
    flagged = add_comment(app, HOSTILE_BODY, name=HOSTILE_NAME)

    result = digest(runner)
    assert result.exit_code == 0, result.output
    [message] = mailbox.to(ALICE)
    assert_accessible_mail(message, locale)
    assert_no_commenter_text(message)
    with app.app_context(), force_locale(locale_named(locale).catalogue):
        subject = ngettext(
            "%(num)d comment is waiting for moderation", "%(num)d comments are waiting for moderation", 2
        )
        phone = gettext("contains a phone number")
    assert message["Subject"] == subject
    text, html = text_of(message), html_of(message)
    # The flagged comment first, with its reason; then every article and language with its count.
    queue = f"{SITE_URL}/{locale}/moderation/"
    assert phone in text and phone in html
    assert text.index(f"{queue}#comment-{flagged}") < text.index(f"{queue}#comment-{plain}")
    assert f'href="{queue}#comment-{flagged}"' in html and f'href="{queue}#comment-{plain}"' in html
    assert '<span lang="fr" dir="ltr">Français</span>' in html
    assert f'href="{SITE_URL}/{locale}/moderation/settings"' in html

    # Running again (cron every few minutes), nothing new: no second mail.
    assert digest(runner).exit_code == 0
    add_comment(app, "Another question about stretching before sleep")
    assert digest(runner).exit_code == 0  # new, but within the hour: it waits
    assert len(mailbox.to(ALICE)) == 1
    [row] = outbox_rows(app)
    assert row.kind == DIGEST_MAIL_KIND and row.status == MailStatus.SENT and row.subscriber_id is None


def test_after_the_interval_only_new_comments_bring_another_digest(app, runner, mailbox):
    add_moderator(runner, ALICE, "--interval", "30")
    add_comment(app)
    with app.app_context():
        assert send_digests().sent == 1
        # Half an hour on, the same comment still waits but nothing new came: no reminder.
        assert send_digests(later(31)).sent == 0
        assert send_digests(later(29)).sent == 0
    add_comment(app, "A new one")
    with app.app_context():
        assert send_digests(later(29)).sent == 0  # too soon after the last digest
        assert send_digests(later(31)).sent == 1
        assert send_digests(later(32)).sent == 0
    first, second = mailbox.to(ALICE)
    assert "1" in first["Subject"] and "2" in second["Subject"]


def test_a_moderator_who_turned_notifications_off_gets_none(app, runner, mailbox):
    add_moderator(runner, ALICE)
    add_moderator(runner, BOB, "--off")
    add_comment(app)
    assert digest(runner).exit_code == 0
    assert mailbox.recipients == [ALICE]
    with app.app_context():
        assert send_digests(later(24 * 60)).sent == 0
    assert mailbox.recipients == [ALICE]


def test_a_digest_queued_before_notifications_were_turned_off_is_not_sent(app, runner, mailbox):
    add_moderator(runner, ALICE)
    add_comment(app)
    with app.app_context():
        assert len(queue_digests()) == 1
    assert runner.invoke(args=["moderators", "notify", ALICE, "--off"]).exit_code == 0
    assert runner.invoke(args=["newsletter", "drain"]).exit_code == 0
    assert mailbox.received == []
    [row] = outbox_rows(app)
    assert row.status == MailStatus.CANCELLED


def test_nothing_waiting_means_no_digest(app, runner, mailbox):
    add_moderator(runner, ALICE)
    result = digest(runner)
    assert result.exit_code == 0 and "sent 0" in result.output
    assert mailbox.received == [] and outbox_rows(app) == []


def test_two_concurrent_digest_runs_send_one_mail(app, runner, mailbox):
    add_moderator(runner, ALICE)
    add_moderator(runner, BOB, "--language", "ar")
    add_comment(app)
    start = threading.Barrier(4)
    reports, errors = [], []

    def run() -> None:
        with app.app_context():
            try:
                start.wait()
                reports.append(send_digests())
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(report.sent for report in reports) == 2
    assert sorted(mailbox.recipients) == [ALICE, BOB]
    assert len(outbox_rows(app)) == 2


@pytest.mark.slow
def test_two_digest_processes_on_one_database_send_one_mail(app, runner, mailbox, database_url):
    """As cron on two hosts: two `flask comments digest` processes started together."""
    add_moderator(runner, ALICE)
    add_comment(app)
    env = site_environment(
        database_url,
        SITE_URL=SITE_URL,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mailbox.port),
        MAIL_DEFAULT_SENDER="Child Health Guide <news@guide.example>",
    )
    command = [str(VENV_BIN / "flask"), "comments", "digest"]
    runs = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(mailbox.to(ALICE)) == 1
    assert len(outbox_rows(app)) == 1


def test_the_outbox_key_alone_stops_a_second_digest_in_the_same_window(app, runner, mailbox):
    """As if another host got past the claim (its clock, its read): the unique key still holds."""
    add_moderator(runner, ALICE)
    add_comment(app)
    now = utcnow()
    with app.app_context():
        assert len(queue_digests(now)) == 1
        db.session.execute(update(Moderator).values(last_digest_at=None))
        db.session.commit()
        assert queue_digests(now) == []
        assert send_digests(now).sent == 1
    assert len(mailbox.to(ALICE)) == 1


class TestSmtpDown:
    @pytest.fixture
    def app_config(self, mailbox) -> dict[str, object]:
        # Nothing listens on this port: the mail server is down.
        return {**smtp_config(mailbox.port), "MAIL_PORT": free_port()}

    def test_an_outage_delays_the_digest_without_losing_it(self, app, runner, mailbox):
        add_moderator(runner, ALICE)
        add_comment(app)
        result = digest(runner)
        assert result.exit_code != 0 and "could not be reached" in result.output
        [row] = outbox_rows(app)
        assert row.status == MailStatus.QUEUED and row.attempts == 1 and row.last_error
        assert row.next_attempt_at > utcnow()
        # Still down, and a rerun: the digest is neither lost nor queued a second time.
        assert digest(runner).exit_code == 0  # its retry is not due yet
        assert len(outbox_rows(app)) == 1

        # The server is back and the back-off has passed: the outbox drain sends it, once.
        app.config["MAIL_PORT"] = mailbox.port
        with app.app_context():
            db.session.execute(update(OutboxMail).values(next_attempt_at=utcnow()))
            db.session.commit()
        result = runner.invoke(args=["newsletter", "drain"])
        assert result.exit_code == 0, result.output
        [message] = mailbox.to(ALICE)
        assert_accessible_mail(message, "en")
        [row] = outbox_rows(app)
        assert row.status == MailStatus.SENT and row.attempts == 2
        assert digest(runner).exit_code == 0 and runner.invoke(args=["newsletter", "drain"]).exit_code == 0
        assert len(mailbox.to(ALICE)) == 1


def test_cli_notify_changes_settings_and_refuses_nonsense(app, runner, mailbox):
    add_moderator(runner, ALICE)
    with app.app_context():
        moderator = db.session.execute(select(Moderator)).scalar_one()
        assert (moderator.notify, moderator.notify_interval_minutes, moderator.notify_locale) == (True, 60, "en")
    result = runner.invoke(
        args=["moderators", "notify", ALICE.upper(), "--off", "--interval", "1440", "--language", "zh-hans"]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"notifications off\s+every 1440 minutes at most\s+language zh-hans", result.output)
    with app.app_context():
        moderator = db.session.execute(select(Moderator)).scalar_one()
        assert (moderator.notify, moderator.notify_interval_minutes, moderator.notify_locale) == (
            False,
            1440,
            "zh-hans",
        )
    assert runner.invoke(args=["moderators", "notify", ALICE, "--interval", "7"]).exit_code != 0
    assert runner.invoke(args=["moderators", "notify", ALICE, "--language", "de"]).exit_code != 0
    assert runner.invoke(args=["moderators", "notify", "nobody@example.org", "--on"]).exit_code != 0
    # Showing the settings changes nothing.
    result = runner.invoke(args=["moderators", "notify", ALICE])
    assert result.exit_code == 0 and "notifications off" in result.output


@pytest.mark.parametrize(("language", "five"), [("fa", "۵"), ("ar", "5"), ("en", "5"), ("zh_Hans", "5")])
def test_the_digest_subject_counts_in_the_digits_its_language_writes(app, language, five):
    """As the digest's body and the site's pages do (CLDR's default digits for the language):
    the subject once said "5" in Persian, whatever its text (CLDR gives Arabic Latin digits)."""
    with app.app_context(), force_locale(language):
        subject = str(digest_subject(5))
    assert re.match(rf"{five}\D", subject), subject
