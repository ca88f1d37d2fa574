"""Who may moderate: checking a login without telling which part was wrong, or how fast."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.moderation.models import Moderator, password_hash_method
from app.timeutil import utcnow


@cache
def _dummy_hash(method: str) -> str:
    """Checked when the address is unknown, so a wrong address costs as long as a wrong password
    (hashed with the same method as moderators' passwords)."""
    return generate_password_hash("not-a-real-password", method=method)


def authenticate(email: str, password: str) -> Moderator | None:
    moderator = Moderator.by_email(email)
    if moderator is None:
        check_password_hash(_dummy_hash(password_hash_method()), password)
        return None
    if not moderator.check_password(password):
        return None
    moderator.last_login_at = utcnow()
    db.session.commit()
    return moderator


def end_every_session(moderator: Moderator) -> None:
    """Logging out invalidates every copy of this moderator's session cookie."""
    moderator.session_version += 1
    db.session.commit()
