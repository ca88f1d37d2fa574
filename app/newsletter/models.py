"""Subscribers, and subscribe requests stored before they are answered (their mails: app/newsletter/mails.py)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class SubscriberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"


class Subscriber(db.Model):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalised, lower-cased
    status: Mapped[SubscriberStatus] = mapped_column(_enum(SubscriberStatus), default=SubscriberStatus.PENDING)
    locale: Mapped[str] = mapped_column(String(20))
    consent_text: Mapped[str] = mapped_column(Text)  # the exact wording shown when they subscribed
    source_page: Mapped[str] = mapped_column(String(300))
    consented_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirmation_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SubscribeRequest(db.Model):
    """A subscribe form as it was sent, stored before the answer "check your inbox" leaves.

    The view only ever inserts one of these (the same statement for every address, so the answer
    says nothing about who is subscribed); turning it into a subscription and a confirmation mail
    happens after the answer, and again in `flask newsletter drain` for any the first try left
    (an outage, a timeout, a killed worker): a row is deleted only in the transaction that made
    its subscription.
    """

    __tablename__ = "subscribe_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # normalised, as the form validated it
    locale: Mapped[str] = mapped_column(String(20))
    consent_text: Mapped[str] = mapped_column(Text)
    source_page: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
