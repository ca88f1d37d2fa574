"""The digest mail that tells moderators which comments wait, through the mail outbox.

Guarantee: a moderator with notifications on gets at most one digest per chosen interval, and
only when a comment arrived since their last one. Two runs at once (threads, processes, hosts)
queue it once: the claim on `Moderator.last_digest_at` is a conditional UPDATE that only one run
can win, and the outbox key (moderator and interval window) is unique, so even a run that got
past the claim (a stale read, another host) cannot queue a second copy in the same window.
The outbox then sends it once, retrying through an SMTP outage.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, find_locale, registered_locales
from app.interface_fallback import lazy_ngettext
from app.mail import outbox
from app.mail.rendering import RenderedMail, external_url, render_mail
from app.moderation.models import Moderator
from app.moderation.notifications import DIGEST_MAIL_KIND
from app.moderation.waiting import WaitingSummary, waiting_summary
from app.timeutil import utcnow


def digest_subject(total: int) -> object:
    """A lazy subject, translated when the mail is rendered in the moderator's language."""
    # Translators: subject of the mail telling a moderator how many comments wait for moderation.
    # %(num)d is that number.
    return lazy_ngettext(
        "%(num)d comment is waiting for moderation", "%(num)d comments are waiting for moderation", total
    )


def digest_key(moderator: Moderator, now: dt.datetime) -> str:
    """One key per moderator and interval window: the outbox refuses a second digest in it."""
    window = int(now.timestamp()) // (moderator.notify_interval_minutes * 60)
    return f"digest:{moderator.id}:{moderator.notify_interval_minutes}:{window}"


def moderator_locale(moderator: Moderator) -> SiteLocale:
    return find_locale(moderator.notify_locale) or SOURCE_LOCALE


def render_digest(moderator: Moderator, summary: WaitingSummary, now: dt.datetime) -> RenderedMail:
    """The digest in the moderator's language. It holds counts, article slugs, language names,
    flag reasons and links to the queue, never what a commenter typed, and no link that changes
    anything (every decision is a form in the moderation area)."""
    site_locale = moderator_locale(moderator)
    return render_mail(
        "moderation/mail/digest",
        site_locale,
        digest_subject(summary.total),
        summary=summary,
        now=now,
        languages={loc.lang: loc for loc in registered_locales()},
        queue_url=external_url("moderation.queue", locale=site_locale.code),
        settings_url=external_url("moderation.settings", locale=site_locale.code),
    )


def _claim_digest(moderator: Moderator, now: dt.datetime) -> bool:
    """Mark a digest as queued now, unless another run did within the interval (then False)."""
    interval = dt.timedelta(minutes=moderator.notify_interval_minutes)
    claimed = db.session.execute(
        update(Moderator)
        .where(
            Moderator.id == moderator.id,
            Moderator.notify.is_(True),
            or_(Moderator.last_digest_at.is_(None), Moderator.last_digest_at <= now - interval),
        )
        .values(last_digest_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def queue_digest(moderator: Moderator, summary: WaitingSummary, now: dt.datetime) -> int | None:
    """Queue this moderator's digest if one is due; returns the outbox id, or None."""
    previous = moderator.last_digest_at
    if not moderator.notify or summary.newest_at is None:
        return None
    if previous is not None and (
        summary.newest_at <= previous or now - previous < dt.timedelta(minutes=moderator.notify_interval_minutes)
    ):
        return None  # nothing new since the last digest, or too soon after it
    rendered = render_digest(moderator, summary, now)
    try:
        if not _claim_digest(moderator, now):
            db.session.rollback()
            return None
        mail = outbox.enqueue(digest_key(moderator, now), DIGEST_MAIL_KIND, moderator.email, rendered)
        if mail is None:
            db.session.rollback()
            return None
        db.session.commit()
    except IntegrityError:  # a run on another host queued the same key first
        db.session.rollback()
        return None
    return mail.id


def queue_digests(now: dt.datetime | None = None) -> list[int]:
    """Queue the digests due now, one per moderator at most; returns their outbox ids."""
    now = now or utcnow()
    summary = waiting_summary()
    if summary.total == 0:
        return []
    moderators = db.session.execute(select(Moderator).where(Moderator.notify.is_(True)).order_by(Moderator.id))
    queued = []
    for moderator in moderators.scalars().all():
        if (mail_id := queue_digest(moderator, summary, now)) is not None:
            queued.append(mail_id)
    return queued


def send_digests(now: dt.datetime | None = None) -> outbox.DeliveryReport:
    """`flask comments digest`: queue what is due, then send every digest waiting in the outbox
    (this run's, and earlier ones held back by an outage whose retry is due)."""
    queue_digests(now)
    return outbox.deliver(outbox.due_mail_ids(kinds=[DIGEST_MAIL_KIND]))
