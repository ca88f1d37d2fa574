"""The Comment model: pending until a moderator approves, rejects or marks it as spam."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_article_status_created", "article_slug", "status", "created_at"),
        Index("ix_comments_status_created", "status", "created_at"),
        Index("ix_comments_article_decided", "article_slug", "decided_at"),  # page-cache freshness
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_slug: Mapped[str] = mapped_column(String(120))
    page_locale: Mapped[str] = mapped_column(String(20))  # URL code of the page it was posted on
    language: Mapped[str] = mapped_column(String(35))  # BCP 47 tag of the language it is written in
    author_name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(
        Enum(CommentStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=CommentStatus.PENDING,
    )
    flags: Mapped[str] = mapped_column(String(200), default="")  # e.g. "phone,link": why a moderator should look twice
    body_digest: Mapped[str] = mapped_column(String(64), index=True)  # for duplicate detection
    ip_hash: Mapped[str | None] = mapped_column(String(64))  # HMAC of the network prefix, never the raw IP
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderators.id", ondelete="SET NULL"))

    decided_by = relationship("Moderator")
