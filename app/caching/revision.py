"""The version of an article page, whose change makes a stored copy stale.

The feature whose data changes article pages (comments: a moderation decision) registers how
to read it; caching and the articles blueprint ask for it without importing that feature. The
read goes through SQLAlchemy. Each process keeps a revision it has read for at most
`PAGE_REVISION_MAX_AGE` seconds (default 1): a decision made through any worker or host shows on
every worker within that time, well inside the shared lifetime every public page already has
(docs/architecture.md, "Public and private responses"), and a decision made through this process
shows at once (`revision_changed`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.engine import Engine

from app.database import engine_of

ReadRevision = Callable[[str, Engine], Hashable]
EXTENSION_KEY = "page_revision"


@dataclass
class Revisions:
    """The registered read and, per article, the revision last read with when (monotonic seconds)."""

    read: ReadRevision
    max_age: float
    seen: dict[str, tuple[Hashable, float]] = field(default_factory=dict)

    def current(self, app: Flask, article_slug: str) -> Hashable:
        now = time.monotonic()
        known = self.seen.get(article_slug)
        if known is not None and now - known[1] < self.max_age:
            return known[0]
        revision = self.read(article_slug, engine_of(app))  # an unavailable database raises: nothing kept
        self.seen[article_slug] = (revision, now)
        return revision


def register_revision(app: Flask, read_revision: ReadRevision) -> None:
    """Called by the feature whose data changes article pages: `read_revision(slug, engine)`."""
    app.extensions[EXTENSION_KEY] = Revisions(read_revision, float(app.config["PAGE_REVISION_MAX_AGE"]))


def page_revision(app: Flask, article_slug: str) -> Hashable:
    """The registered revision of an article page in `app`'s database (None: nothing registered,
    the page never changes). Raises SQLAlchemy's errors when the database is unavailable."""
    revisions: Revisions | None = app.extensions.get(EXTENSION_KEY)
    if revisions is None:
        return None
    return revisions.current(app, article_slug)


def revision_changed(app: Flask, article_slugs: Iterable[str]) -> None:
    """Called after a change to these articles' pages through this process: read again at once."""
    revisions: Revisions | None = app.extensions.get(EXTENSION_KEY)
    if revisions is not None:
        for slug in article_slugs:
            revisions.seen.pop(slug, None)
