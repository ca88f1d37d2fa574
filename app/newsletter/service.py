"""Subscribing, confirming and leaving (double opt-in; the same answer and timing for every
address; nothing answered before it is stored), apart from any request."""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.content import Article
from app.content.publication import is_published
from app.content.rendering import translate_message
from app.database import commit_or_find, is_unavailable
from app.extensions import db
from app.i18n.locales import SOURCE_LOCALE
from app.mail.models import MailStatus, OutboxMail
from app.mail.rendering import external_url
from app.newsletter.mails import queue_for_subscriber, render_subscriber_mail, subscriber_locale
from app.newsletter.models import Subscriber, SubscribeRequest, SubscriberStatus
from app.newsletter.tokens import TokenResult, confirm_token, unsubscribe_token
from app.timeutil import utcnow

CONFIRMATION_INTERVAL = dt.timedelta(days=1)  # at most one confirmation mail per address per day

# Subjects are catalogue messages, translated when each mail is rendered in the subscriber's locale.
# Translators: subject of the mail that asks someone to confirm their newsletter subscription.
CONFIRM_SUBJECT = _l("Confirm your subscription to Child Health Guide")
# Translators: subject of the mail sent once a newsletter subscription is confirmed.
WELCOME_SUBJECT = _l("Welcome to the Child Health Guide newsletter")
# Translators: subject of the mail announcing a new or updated article to subscribers.
ANNOUNCEMENT_SUBJECT = _l("New on Child Health Guide")


def find_subscriber(email: str) -> Subscriber | None:
    return db.session.execute(
        select(Subscriber).where(func.lower(Subscriber.email) == email.lower())
    ).scalar_one_or_none()


def subscriber_for(token: TokenResult) -> Subscriber | None:
    """The subscriber a genuine token was made for, if they still exist."""
    if token.subscriber_id is None:
        return None
    subscriber = db.session.get(Subscriber, token.subscriber_id)
    return subscriber if token.matches(subscriber) else None


# --- queueing the three kinds of mail -------------------------------------------------------


def queue_confirmation(subscriber: Subscriber, *, now: dt.datetime | None = None) -> OutboxMail | None:
    """Queue a confirmation mail, unless one was queued for this address in the last day."""
    now = now or utcnow()
    last = subscriber.confirmation_sent_at
    if last is not None and now - last < CONFIRMATION_INTERVAL:
        return None
    locale = subscriber_locale(subscriber)
    confirm_url = external_url("newsletter.confirm", locale=locale.code, token=confirm_token(subscriber))
    rendered = render_subscriber_mail("confirm", subscriber, CONFIRM_SUBJECT, confirm_url=confirm_url)
    mail = queue_for_subscriber(f"confirm:{subscriber.id}:{now:%Y-%m-%d}", "confirm", subscriber, rendered)
    if mail is not None:
        subscriber.confirmation_sent_at = now
    return mail


def _unsubscribe_url(subscriber: Subscriber) -> str:
    locale = subscriber_locale(subscriber)
    return external_url("newsletter.unsubscribe", locale=locale.code, token=unsubscribe_token(subscriber))


def queue_welcome(subscriber: Subscriber) -> OutboxMail | None:
    assert subscriber.confirmed_at is not None
    locale = subscriber_locale(subscriber)
    rendered = render_subscriber_mail(
        "welcome",
        subscriber,
        WELCOME_SUBJECT,
        unsubscribe_url=_unsubscribe_url(subscriber),
        home_url=external_url("articles.home", locale=locale.code),
    )
    key = f"welcome:{subscriber.id}:{int(subscriber.confirmed_at.timestamp())}"
    return queue_for_subscriber(key, "welcome", subscriber, rendered)


def announcement_key(article: Article, subscriber: Subscriber) -> str:
    return f"announce:{article.slug}:{subscriber.id}"


def awaits_translation(article: Article, subscriber: Subscriber) -> bool:
    """The article is not published in the subscriber's language yet (app/content/publication.py).

    They signed up to read in that language, so they get no mail about it until it is: no link
    that leads to the English, no half-English mail. `flask newsletter send` run again once the
    translation is published announces it to them then, in their language.
    """
    return not is_published(article, subscriber_locale(subscriber))


def queue_announcement(article: Article, subscriber: Subscriber) -> OutboxMail | None:
    """One announcement per article per subscriber, ever: a rerun finds the key and skips. None,
    and nothing queued, while the article awaits its translation into the subscriber's language."""
    if awaits_translation(article, subscriber):
        return None
    locale = subscriber_locale(subscriber)
    with force_locale(locale.babel):
        is_source = locale.code == SOURCE_LOCALE.code
        title = translate_message(article.title, source_locale=is_source)
        summary = translate_message(article.summary, source_locale=is_source)
    rendered = render_subscriber_mail(
        "announcement",
        subscriber,
        ANNOUNCEMENT_SUBJECT,
        unsubscribe_url=_unsubscribe_url(subscriber),
        title=title,
        summary=summary,
        article_url=external_url("articles.article", locale=locale.code, slug=article.slug),
    )
    return queue_for_subscriber(announcement_key(article, subscriber), "announcement", subscriber, rendered)


