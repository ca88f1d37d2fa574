"""The newsletter's mails: rendered for a subscriber in their language, queued in the outbox, and
their three kinds registered with it (each still goes only while its subscriber is in the state
it was queued for: a confirmation while pending, a welcome or an announcement while active)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from app.extensions import db
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, find_locale
from app.mail import outbox
from app.mail.kinds import MailKind, register_kind
from app.mail.models import OutboxMail
from app.mail.rendering import RenderedMail, render_mail
from app.newsletter.models import Subscriber, SubscriberStatus


def subscriber_locale(subscriber: Subscriber) -> SiteLocale:
    return find_locale(subscriber.locale) or SOURCE_LOCALE


def render_subscriber_mail(
    kind: str,
    subscriber: Subscriber,
    subject: object,
    *,
    unsubscribe_url: str | None = None,
    **context: object,
) -> RenderedMail:
    """Render templates/newsletter/mail/<kind>.txt and .html in the subscriber's language.

    `subject` is a lazy catalogue message, translated here under the subscriber's locale.
    Mails hold only catalogue text, article text from the catalogues, and links.
    """
    return render_mail(
        f"newsletter/mail/{kind}", subscriber_locale(subscriber), subject, unsubscribe_url=unsubscribe_url, **context
    )


def queue_for_subscriber(dedupe_key: str, kind: str, subscriber: Subscriber, mail: RenderedMail) -> OutboxMail | None:
    """Queue a mail to a subscriber on the outbox's terms (None: one with this key exists)."""
    return outbox.enqueue(dedupe_key, kind, subscriber.email, mail, subscriber_id=subscriber.id)


def _while_subscriber_is(status: SubscriberStatus) -> Callable[[OutboxMail], bool]:
    def still_wanted(mail: OutboxMail) -> bool:
        if mail.subscriber_id is None:
            return True
        subscriber = db.session.get(Subscriber, mail.subscriber_id)
        return subscriber is not None and subscriber.status == status and subscriber.email == mail.to_address

    return still_wanted


MAIL_KINDS = (
    # A second confirmation or welcome mail is harmless (its link does what the first one's
    # does); a lost one blocks a person's subscription: these two go again after an interruption.
    MailKind("confirm", _while_subscriber_is(SubscriberStatus.PENDING), resent_when_interrupted=True),
    MailKind("welcome", _while_subscriber_is(SubscriberStatus.ACTIVE), resent_when_interrupted=True),
    MailKind("announcement", _while_subscriber_is(SubscriberStatus.ACTIVE)),
)


def register_mail_kinds(app: Flask) -> None:
    for kind in MAIL_KINDS:
        register_kind(app, kind)
