"""Flask-Login wiring: the session names a moderator and their session version."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy import select

from app.database import optional_read
from app.extensions import db, login_manager
from app.moderation.models import Moderator


@login_manager.user_loader
def load_moderator(session_id: str) -> Moderator | None:
    moderator_id, _, version = session_id.partition(":")
    if not moderator_id.isdigit() or not version.isdigit():
        return None
    # Every page asks (Flask-Login's template context): with the database down, nobody is signed in.
    moderator = optional_read(
        lambda: db.session.execute(select(Moderator).where(Moderator.id == int(moderator_id))).scalar_one_or_none(),
        default=None,
    )
    if moderator is None or moderator.session_version != int(version):
        return None
    return moderator


def current_moderator() -> Moderator | None:
    """For moderation templates only: asking loads the session, which public pages never do."""
    return current_user if current_user.is_authenticated else None


def init_app(app: Flask) -> None:
    login_manager.session_protection = "strong"
    app.jinja_env.globals["current_moderator"] = current_moderator
