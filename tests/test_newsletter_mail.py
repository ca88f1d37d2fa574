"""The mail sender and the outbox: localised content, headers, SMTP outages, no double sends."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest
import requests
from flask_babel import force_locale

from app.content import article_by_slug
from app.content.rendering import translate_message
from app.extensions import db
from app.i18n.locales import find_locale
from app.mail import outbox
from app.mail.addresses import mask_address
from app.mail.models import MailStatus, OutboxMail
from app.newsletter import service
from app.newsletter.models import Subscriber, SubscriberStatus
from app.timeutil import utcnow
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES
from tests.live_gunicorn import flask_cli, gunicorn_site, site_environment
from tests.newsletter_support import (
    SITE_URL,
    free_port,
    html_of,
    mailbox_fixture,  # noqa: F401 (the `mailbox` fixture)
    outbox_rows,
    path_of,
    post_closed,
    smtp_config,
    subscribe,
    subscriber,
    text_of,
)


@pytest.fixture
def app_config(mailbox) -> dict[str, object]:
    return smtp_config(mailbox.port)


def add_subscriber(email: str, locale: str, status=SubscriberStatus.ACTIVE) -> Subscriber:
    person = Subscriber(
        email=email,
        status=status,
        locale=locale,
        consent_text="consent",
        source_page=f"/{locale}/subscribe",
        confirmed_at=utcnow() if status == SubscriberStatus.ACTIVE else None,
    )
    db.session.add(person)
    db.session.commit()
    return person


def test_mask_address_keeps_no_full_address():
    assert mask_address("jane.doe@example.org") == "j***@e***.org"
    assert "jane" not in mask_address("jane@mail.example.org")
    assert mask_address("broken") == "***"


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_announcement_is_in_the_subscribers_language_with_unsubscribe_headers(app, mailbox, locale):
    article = article_by_slug(ARTICLE_SLUG)
    with app.app_context():
        person = add_subscriber(f"reader.{locale}@example.org", locale)
        mail = service.queue_announcement(article, person)
        db.session.commit()
        outbox.deliver([mail.id])
        site_locale = find_locale(locale)
        with force_locale(site_locale.catalogue):
            title = translate_message(article.title, source_locale=locale == "en")
    [message] = mailbox.to(f"reader.{locale}@example.org")
    assert message["Content-Language"] == site_locale.lang
    assert title.text in text_of(message)
    assert f"{SITE_URL}/{locale}/articles/{ARTICLE_SLUG}" in text_of(message)
    assert f'href="{SITE_URL}/{locale}/articles/{ARTICLE_SLUG}"' in html_of(message)
    assert f'<html lang="{site_locale.lang}" dir="{site_locale.direction}">' in html_of(message)
    if title.is_fallback:
        assert 'lang="en"' in html_of(message)  # English fallback text is marked as English
    assert message["List-Unsubscribe"].startswith(f"<{SITE_URL}/{locale}/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"


def test_unsafe_address_in_the_outbox_never_reaches_smtp(app, mailbox):
    with app.app_context():
        # As if someone wrote to the table directly: a header injection attempt.
        mail = OutboxMail(
            dedupe_key="test:injection",
            kind="test",
            to_address="safe@example.org\r\nBcc: victim@attacker.example",
            subject="Hello",
            text_body="Hello",
            html_body="<p>Hello</p>",
            headers={},
        )
        db.session.add(mail)
        db.session.commit()
        report = outbox.deliver([mail.id])
    assert report.failed == 1 and mailbox.received == []
    [row] = outbox_rows(app)
    assert row.status == MailStatus.FAILED and "unsafe address" in row.last_error


def test_mail_for_someone_who_left_is_cancelled_not_sent(app, client, mailbox):
    with app.app_context():
        person = add_subscriber("gone@example.org", "es")
        mail = service.queue_announcement(article_by_slug(ARTICLE_SLUG), person)
        db.session.commit()
        person.status = SubscriberStatus.UNSUBSCRIBED
        db.session.commit()
        report = outbox.deliver([mail.id])
    assert report.cancelled == 1 and mailbox.received == []
    assert outbox_rows(app)[0].status == MailStatus.CANCELLED


def test_a_mail_is_claimed_once_so_two_senders_cannot_both_send_it(app, mailbox):
    with app.app_context():
        person = add_subscriber("once@example.org", "fr")
        mail = service.queue_announcement(article_by_slug(ARTICLE_SLUG), person)
        db.session.commit()
        first = outbox.deliver([mail.id])
        second = outbox.deliver([mail.id])  # e.g. a second worker that saw it queued
        assert service.queue_announcement(article_by_slug(ARTICLE_SLUG), person) is None
    assert (first.sent, second.sent) == (1, 0)
    assert len(mailbox.to("once@example.org")) == 1


class TestSmtpDown:
    @pytest.fixture
    def app_config(self, mailbox) -> dict[str, object]:
        # Nothing listens on this port: the mail server is down.
        return {**smtp_config(mailbox.port), "MAIL_PORT": free_port()}

    def test_subscription_survives_and_is_resent_later(self, app, client, mailbox, runner, caplog):
        email = "patient.parent@example.org"
        caplog.set_level(logging.INFO)
        response = subscribe(client, "es", email)
        # The reader sees the normal answer...
        assert response.status_code == 303
        assert response.headers["Location"] == "/es/subscribe/check-your-inbox"
        # ...the subscription is kept as pending, the mail is queued with the error...
        assert subscriber(app, email).status == SubscriberStatus.PENDING
        [row] = outbox_rows(app)
        assert row.status == MailStatus.QUEUED and row.attempts == 1 and row.last_error
        assert row.next_attempt_at > utcnow()
        # ...and the failure is logged, without the address.
        assert any("not sent" in record.getMessage() for record in caplog.records)
        assert all(email not in record.getMessage() for record in caplog.records)

        # The server is back: the operator resends.
        app.config["MAIL_PORT"] = mailbox.port
        result = runner.invoke(args=["subscribers", "resend-pending"])
        assert result.exit_code == 0, result.output
        [message] = mailbox.to(email)
        [row] = outbox_rows(app)
        assert row.status == MailStatus.SENT and row.attempts == 2
        # The resent link still works.
        link = path_of(next(word for word in text_of(message).split() if "/subscribe/confirm/" in word))
        post_closed(client, link, data={})
        assert subscriber(app, email).status == SubscriberStatus.ACTIVE
        # Nothing left to resend: a second run sends nobody anything.
        assert runner.invoke(args=["subscribers", "resend-pending"]).exit_code == 0
        assert len(mailbox.to(email)) == 2  # the confirmation and the welcome mail

    def test_outbox_backs_off_and_gives_up_after_the_last_attempt(self, app, mailbox):
        with app.app_context():
            person = add_subscriber("retry@example.org", "en")
            mail = service.queue_announcement(article_by_slug(ARTICLE_SLUG), person)
            db.session.commit()
            report = outbox.deliver([mail.id])
            assert report.retrying == 1 and report.stopped_early
            row = db.session.get(OutboxMail, mail.id)
            first_wait = row.next_attempt_at
            assert outbox.due_mail_ids() == []  # waiting for its back-off
            row.attempts = outbox.MAX_ATTEMPTS - 1
            row.next_attempt_at = utcnow()
            db.session.commit()
            assert outbox.due_mail_ids() == [mail.id]
            report = outbox.deliver(outbox.due_mail_ids())
            row = db.session.get(OutboxMail, mail.id, populate_existing=True)
            assert report.failed == 1 and row.status == MailStatus.FAILED
            assert row.next_attempt_at >= first_wait or row.status == MailStatus.FAILED
        assert outbox.retry_delay(1) < outbox.retry_delay(2) < outbox.retry_delay(3)
        assert mailbox.received == []


class TestOffline:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"MAIL_SERVER": "", "SITE_URL": SITE_URL}

    def test_without_mail_server_the_mail_is_logged_with_a_masked_address(self, app, client, caplog):
        caplog.set_level(logging.INFO, logger="app.mail")
        subscribe(client, "fr", "offline.reader@example.org")
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert f"{SITE_URL}/fr/subscribe/confirm/" in logged  # the link, for `make run`
        assert "o***@e***.org" in logged
        assert "offline.reader@example.org" not in logged
        [row] = outbox_rows(app)
        assert row.status == MailStatus.SENT


LOGGED_MAIL = "not sent, logged instead"


def mail_in_log(log: Path, timeout: float = 20) -> str:
    """The first unsent mail gunicorn wrote to stderr (mails go out just after the answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if LOGGED_MAIL in text and "subscribe/confirm/" in text:
            return text[text.index(LOGGED_MAIL) :]
        time.sleep(0.1)
    pytest.fail(f"no mail in gunicorn's stderr:\n{log.read_text(errors='replace')[-2000:]}")


@pytest.mark.slow
def test_under_gunicorn_without_mail_server_each_mail_is_written_to_stderr(tmp_path):
    address, links_to = "live.reader@example.org", "http://links.example"
    env = site_environment(f"sqlite:///{tmp_path / 'site.db'}", MAIL_SERVER="", SITE_URL=links_to)
    log = tmp_path / "gunicorn.stderr"
    with gunicorn_site(env, workers=1, stderr_path=log) as site, requests.Session() as browser:
        assert browser.get(f"{site.url}/en/subscribe", timeout=30).status_code == 200
        form = {"email": address, "website": ""}
        assert browser.post(f"{site.url}/en/subscribe", data=form, allow_redirects=False, timeout=30).status_code == 303

        mail = mail_in_log(log)
        assert "To: l***@e***.org" in mail and address not in mail  # headers, the recipient masked
        assert "Subject: " in mail and "Content-Language: en" in mail
        confirm_path = re.search(rf"{re.escape(links_to)}(/en/subscribe/confirm/[\w.-]+)", mail).group(1)

        # The link in the log is the real one: it confirms the subscription.
        assert browser.get(site.url + confirm_path, timeout=30).status_code == 200
        confirmed = browser.post(site.url + confirm_path, data={}, allow_redirects=False, timeout=30)
        assert confirmed.status_code == 303
    assert f"{address}\tactive\t" in flask_cli(env, "subscribers", "list").stdout
