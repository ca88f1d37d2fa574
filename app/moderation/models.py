"""Moderator accounts (Flask-Login users); passwords hashed with Werkzeug's scrypt
(PASSWORD_HASH_METHOD)."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


def password_hash_method() -> str:
    """The app's PASSWORD_HASH_METHOD: Werkzeug's full-cost scrypt (app/config.py)."""
    return str(current_app.config["PASSWORD_HASH_METHOD"])


class Moderator(UserMixin, db.Model):
    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    session_version: Mapped[int] = mapped_column(default=1)  # bump to log out every session
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The digest mail about waiting comments (app/moderation/digest.py): on by default, so a
    # new moderator hears about comments without having to find a setting first.
    notify: Mapped[bool] = mapped_column(default=True)
    notify_interval_minutes: Mapped[int] = mapped_column(default=60)  # one of DIGEST_INTERVALS
    notify_locale: Mapped[str] = mapped_column(String(20), default="en")  # URL code of the mail's language
    # When this moderator's last digest was queued: the next one waits a whole interval, and
    # tells only of comments that arrived since.
    last_digest_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    @classmethod
    def by_email(cls, email: str) -> Moderator | None:
        """The moderator who logs in with this address (any case, surrounding spaces ignored)."""
        return db.session.execute(
            select(cls).where(func.lower(cls.email) == email.strip().lower())
        ).scalar_one_or_none()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"
