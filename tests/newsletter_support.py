"""Shared by the newsletter tests: a real local SMTP server (aiosmtpd) and small helpers."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.i18n.locales import find_locale
from app.mail import outbox
from app.mail.models import OutboxMail
from app.newsletter import service
from app.newsletter.models import Subscriber

SITE_URL = "https://guide.example"


def free_port() -> int:
    """aiosmtpd cannot bind port 0 itself: ask the OS for a free port, then release it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """What the local SMTP server accepted, in order."""

    port: int
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [item.message for item in self.received if address in item.envelope_to]

    @property
    def recipients(self) -> list[str]:
        return [rcpt for item in self.received for rcpt in item.envelope_to]


@contextmanager
def running_mailbox() -> Iterator[Mailbox]:
    """A local SMTP server on a free port, stopped afterwards."""
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(name="mailbox")
def mailbox_fixture() -> Iterator[Mailbox]:
    """A local SMTP server; import `mailbox_fixture` into a test module to use `mailbox`."""
    with running_mailbox() as box:
        yield box


@pytest.fixture(name="module_mailbox", scope="module")
def module_mailbox_fixture() -> Iterator[Mailbox]:
    """One local SMTP server for a module's tests that must send nothing (it must stay empty);
    import `module_mailbox_fixture` into the module to use `module_mailbox`."""
    with running_mailbox() as box:
        yield box


def smtp_config(port: int) -> dict[str, object]:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_DEFAULT_SENDER": "Child Health Guide <news@guide.example>",
        "SITE_URL": SITE_URL,
        "NEWSLETTER_SEND_RATE": 0,
    }


def drain(app: Flask) -> None:
    """What `flask newsletter drain` does (cron, or its --every service): carry out stored
    requests and send due mail."""
    with app.app_context():
        service.process_subscribe_requests()
        outbox.deliver_due()


def subscribe(client: FlaskClient, locale: str, email: str, **extra: str):
    """Fill in the subscribe page as a person would. The response is closed and the outbox
    drained, so the mails it queued have gone out when this returns."""
    assert client.get(f"/{locale}/subscribe").status_code == 200
    data = {"email": email, "website": "", **extra}
    with client.post(f"/{locale}/subscribe", data=data) as response:
        response.get_data()
    drain(client.application)
    return response


def post_closed(client: FlaskClient, url: str, **kwargs):
    with client.post(url, **kwargs) as response:
        response.get_data()
    drain(client.application)
    return response


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: EmailMessage, pattern: str) -> str:
    match = re.search(pattern, text_of(message))
    assert match, f"no link matching {pattern!r} in the mail"
    return match.group(0)


def path_of(url: str) -> str:
    assert url.startswith(SITE_URL + "/"), url
    return url[len(SITE_URL) :]


def translated(locale: str, message: str) -> str:
    """What the catalogue says for `message` in `locale` (the English text where untranslated)."""
    with force_locale(find_locale(locale).catalogue):
        return gettext(message)


def subscriber(app: Flask, email: str) -> Subscriber | None:
    with app.app_context():
        found = db.session.execute(select(Subscriber).where(Subscriber.email == email)).scalar_one_or_none()
        if found is not None:
            db.session.expunge(found)
        return found


def outbox_rows(app: Flask) -> list[OutboxMail]:
    with app.app_context():
        rows = list(db.session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows
