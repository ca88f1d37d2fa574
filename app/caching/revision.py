"""The version of an article page, whose change makes a stored copy stale.

The feature whose data changes article pages (comments: a moderation decision) registers how
to read it; caching and the articles blueprint ask for it without importing that feature. The
read goes through SQLAlchemy on every view, so an approval through any worker or host shows at
once (docs/architecture.md, "Public and private responses").
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Flask
from sqlalchemy.engine import Engine

from app.database import engine_of

ReadRevision = Callable[[str, Engine], Hashable]
EXTENSION_KEY = "page_revision"


def register_revision(app: Flask, read_revision: ReadRevision) -> None:
    """Called by the feature whose data changes article pages: `read_revision(slug, engine)`."""
    app.extensions[EXTENSION_KEY] = read_revision


def page_revision(app: Flask, article_slug: str) -> Hashable:
    """The registered revision of an article page in `app`'s database (None: nothing registered,
    the page never changes). Raises SQLAlchemy's errors when the database is unavailable."""
    read_revision: ReadRevision | None = app.extensions.get(EXTENSION_KEY)
    if read_revision is None:
        return None
    return read_revision(article_slug, engine_of(app))
