"""The one mail sender: builds the message of a queued mail and hands it to SMTP (or, without
MAIL_SERVER, to the log)."""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
import time
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import Flask, current_app

from app.mail.addresses import mask_address, safe_recipient
from app.mail.models import OutboxMail
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

SMTP_TIMEOUT = 20  # seconds
IDLE_CHECK_AFTER = 15  # seconds a connection may idle before it is checked with NOOP


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a mail is logged (a test runner swaps it)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


_offline_handler = _StderrHandler()
_offline_handler.setLevel(logging.INFO)
_offline_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(name)s: %(message)s"))


def init_app(app: Flask) -> None:
    """Without MAIL_SERVER, mails are written to the log at INFO, and the log goes to stderr.

    Under `flask run` and gunicorn alike nobody configures Python's logging (gunicorn sets up
    only its own loggers), and unconfigured logging drops INFO: so this logger gets a handler of
    its own, unless the root logger has handlers, which then show the mails instead (once)."""
    if app.config.get("MAIL_SERVER"):
        return
    if logger.level == logging.NOTSET:  # an operator's own choice of level stands
        logger.setLevel(logging.INFO)
    if not logging.getLogger().handlers and _offline_handler not in logger.handlers:
        logger.addHandler(_offline_handler)


def build_message(mail: OutboxMail) -> EmailMessage:
    """A multipart/alternative mail (text, then HTML) with headers set through the header registry."""
    recipient = safe_recipient(mail.to_address)
    config = current_app.config
    message = EmailMessage()
    sender_name, sender_address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    sender = Address(display_name=sender_name, addr_spec=sender_address)
    message["From"] = sender
    message["To"] = Address(addr_spec=recipient)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(idstring=f"outbox{mail.id}", domain=sender.domain or None)
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    # After the body: set_content() clears Content-* headers such as Content-Language.
    for name, value in (mail.headers or {}).items():
        message[name] = value
    return message


def offline_copy(message: EmailMessage) -> str:
    """The headers (the recipient masked) and the text body, as the log shows an unsent mail."""
    headers = [
        f"{name}: {mask_address(str(value)) if name.lower() == 'to' else value}" for name, value in message.items()
    ]
    return "\n".join(headers) + "\n\n" + message.get_body(("plain",)).get_content()


class Transport:
    """Sends messages over one SMTP connection (opened on first use), or logs them offline."""

    def __init__(self) -> None:
        config = current_app.config
        self.server: str = config["MAIL_SERVER"]
        self.port: int = int(config["MAIL_PORT"])
        self.use_tls: bool = bool(config["MAIL_USE_TLS"])
        self.username: str = config["MAIL_USERNAME"]
        self.password: str = config["MAIL_PASSWORD"]
        self._smtp: smtplib.SMTP | None = None
        self._last_used = 0.0

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.server, self.port, timeout=SMTP_TIMEOUT)
        try:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Raises smtplib.SMTPException or OSError when the mail was not accepted."""
        recipient = safe_recipient(recipient)
        if not self.server:
            logger.info("MAIL_SERVER is not set; this mail was not sent, logged instead.\n%s", offline_copy(message))
            return
        smtp = self._connection()
        envelope_sender = message["From"].addresses[0].addr_spec
        # Recipients come only from our validated address, never from headers. No retry here:
        # a failure after DATA may mean the mail went out, and nobody gets a mail twice.
        smtp.send_message(message, from_addr=envelope_sender, to_addrs=[recipient])
        self._last_used = time.monotonic()

    def _connection(self) -> smtplib.SMTP:
        """The open connection; one idle for a while is checked first (servers drop them)."""
        if self._smtp is not None and time.monotonic() - self._last_used > IDLE_CHECK_AFTER:
            try:
                self._smtp.noop()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
                self._smtp = None
        if self._smtp is None:
            self._smtp = self._connect()
            self._last_used = time.monotonic()
        return self._smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
