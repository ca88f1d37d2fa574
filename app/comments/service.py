"""Comment rules: posting, spam and duplicate handling, rate limits, showing (moderators decide in
app/moderation/decisions.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from sqlalchemy import Engine, bindparam, func, select, update

from app.comments.models import Comment, CommentStatus
from app.comments.sanitise import flags_for
from app.database import commit_or_find
from app.extensions import db, limiter
from app.security import client_network
from app.timeutil import utcnow

DUPLICATE_WINDOW = dt.timedelta(days=1)
logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Submission:
    article_slug: str
    page_locale: str  # URL code of the page it was posted on
    language: str  # BCP 47 tag of the language it is written in
    author_name: str
    body: str
    ip: str | None


def ip_hash(ip: str | None) -> str | None:
    """HMAC of the /24 (IPv4) or /48 (IPv6) prefix: enough to spot floods, never the address."""
    network = client_network(ip)
    if network is None:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"comment-ip:{network}".encode(), hashlib.sha256).hexdigest()


def body_digest(article_slug: str, author_name: str, body: str) -> str:
    canonical = "\x1f".join((article_slug, author_name.casefold(), " ".join(body.casefold().split())))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- per-IP rate limits (checked before a post is handled, counted when one is stored) ---


def _limit_items():
    return parse_many(current_app.config["COMMENT_RATE_LIMIT"])


def _limits_on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


# While the shared rate-limit storage (Redis) cannot be reached, comments are counted in this
# process alone, as Flask-Limiter's own in-memory fallback does for the routes it limits: a
# storage outage never turns a post into an error, and never lifts the limits altogether.
_fallback: list[RateLimiter] = []  # made on first use, in the process that needs it


def _with_limiter(action: Callable[[RateLimiter], T]) -> T:
    try:
        return action(limiter.limiter)
    except Exception as error:  # any storage failure: connection refused, timeout, reset
        logger.warning("Rate-limit storage unreachable (%s): comments counted per process", type(error).__name__)
        if not _fallback:
            _fallback.append(FixedWindowRateLimiter(MemoryStorage()))
        return action(_fallback[0])


def seconds_until_allowed(ip: str | None) -> int | None:
    """None when this address may post now, else how many seconds until it may."""
    if not _limits_on():
        return None
    key = ip or "unknown"

    def waits(strategy: RateLimiter) -> list[int]:
        found = []
        for item in _limit_items():
            if not strategy.test(item, "comments", key):
                reset_at = strategy.get_window_stats(item, "comments", key).reset_time
                found.append(max(1, math.ceil(reset_at - time.time())))
        return found

    found = _with_limiter(waits)
    return max(found) if found else None


def _count_post(ip: str | None) -> None:
    """After the comment is stored: counted wherever counting works, never an error."""
    if _limits_on():
        _with_limiter(lambda strategy: [strategy.hit(item, "comments", ip or "unknown") for item in _limit_items()])


# --- posting ---


def _forget_old_addresses() -> None:
    days = current_app.config["COMMENT_IP_RETENTION_DAYS"]
    cutoff = utcnow() - dt.timedelta(days=days)
    db.session.execute(
        update(Comment).where(Comment.ip_hash.is_not(None), Comment.created_at < cutoff).values(ip_hash=None)
    )


def _is_duplicate(digest: str) -> bool:
    since = utcnow() - DUPLICATE_WINDOW
    found = db.session.execute(
        select(Comment.id).where(Comment.body_digest == digest, Comment.created_at >= since).limit(1)
    ).first()
    return found is not None


def _stored_id(digest: str, created_at: dt.datetime) -> int | None:
    return db.session.execute(
        select(Comment.id).where(Comment.body_digest == digest, Comment.created_at == created_at)
    ).scalar()


def _store(submission: Submission, status: CommentStatus) -> Comment:
    digest = body_digest(submission.article_slug, submission.author_name, submission.body)
    if status is CommentStatus.PENDING and _is_duplicate(digest):
        status = CommentStatus.SPAM
    created_at = utcnow()
    comment = Comment(
        created_at=created_at,
        article_slug=submission.article_slug,
        page_locale=submission.page_locale,
        language=submission.language,
        author_name=submission.author_name[:80],
        body=submission.body[:5000],
        status=status,
        flags=",".join(flags_for(f"{submission.author_name}\n{submission.body}")),
        body_digest=digest,
        ip_hash=ip_hash(submission.ip),
    )
    db.session.add(comment)
    _forget_old_addresses()
    # A commit whose answer was lost is looked up: stored means answered as stored, never "send
    # it again" for a comment that is waiting for a moderator.
    found = commit_or_find(lambda: _stored_id(digest, created_at))
    if found is not None:
        comment = db.session.get(Comment, found)
    _count_post(submission.ip)
    return comment


def post_comment(submission: Submission) -> Comment:
    """Store a checked comment as pending (as spam when it repeats a recent one)."""
    return _store(submission, CommentStatus.PENDING)


def record_spam(submission: Submission) -> Comment:
    """Keep a refused post out of sight: stored as spam, never shown."""
    return _store(submission, CommentStatus.SPAM)


# --- showing ---


@dataclass(frozen=True)
class CommentPage:
    comments: Sequence[Comment]
    page: int
    pages: int
    total: int


def approved_count(article_slug: str) -> int:
    return db.session.execute(
        select(func.count(Comment.id)).where(
            Comment.article_slug == article_slug, Comment.status == CommentStatus.APPROVED
        )
    ).scalar_one()


def comment_revision(article_slug: str, engine: Engine | None = None) -> tuple[int, str | None]:
    """Changes whenever a moderation decision touches the article's comments (the page-cache key)."""
    # A plain connection and a prebuilt statement, not the ORM session: this runs on every page view.
    with (engine or db.engine).connect() as connection:
        count, latest = connection.execute(REVISION_QUERY, {"slug": article_slug}).one()
    return count, latest.isoformat() if latest is not None else None


REVISION_QUERY = select(func.count(Comment.decided_at), func.max(Comment.decided_at)).where(
    Comment.article_slug == bindparam("slug")
)


def approved_comments_for(article_slug: str, page: int = 1) -> CommentPage:
    """One page of approved comments, oldest first; read from the database on every request."""
    per_page = current_app.config["COMMENTS_PER_PAGE"]
    total = approved_count(article_slug)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    comments = (
        db.session.execute(
            select(Comment)
            .where(Comment.article_slug == article_slug, Comment.status == CommentStatus.APPROVED)
            .order_by(Comment.created_at, Comment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .scalars()
        .all()
    )
    return CommentPage(comments, page, pages, total)


def own_comments_among(ids: Iterable[int], article_slug: str) -> list[Comment]:
    """A poster's own comments (ids from their session) that no moderator has decided on yet.

    Comments refused quietly at posting time (spam) are listed as awaiting moderation too, so a
    poster cannot tell a quiet refusal from an accepted comment.
    """
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return []
    return list(
        db.session.execute(
            select(Comment)
            .where(
                Comment.id.in_(wanted),
                Comment.article_slug == article_slug,
                Comment.decided_at.is_(None),
                Comment.status.in_((CommentStatus.PENDING, CommentStatus.SPAM)),
            )
            .order_by(Comment.created_at, Comment.id)
        ).scalars()
    )
