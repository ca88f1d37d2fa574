"""The mail outbox: every mail is queued under a unique key, claimed, sent once, retried with back-off.

Any feature queues mail here; what differs between kinds of mail (whether one should still go,
whether one may go twice) is asked of the kind its feature registered (app/mail/kinds.py)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, Response, current_app
from sqlalchemy import select, update

from app.extensions import db
from app.mail.addresses import UnsafeAddress, mask_address
from app.mail.kinds import kind_named
from app.mail.models import MailStatus, OutboxMail
from app.mail.rendering import RenderedMail
from app.mail.transport import Transport, build_message
from app.timeutil import utcnow

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the back-off below: about a day and a half of retrying
FIRST_RETRY = 60  # seconds; doubles with each attempt
LONGEST_WAIT = 6 * 3600  # seconds
CLAIM_LEASE = dt.timedelta(minutes=15)  # a row still "sending" after this was interrupted mid-send


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT))


def find_mail(dedupe_key: str) -> OutboxMail | None:
    return db.session.execute(select(OutboxMail).where(OutboxMail.dedupe_key == dedupe_key)).scalar_one_or_none()


def enqueue(
    dedupe_key: str, kind: str, to_address: str, mail: RenderedMail, *, subscriber_id: int | None = None
) -> OutboxMail | None:
    """Queue a mail unless one with this key exists (then None). The caller commits; a concurrent
    duplicate fails the commit on the unique key, and the caller rolls back."""
    if find_mail(dedupe_key) is not None:
        return None
    row = OutboxMail(
        dedupe_key=dedupe_key,
        kind=kind,
        subscriber_id=subscriber_id,
        to_address=to_address,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        headers=dict(mail.headers),
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    db.session.add(row)
    return row


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    stopped_early: bool = False  # the SMTP server could not be reached: the rest stay queued

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.cancelled


def due_mail_ids(
    *, dedupe_prefix: str | None = None, kinds: Iterable[str] = (), include_waiting: bool = False
) -> list[int]:
    query = select(OutboxMail.id).where(OutboxMail.status == MailStatus.QUEUED).order_by(OutboxMail.id)
    if not include_waiting:
        query = query.where(OutboxMail.next_attempt_at <= utcnow())
    if dedupe_prefix:
        query = query.where(OutboxMail.dedupe_key.startswith(dedupe_prefix, autoescape=True))
    if kinds := list(kinds):
        query = query.where(OutboxMail.kind.in_(kinds))
    return list(db.session.execute(query).scalars())


def interrupted_mails(dedupe_prefix: str | None = None) -> list[OutboxMail]:
    """Mails whose sending was cut off (their claim has lapsed), oldest first: the server may
    have them, so they are never resent unless an operator requeues them."""
    query = (
        select(OutboxMail)
        .where(OutboxMail.status == MailStatus.SENDING, OutboxMail.next_attempt_at < utcnow())
        .order_by(OutboxMail.id)
    )
    if dedupe_prefix:
        query = query.where(OutboxMail.dedupe_key.startswith(dedupe_prefix, autoescape=True))
    return list(db.session.execute(query).scalars())


def interrupted_mail_count(dedupe_prefix: str | None = None) -> int:
    return len(interrupted_mails(dedupe_prefix))


def requeue_interrupted(mail_ids: Iterable[int]) -> int:
    """Put interrupted mails back in the queue (an operator's choice: the server may have had
    them, so a person may get one twice). Only rows still interrupted are touched."""
    now = utcnow()
    requeued = db.session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id.in_(list(mail_ids)),
            OutboxMail.status == MailStatus.SENDING,
            OutboxMail.next_attempt_at < now,
        )
        .values(status=MailStatus.QUEUED, next_attempt_at=now, last_error="requeued after an interrupted send")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return requeued


def requeue_interrupted_resendable() -> list[OutboxMail]:
    """Queue again the interrupted mails whose kind may go twice (for `newsletter drain`); the
    others (announcements, digests) wait for an operator. Returns the mails requeued."""
    mails = [mail for mail in interrupted_mails() if kind_named(mail.kind).resent_when_interrupted]
    if mails:
        requeue_interrupted(mail.id for mail in mails)
    return mails


def _claim(mail_id: int) -> OutboxMail | None:
    """Mark a queued mail as being sent; only one worker or process can win it."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.QUEUED)
        .values(status=MailStatus.SENDING, attempts=OutboxMail.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    return db.session.get(OutboxMail, mail_id, populate_existing=True)


def _finish(mail: OutboxMail, status: MailStatus, error: str = "") -> None:
    mail.status = status
    mail.last_error = error[:500]
    if status == MailStatus.SENT:
        mail.sent_at = utcnow()
    elif status == MailStatus.QUEUED:
        mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)
    db.session.commit()


