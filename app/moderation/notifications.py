"""A moderator's notification settings: whether, how often and in which language digests come."""

from __future__ import annotations

from app.extensions import db
from app.i18n.locales import find_locale
from app.mail.kinds import MailKind
from app.moderation.models import Moderator

# Minutes a moderator may choose between two digests: the settings page and the CLI offer these.
DIGEST_INTERVALS = (15, 30, 60, 180, 360, 1440)
DIGEST_MAIL_KIND = "digest"  # the outbox's name for the digest mail


def still_wants_digests(address: str) -> bool:
    """Whether a queued digest should still go: its moderator exists and has not turned them off."""
    moderator = Moderator.by_email(address)
    return moderator is not None and moderator.notify


# Registered with the outbox by the moderation blueprint: a moderator may turn digests off while
# one waits; an interrupted digest waits for an operator (the next digest covers it anyway).
DIGEST_MAIL = MailKind(DIGEST_MAIL_KIND, still_wanted=lambda mail: still_wants_digests(mail.to_address))


class InvalidSetting(ValueError):
    """A setting outside what the page and the CLI offer."""


def update_notifications(
    moderator: Moderator,
    *,
    notify: bool | None = None,
    interval_minutes: int | None = None,
    locale_code: str | None = None,
) -> None:
    """Change the settings given (None leaves one as it is) and commit."""
    if interval_minutes is not None and interval_minutes not in DIGEST_INTERVALS:
        raise InvalidSetting(f"interval must be one of {', '.join(map(str, DIGEST_INTERVALS))} minutes")
    site_locale = find_locale(locale_code) if locale_code is not None else None
    if locale_code is not None and (site_locale is None or site_locale.code != locale_code.lower()):
        raise InvalidSetting(f"unknown language {locale_code!r}")
    if notify is not None:
        moderator.notify = notify
    if interval_minutes is not None:
        moderator.notify_interval_minutes = interval_minutes
    if site_locale is not None:
        moderator.notify_locale = site_locale.code
    db.session.commit()