# --- what readers do ---------------------------------------------------------------------------


def record_subscribe_request(email: str, *, locale: str, consent_text: str, source_page: str) -> int:
    """Store a subscribe form as sent, before the answer: one INSERT and a commit, the same for
    every address (nothing about the address is read). Returns the request's id."""
    created_at = utcnow()
    request = SubscribeRequest(
        email=email,
        locale=locale,
        consent_text=consent_text,
        source_page=source_page[:300],
        created_at=created_at,
        attempts=0,
        last_error="",
    )
    db.session.add(request)
    found = commit_or_find(
        lambda: db.session.execute(
            select(SubscribeRequest.id).where(
                SubscribeRequest.email == email, SubscribeRequest.created_at == created_at
            )
        ).scalar()
    )
    if found is not None:
        return found
    # The id from the session's identity map, not from the row: the commit expired the object,
    # and the drain (another worker, or this one's after-response work under load) may already
    # have carried the request out and deleted it, so loading it again would fail.
    [request_id] = inspect(request).identity
    return request_id


def subscribe(
    email: str, *, locale: str, consent_text: str, source_page: str, done: SubscribeRequest | None = None
) -> list[int]:
    """Record a request to subscribe; returns the ids of the mails it queued.

    The caller answers the same whatever happens here, so nobody learns who is subscribed.
    A confirmed subscriber is left as they are; anyone else (new, pending, left) is pending
    until they confirm, with at most one confirmation mail a day. `done`, the stored request
    this carries out, is deleted first in the same transaction: when another process has already
    carried it out (and deleted it), nothing is done twice.
    """
    if done is not None and not _claim(done):
        db.session.rollback()
        return []
    now = utcnow()
    subscriber = find_subscriber(email)
    wants_mail = subscriber is None or subscriber.status != SubscriberStatus.ACTIVE
    if subscriber is None:
        subscriber = Subscriber(email=email, status=SubscriberStatus.PENDING)
        db.session.add(subscriber)
    if wants_mail:
        subscriber.status = SubscriberStatus.PENDING
        subscriber.locale = locale
        subscriber.consent_text = consent_text
        subscriber.source_page = source_page[:300]
        subscriber.consented_at = now
    try:
        db.session.flush()  # the id goes into the token
        mail = queue_confirmation(subscriber, now=now) if wants_mail else None
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same address at the same moment: the other request won
        return []
    return [mail.id] if mail is not None else []