def _describe(error: BaseException) -> str:
    """An error message for the outbox and the log, with any address masked."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipient refused: " + "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return f"{type(error).__name__}: {error}"


def _is_permanent(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _is_outage(error: BaseException) -> bool:
    return isinstance(
        error, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError)
    ) or (isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException))


def deliver(
    mail_ids: Iterable[int],
    *,
    rate: float = 0,
    on_progress: Callable[[OutboxMail, DeliveryReport], None] | None = None,
) -> DeliveryReport:
    """Send the given queued mails, at most `rate` per second (0: no limit).

    Each mail is claimed and committed before it is handed to SMTP and marked sent right after,
    so an interrupted run resumes where it stopped and nobody is sent a mail twice.
    """
    report = DeliveryReport()
    interval = 1.0 / rate if rate and rate > 0 else 0.0
    last_send: float | None = None
    with Transport() as transport:
        for mail_id in mail_ids:
            # Pace before claiming: an interruption during the pause leaves the mail queued.
            if interval and last_send is not None:
                wait = interval - (time.monotonic() - last_send)
                if wait > 0:
                    time.sleep(wait)
            mail = _claim(mail_id)
            if mail is None:
                continue  # another worker has it, or it is no longer queued
            if not kind_named(mail.kind).still_wanted(mail):
                _finish(mail, MailStatus.CANCELLED, "recipient no longer wants it (status or settings changed)")
                report.cancelled += 1
                continue
            last_send = time.monotonic()
            try:
                transport.send(build_message(mail), mail.to_address)
            except UnsafeAddress as error:
                _finish(mail, MailStatus.FAILED, f"unsafe address: {error}")
                report.failed += 1
                logger.warning("Outbox mail %s refused before sending: unsafe address", mail.id)
            except (smtplib.SMTPException, OSError) as error:
                detail = _describe(error)
                permanent = _is_permanent(error) or mail.attempts >= MAX_ATTEMPTS
                _finish(mail, MailStatus.FAILED if permanent else MailStatus.QUEUED, detail)
                if permanent:
                    report.failed += 1
                else:
                    report.retrying += 1
                logger.warning(
                    "Mail %s (%s) to %s not sent, attempt %s: %s%s",
                    mail.id,
                    mail.kind,
                    mask_address(mail.to_address),
                    mail.attempts,
                    detail,
                    "; giving up" if permanent else "; will retry",
                )
                if _is_outage(error):
                    report.stopped_early = True
                    break
            else:
                _finish(mail, MailStatus.SENT)
                report.sent += 1
            if on_progress is not None:
                on_progress(mail, report)
    return report


def deliver_due(*, rate: float = 0) -> DeliveryReport:
    """Send every mail whose (next) attempt is due: `flask newsletter drain`, e.g. from cron."""
    return deliver(due_mail_ids(), rate=rate)


def sends_in_requests(app: Flask) -> bool:
    """Whether a request may hand its mails over itself: only when they are written to the log
    (no MAIL_SERVER, a laptop). With an SMTP server, `flask newsletter drain` sends them, so no
    SMTP conversation ever runs inside a request's time (a slow server would hold the worker
    until gunicorn killed it mid-send)."""
    return not app.config.get("MAIL_SERVER")


def after_response(response: Response, work: Callable[[], list[int]]) -> Response:
    """Do `work` (database work that queues mails and returns their ids) once the reader has their
    answer. The answer, its headers and how long it takes are the same whatever the work finds:
    used where the answer must not tell who is subscribed. Whatever `work` must not lose is
    stored before the answer (the work only carries it out: `newsletter drain` does it again if
    this fails); its mails are sent by `newsletter drain`, or logged here without MAIL_SERVER."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            try:
                mail_ids = work()
                if sends_in_requests(app):
                    deliver(mail_ids)
            except Exception:  # logged without addresses; `newsletter drain` carries it out
                logger.exception("Work after the response failed; `flask newsletter drain` will do it")
                db.session.rollback()

    response.call_on_close(run)
    return response


def deliver_after_response(response: Response, mail_ids: list[int]) -> Response:
    """These mails, queued and committed before the answer, go out with the next drain (or to
    the log once the reader has their answer, without MAIL_SERVER): a slow or absent SMTP server
    never delays a page, and the page looks and takes the same whether or not a mail was sent."""
    return after_response(response, lambda: mail_ids) if mail_ids else response
