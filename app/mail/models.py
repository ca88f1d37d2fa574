"""The mail outbox table: every mail queued, with its status, attempts and next attempt."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender; if it stays here the outcome is unknown: never resent
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt, or the address was refused
    CANCELLED = "cancelled"  # the recipient left (or turned the mail off) before it went out


class OutboxMail(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique per logical mail (e.g. "announce:<slug>:<subscriber id>"), so nothing is sent twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    # A kind registered in app/mail/kinds.py: confirm | welcome | announcement (newsletter), digest (moderation).
    kind: Mapped[str] = mapped_column(String(20))
    # The newsletter subscriber a mail goes to, if any: their mails are deleted with them.
    subscriber_id: Mapped[int | None] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(
        Enum(MailStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=MailStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
