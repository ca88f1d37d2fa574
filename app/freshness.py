"""How fresh a shared page is: the article's comment revision, read from the database cheaply.

The database is the only source of truth for freshness (an approval through any worker or host
must show on every worker at once), so the revision is read on every page view. On a SQLite file
a per-thread connection first asks `PRAGMA data_version`, which changes whenever any other
connection, in any process, commits; only then is the revision query run again. On other
databases (PostgreSQL) the query runs on every view.

The probe connection comes from the engine's pool and is dropped whenever the engine is
disposed (as after an outage), so it never outlives what the rest of the app can reach.
Nothing here needs a Flask context: app/fast_path.py calls it before Flask runs.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from app.comments.service import comment_revision
from app.extensions import db


class _ThreadProbe(threading.local):
    connection: Any = None  # the pool's connection, detached and kept by this thread
    generation = -1
    data_version: int | None = None
    revisions: dict[str, Hashable]

    def __init__(self) -> None:
        self.revisions = {}


class SqliteChangeProbe:
    """Remembers each article's revision until `PRAGMA data_version` says something was committed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._generation = 0
        self._local = _ThreadProbe()
        event.listen(engine, "engine_disposed", self._forget_connections)

    def _forget_connections(self, _engine: Engine) -> None:
        self._generation += 1

    def _data_version(self) -> int:
        local = self._local
        try:
            if local.connection is None or local.generation != self._generation:
                self._close()
                connection = self.engine.raw_connection()
                connection.detach()  # this thread's own: never handed to a request, never pooled
                local.connection, local.generation = connection, self._generation
            return local.connection.dbapi_connection.execute("PRAGMA data_version").fetchone()[0]
        except self.engine.dialect.loaded_dbapi.Error as error:
            self._close()
            # As the rest of the app sees database failures: SQLAlchemy's OperationalError.
            raise OperationalError("PRAGMA data_version", None, error) from error

    def _close(self) -> None:
        local = self._local
        if local.connection is not None:
            try:
                local.connection.close()
            finally:
                local.connection, local.data_version = None, None
                local.revisions.clear()

    def revision(self, article_slug: str) -> Hashable:
        version = self._data_version()
        local = self._local
        if version != local.data_version:
            local.revisions.clear()
            local.data_version = version
        found = local.revisions.get(article_slug)
        if found is None:
            # Read after data_version: a commit in between shows as a new version next time.
            found = local.revisions[article_slug] = comment_revision(article_slug, self.engine)
        return found


class Freshness:
    """The freshness keys of shared pages for one app (app.extensions["freshness"])."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        url = engine.url
        is_sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        self.probe = SqliteChangeProbe(engine) if is_sqlite_file else None

    def article_revision(self, article_slug: str) -> Hashable:
        """Raises SQLAlchemyError (or the driver's error) when the database is unavailable."""
        if self.probe is None:
            return comment_revision(article_slug, self.engine)
        return self.probe.revision(article_slug)


def article_revision(article_slug: str) -> Hashable:
    """The freshness key of an article's shared page, for the current app."""
    freshness: Freshness = current_app.extensions["freshness"]
    return freshness.article_revision(article_slug)


def init_app(app: Flask) -> None:
    with app.app_context():
        app.extensions["freshness"] = Freshness(db.engine)