def _claim(request: SubscribeRequest) -> bool:
    """Delete the stored request in this transaction; False when it was gone already. The delete
    takes the row's lock first, so of two processes carrying out one request the second waits
    for the first to commit, then finds nothing to delete and does nothing.

    The row must still be the request that was read, not only carry its id: SQLite gives a new
    request the id of one deleted meanwhile once the table is empty, and deleting that one would
    lose a reader's subscription."""
    deleted = db.session.execute(
        delete(SubscribeRequest)
        .where(
            SubscribeRequest.id == request.id,
            SubscribeRequest.email == request.email,
            SubscribeRequest.created_at == request.created_at,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expunge(request)
    return deleted.rowcount == 1


def process_subscribe_request(request_id: int) -> list[int]:
    """Carry out a stored request (after the answer, or in `newsletter drain`): the subscription
    and its confirmation mail are queued and the request deleted in one transaction. Running it
    twice, or in two processes at once, subscribes once and queues one mail."""
    for _attempt in range(2):  # a concurrent request for the same address may win the first try
        request = db.session.get(SubscribeRequest, request_id, populate_existing=True)
        if request is None:
            return []
        mail_ids = subscribe(
            request.email,
            locale=request.locale,
            consent_text=request.consent_text,
            source_page=request.source_page,
            done=request,
        )
        if db.session.get(SubscribeRequest, request_id, populate_existing=True) is None:
            return mail_ids
    return []


def process_subscribe_requests() -> tuple[int, int]:
    """Every stored request the answer's own work left (an outage, a killed worker), oldest
    first: (carried out, failed and kept for the next run). Stops at a database outage."""
    done = failed = 0
    for request_id in db.session.execute(select(SubscribeRequest.id).order_by(SubscribeRequest.id)).scalars().all():
        try:
            process_subscribe_request(request_id)
            done += 1
        except SQLAlchemyError as error:
            db.session.rollback()
            if is_unavailable(error):
                raise
            db.session.execute(
                update(SubscribeRequest)
                .where(SubscribeRequest.id == request_id)
                .values(attempts=SubscribeRequest.attempts + 1, last_error=f"{type(error).__name__}"[:500])
            )
            db.session.commit()
            failed += 1
    return done, failed


def pending_subscribe_requests() -> int:
    return db.session.execute(select(func.count(SubscribeRequest.id))).scalar_one()


class ConfirmOutcome(enum.Enum):
    CONFIRMED = "confirmed"  # now (or already) active
    NOT_PENDING = "not-pending"  # left or deleted since: the link no longer applies


def confirm(token: TokenResult) -> tuple[ConfirmOutcome, list[int]]:
    """Pending -> active, with a welcome mail. Replaying the link later changes nothing."""
    subscriber = subscriber_for(token)
    if subscriber is None:
        return ConfirmOutcome.NOT_PENDING, []
    if subscriber.status == SubscriberStatus.ACTIVE:
        return ConfirmOutcome.CONFIRMED, []
    if subscriber.status != SubscriberStatus.PENDING:
        return ConfirmOutcome.NOT_PENDING, []
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.confirmed_at = utcnow()
    subscriber.unsubscribed_at = None
    mail = queue_welcome(subscriber)
    db.session.commit()
    return ConfirmOutcome.CONFIRMED, [mail.id] if mail is not None else []


def request_fresh_confirmation(token: TokenResult) -> list[int]:
    """From an expired link's page: a new mail, if the person is still pending (once a day)."""
    subscriber = subscriber_for(token)
    if subscriber is None or subscriber.status != SubscriberStatus.PENDING:
        return []
    mail = queue_confirmation(subscriber)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return []
    return [mail.id] if mail is not None else []


def unsubscribe(token: TokenResult) -> None:
    """Immediate and idempotent: leaving twice, or after being deleted, is still 'you have left'."""
    subscriber = subscriber_for(token)
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = utcnow()
    # Nothing queued for them goes out any more.
    db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.subscriber_id == subscriber.id, OutboxMail.status == MailStatus.QUEUED)
        .values(status=MailStatus.CANCELLED, last_error="subscriber left")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- what operators do -------------------------------------------------------------------------


def all_subscribers() -> list[Subscriber]:
    return list(db.session.execute(select(Subscriber).order_by(Subscriber.id)).scalars())


def active_subscribers() -> list[Subscriber]:
    query = select(Subscriber).where(Subscriber.status == SubscriberStatus.ACTIVE).order_by(Subscriber.id)
    return list(db.session.execute(query).scalars())


def delete_subscriber(email: str) -> bool:
    """Erase a person: their record, any request of theirs not yet carried out, and every mail
    queued or sent to them."""
    requests = db.session.execute(delete(SubscribeRequest).where(func.lower(SubscribeRequest.email) == email.lower()))
    subscriber = find_subscriber(email)
    if subscriber is None:
        db.session.commit()
        return bool(requests.rowcount)
    db.session.execute(delete(OutboxMail).where(OutboxMail.subscriber_id == subscriber.id))
    db.session.execute(delete(OutboxMail).where(func.lower(OutboxMail.to_address) == subscriber.email.lower()))
    db.session.delete(subscriber)
    db.session.commit()
    return True


def requeue_pending_confirmations() -> list[int]:
    """For `subscribers resend-pending`: every pending person whose confirmation mail never
    went out gets it now (a fresh link, the same logical mail: still one per day at most)."""
    ids: list[int] = []
    now = utcnow()
    for subscriber in db.session.execute(
        select(Subscriber).where(Subscriber.status == SubscriberStatus.PENDING).order_by(Subscriber.id)
    ).scalars():
        unsent = (
            db.session.execute(
                select(OutboxMail).where(
                    OutboxMail.subscriber_id == subscriber.id,
                    OutboxMail.kind == "confirm",
                    OutboxMail.status.in_([MailStatus.QUEUED, MailStatus.FAILED]),
                )
            )
            .scalars()
            .all()
        )
        delivered = db.session.execute(
            select(OutboxMail.id).where(
                OutboxMail.subscriber_id == subscriber.id,
                OutboxMail.kind == "confirm",
                OutboxMail.status.in_([MailStatus.SENT, MailStatus.SENDING]),
            )
        ).first()
        if delivered is not None and not unsent:
            continue
        if unsent:
            mail = unsent[-1]
            # Re-render so the link is fresh: an outage may have outlasted the old one.
            locale = subscriber_locale(subscriber)
            url = external_url("newsletter.confirm", locale=locale.code, token=confirm_token(subscriber))
            rendered = render_subscriber_mail("confirm", subscriber, CONFIRM_SUBJECT, confirm_url=url)
            mail.subject, mail.text_body, mail.html_body = rendered.subject, rendered.text, rendered.html
            mail.headers = dict(rendered.headers)
            mail.status = MailStatus.QUEUED
            mail.next_attempt_at = now
            ids.append(mail.id)
        elif (mail := queue_confirmation(subscriber, now=now)) is not None:
            db.session.flush()
            ids.append(mail.id)
    db.session.commit()
    return ids
