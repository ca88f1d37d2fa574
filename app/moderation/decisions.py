"""Moderation decisions on comments: the queue of pending comments, and approving, rejecting or
marking them as spam (who and when recorded)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import func, select

from app.caching.revision import revision_changed
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.moderation.models import Moderator
from app.timeutil import utcnow


def pending_queue(limit: int = 200) -> list[Comment]:
    """Pending comments, oldest first: nothing is ever purged from here silently."""
    return list(
        db.session.execute(
            select(Comment)
            .where(Comment.status == CommentStatus.PENDING)
            .order_by(Comment.created_at, Comment.id)
            .limit(limit)
        ).scalars()
    )


def pending_total() -> int:
    return db.session.execute(
        select(func.count(Comment.id)).where(Comment.status == CommentStatus.PENDING)
    ).scalar_one()


def decide(ids: Iterable[int], status: CommentStatus, moderator: Moderator | None) -> list[int]:
    """Approve, reject or mark as spam; records who and when. Returns the ids changed."""
    if status is CommentStatus.PENDING:
        raise ValueError("a decision cannot set a comment back to pending")
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    comments = db.session.execute(select(Comment).where(Comment.id.in_(wanted))).scalars().all()
    now = utcnow()
    for comment in comments:
        comment.status = status
        comment.decided_at = now
        comment.decided_by_id = moderator.id if moderator is not None else None
    db.session.commit()
    # This worker shows the decision at once; others within PAGE_REVISION_MAX_AGE.
    revision_changed(current_app, {comment.article_slug for comment in comments})
    return sorted(comment.id for comment in comments)
