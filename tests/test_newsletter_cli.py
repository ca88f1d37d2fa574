"""`flask newsletter send` and `flask subscribers …`: mailings that resume, records, privacy."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.models import MailStatus, OutboxMail
from app.newsletter.models import Subscriber, SubscriberStatus
from app.timeutil import utcnow
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES
from tests.newsletter_support import (
    SITE_URL,
    mailbox_fixture,  # noqa: F401 (the `mailbox` fixture)
    outbox_rows,
    smtp_config,
    text_of,
)


@pytest.fixture
def app_config(mailbox) -> dict[str, object]:
    return smtp_config(mailbox.port)


def add_people(app, people: list[tuple[str, str, SubscriberStatus]]) -> None:
    with app.app_context():
        for email, locale, status in people:
            db.session.add(
                Subscriber(
                    email=email,
                    status=status,
                    locale=locale,
                    consent_text="We will email you when we publish or update an article.",
                    source_page=f"/{locale}/articles/{ARTICLE_SLUG}",
                    confirmed_at=utcnow() if status == SubscriberStatus.ACTIVE else None,
                )
            )
        db.session.commit()


def active(n: int) -> list[tuple[str, str, SubscriberStatus]]:
    return [(f"reader{i}@example.org", LOCALE_CODES[i % len(LOCALE_CODES)], SubscriberStatus.ACTIVE) for i in range(n)]


OTHERS = [
    ("pending@example.org", "en", SubscriberStatus.PENDING),
    ("left@example.org", "fr", SubscriberStatus.UNSUBSCRIBED),
    ("bounced@example.org", "es", SubscriberStatus.BOUNCED),
]


def test_send_reaches_every_confirmed_subscriber_once_in_their_language(app, runner, mailbox):
    people = active(5)
    add_people(app, people + OTHERS)
    result = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "0"])
    assert result.exit_code == 0, result.output
    assert "5/5" in result.output and "sent 5" in result.output
    assert sorted(mailbox.recipients) == sorted(email for email, _, _ in people)
    for email, locale, _ in people:
        [message] = mailbox.to(email)
        assert f"{SITE_URL}/{locale}/articles/{ARTICLE_SLUG}" in text_of(message)
        assert message["List-Unsubscribe"].startswith(f"<{SITE_URL}/{locale}/unsubscribe/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Running it again sends nobody anything.
    again = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "0"])
    assert again.exit_code == 0, again.output
    assert len(mailbox.received) == 5


def test_interrupted_send_resumes_without_sending_anyone_twice(app, runner, mailbox, monkeypatch):
    people = active(6)
    add_people(app, people + OTHERS)
    pauses = []

    def pause_then_interrupt(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            raise KeyboardInterrupt  # Ctrl-C while waiting between two mails

    monkeypatch.setattr("app.mail.outbox.time.sleep", pause_then_interrupt)
    first = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "2"])
    assert first.exit_code != 0
    assert len(mailbox.received) == 3  # paced: a pause before each mail after the first
    assert all(0 < seconds <= 0.5 for seconds in pauses)

    monkeypatch.setattr("app.mail.outbox.time.sleep", lambda seconds: None)
    second = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "2"])
    assert second.exit_code == 0, second.output
    assert sorted(mailbox.recipients) == sorted(email for email, _, _ in people)
    assert [row.status for row in outbox_rows(app)] == [MailStatus.SENT] * 6


def test_send_retries_its_own_failed_mails_when_run_again(app, runner, mailbox):
    add_people(app, active(2))
    live_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there: the server is down
    down = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "0"])
    assert down.exit_code != 0 and "could not be reached" in down.output
    assert mailbox.received == []
    assert {row.status for row in outbox_rows(app)} == {MailStatus.QUEUED}
    app.config["MAIL_PORT"] = live_port
    back = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "0"])
    assert back.exit_code == 0, back.output
    assert sorted(mailbox.recipients) == ["reader0@example.org", "reader1@example.org"]


def test_dry_run_shows_who_would_get_what_and_sends_nothing(app, runner, mailbox):
    add_people(app, active(2) + OTHERS)
    result = runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "reader0@example.org\ten\twould send" in result.output
    assert "reader1@example.org\tes\twould send" in result.output
    assert "pending@example.org" not in result.output and "left@example.org" not in result.output
    assert "2 of 2" in result.output
    assert mailbox.received == [] and outbox_rows(app) == []


def test_send_refuses_an_unknown_article(runner, mailbox):
    result = runner.invoke(args=["newsletter", "send", "no-such-article"])
    assert result.exit_code != 0 and "no-such-article" in result.output


def test_list_export_and_delete(app, runner, mailbox):
    add_people(app, active(2) + OTHERS[:1])
    listed = runner.invoke(args=["subscribers", "list"])
    assert listed.exit_code == 0
    lines = listed.output.strip().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["reader0@example.org", "active"],
        ["reader1@example.org", "active"],
        ["pending@example.org", "pending"],
    ]

    as_json = json.loads(runner.invoke(args=["subscribers", "export", "--format", "json"]).output)
    assert as_json[0]["email"] == "reader0@example.org" and as_json[0]["locale"] == "en"
    assert as_json[0]["source_page"] == f"/en/articles/{ARTICLE_SLUG}"
    assert as_json[0]["consent_text"].startswith("We will email you")
    assert as_json[0]["confirmed_at"] and as_json[2]["confirmed_at"] is None
    assert {"consented_at", "unsubscribed_at", "status"} <= set(as_json[0])

    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["subscribers", "export", "--format", "csv"]).output)))
    assert [row["email"] for row in rows] == ["reader0@example.org", "reader1@example.org", "pending@example.org"]

    runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "0"])
    deleted = runner.invoke(args=["subscribers", "delete", "Reader0@Example.org"])
    assert deleted.exit_code == 0, deleted.output
    with app.app_context():
        remaining = db.session.execute(db.select(Subscriber.email)).scalars().all()
        mails = db.session.execute(db.select(OutboxMail.to_address)).scalars().all()
    assert "reader0@example.org" not in remaining and "reader0@example.org" not in mails
    assert "reader1@example.org" in mails
    missing = runner.invoke(args=["subscribers", "delete", "reader0@example.org"])
    assert missing.exit_code != 0


def _interrupt_sending(app, email: str, lapsed: bool) -> None:
    """As if a process died while handing this mail to the SMTP server."""
    with app.app_context():
        row = db.session.execute(select(OutboxMail).where(OutboxMail.to_address == email)).scalar_one()
        row.status = MailStatus.SENDING
        row.next_attempt_at = utcnow() + dt.timedelta(minutes=-1 if lapsed else 10)
        db.session.commit()


def test_interrupted_mails_are_resent_only_when_an_operator_requeues_them(app, runner, mailbox):
    add_people(app, active(3))
    app.config["MAIL_PORT"] = 1  # the server is down: the mails stay queued
    runner.invoke(args=["newsletter", "send", ARTICLE_SLUG, "--rate", "0"])
    app.config["MAIL_PORT"] = mailbox.port
    _interrupt_sending(app, "reader0@example.org", lapsed=True)
    _interrupt_sending(app, "reader1@example.org", lapsed=False)  # may still be being sent

    drained = runner.invoke(args=["newsletter", "drain"])
    assert "1 mails were cut off" in drained.output and "requeue-interrupted" in drained.output
    assert mailbox.recipients == ["reader2@example.org"]

    declined = runner.invoke(args=["newsletter", "requeue-interrupted"], input="n\n")
    assert declined.exit_code != 0 and "r***@e***.org" in declined.output
    assert "reader0@example.org" not in declined.output  # addresses are masked
    # Reported loudly (listed, exit status 1 for cron and systemd), never resent silently.
    again = runner.invoke(args=["newsletter", "drain"])
    assert again.exit_code == 1 and "interrupted:" in again.output and "r***@e***.org" in again.output
    assert mailbox.recipients == ["reader2@example.org"]

    requeued = runner.invoke(args=["newsletter", "requeue-interrupted", "--yes"])
    assert requeued.exit_code == 0 and "Requeued 1 mails" in requeued.output, requeued.output
    runner.invoke(args=["newsletter", "drain"])
    assert sorted(mailbox.recipients) == ["reader0@example.org", "reader2@example.org"]
    statuses = {row.to_address: row.status for row in outbox_rows(app)}
    assert statuses["reader0@example.org"] == MailStatus.SENT
    assert statuses["reader1@example.org"] == MailStatus.SENDING  # its claim has not lapsed
    assert runner.invoke(args=["newsletter", "requeue-interrupted", "--yes"]).output.strip() == "No interrupted mails."


def test_drain_every_runs_as_a_service_carrying_out_stored_requests(app, database_url):
    """`newsletter drain --every SECONDS` (the service beside gunicorn): a request stored while
    the work after its answer failed is carried out without anyone running a command."""
    import subprocess
    import time

    from app.newsletter import service
    from tests.conftest import PROJECT_ROOT
    from tests.live_gunicorn import VENV_BIN, site_environment
    from tests.newsletter_support import subscriber

    with app.app_context():
        service.record_subscribe_request(
            "service@example.org", locale="ar", consent_text="as shown", source_page="/ar/subscribe"
        )
    env = site_environment(database_url, MAIL_SERVER="")
    process = subprocess.Popen(
        [str(VENV_BIN / "flask"), "newsletter", "drain", "--every", "0.2"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while subscriber(app, "service@example.org") is None:
            assert process.poll() is None, "the drain service stopped"
            assert time.monotonic() < deadline, "the drain service never carried the request out"
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert subscriber(app, "service@example.org").locale == "ar"
