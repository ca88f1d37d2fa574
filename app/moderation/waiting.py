"""What waits in the moderation queue: counts per article and language, and the flagged comments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app.comments.models import Comment, CommentStatus
from app.extensions import db


@dataclass
class WaitingGroup:
    """The pending comments on one article in one language."""

    article_slug: str
    language: str  # BCP 47 tag of the language the comments are written in
    count: int = 0
    flagged: int = 0
    oldest_at: dt.datetime | None = None
    oldest_id: int = 0  # where the group starts in the queue (the queue lists oldest first)


@dataclass(frozen=True)
class FlaggedComment:
    id: int
    article_slug: str
    language: str
    reasons: tuple[str, ...]  # flag codes: "email", "phone", "link"
    created_at: dt.datetime


@dataclass
class WaitingSummary:
    total: int = 0
    groups: list[WaitingGroup] = field(default_factory=list)  # oldest waiting first
    flagged: list[FlaggedComment] = field(default_factory=list)  # oldest first
    newest_at: dt.datetime | None = None


def waiting_summary() -> WaitingSummary:
    """Every pending comment counted, without reading a comment's text: flagged ones listed
    with their reasons, the rest grouped per article and language, oldest waiting first."""
    rows = db.session.execute(
        select(Comment.id, Comment.article_slug, Comment.language, Comment.flags, Comment.created_at)
        .where(Comment.status == CommentStatus.PENDING)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    summary = WaitingSummary(total=len(rows))
    groups: dict[tuple[str, str], WaitingGroup] = {}
    for comment_id, slug, language, flags, created_at in rows:
        group = groups.get((slug, language))
        if group is None:
            group = groups[(slug, language)] = WaitingGroup(slug, language, oldest_at=created_at, oldest_id=comment_id)
        group.count += 1
        if reasons := tuple(flag for flag in (flags or "").split(",") if flag):
            group.flagged += 1
            summary.flagged.append(FlaggedComment(comment_id, slug, language, reasons, created_at))
        summary.newest_at = created_at
    # Rows come oldest first, so groups are made (and kept) in the order of their oldest comment.
    summary.groups = list(groups.values())
    return summary
