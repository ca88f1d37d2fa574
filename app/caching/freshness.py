"""How fresh a shared page is: the article's revision, read from the database cheaply.

The revision (today: the article's comment decisions) is the feature's own query, registered
with `register_revision` by the feature whose data changes the page; caching imports no feature.

The database is the only source of truth for freshness (an approval through any worker or host
must show on every worker at once), so the revision is checked against the database on every
page view, on a connection each thread keeps for this alone:

- SQLite (a file): `PRAGMA data_version` changes whenever any other connection, in any process,
  commits; only then is the revision query run again.
- PostgreSQL: the revision query, prepared once, runs on every view (libpq, no cursor).
- Anything else: the revision query through SQLAlchemy on every view.

The connection comes from the engine's pool and is dropped whenever the engine is disposed (as
after an outage) or fails, so it never outlives what the rest of the app can reach; failures
surface as SQLAlchemy's OperationalError, as they do elsewhere. Nothing here needs a Flask
context: the public-page layer (app/caching/layer.py) calls it before Flask runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask
from sqlalchemy import Engine, Select, event
from sqlalchemy.exc import OperationalError

from app.extensions import db

# Reads an article's revision through SQLAlchemy: (article slug, engine) -> a hashable value.
ReadRevision = Callable[[str, Engine], Hashable]


class _ThreadState(threading.local):
    connection: Any = None  # the pool's connection, detached and kept by this thread
    generation = -1
    data_version: int | None = None
    revisions: dict[str, Hashable]

    def __init__(self) -> None:
        self.revisions = {}


class _RevisionReader:
    """A connection per thread, kept for freshness checks only."""

    def __init__(self, engine: Engine, read_revision: ReadRevision) -> None:
        self.engine = engine
        self.read_revision = read_revision
        self._generation = 0
        self._local = _ThreadState()
        event.listen(engine, "engine_disposed", self._forget_connections)

    def _forget_connections(self, _engine: Engine) -> None:
        self._generation += 1

    def _prepare(self, dbapi_connection: Any) -> None:
        """Set up a new connection for this reader."""

    def _connection(self) -> Any:
        local = self._local
        if local.connection is None or local.generation != self._generation:
            self._close()
            connection = self.engine.raw_connection()
            connection.detach()  # this thread's own: never handed to a request, never pooled
            self._prepare(connection.dbapi_connection)
            local.connection, local.generation = connection, self._generation
        return local.connection.dbapi_connection

    def _close(self) -> None:
        local = self._local
        if local.connection is not None:
            try:
                local.connection.close()
            finally:
                local.connection, local.data_version = None, None
                local.revisions.clear()

    def revision(self, article_slug: str) -> Hashable:
        try:
            return self._read(article_slug)
        except self.engine.dialect.loaded_dbapi.Error as error:
            self._close()
            raise OperationalError("comment revision", None, error) from error

    def _read(self, article_slug: str) -> Hashable:
        raise NotImplementedError


class SqliteChangeProbe(_RevisionReader):
    """Remembers each article's revision until `PRAGMA data_version` says something was committed."""

    def _read(self, article_slug: str) -> Hashable:
        version = self._connection().execute("PRAGMA data_version").fetchone()[0]
        local = self._local
        if version != local.data_version:
            local.revisions.clear()
            local.data_version = version
        found = local.revisions.get(article_slug)
        if found is None:
            # Read after data_version: a commit in between shows as a new version next time.
            found = local.revisions[article_slug] = self.read_revision(article_slug, self.engine)
        return found


class PreparedRevisionQuery(_RevisionReader):
    """The revision query as a server-side prepared statement, run through psycopg's libpq
    interface (`psycopg.pq`) on an autocommit connection: a third of the client time of a cursor,
    and every read sees the latest commit. The key is the row as the server sends it (text)."""

    STATEMENT = b"chg_comment_revision"

    def __init__(self, engine: Engine, read_revision: ReadRevision, query: Select) -> None:
        super().__init__(engine, read_revision)
        sql = str(query.compile(dialect=engine.dialect))
        if sql.count("%(slug)s") != 1:
            raise ValueError(f"unexpected revision query: {sql}")
        self.sql = sql.replace("%(slug)s", "$1").encode()

    def _prepare(self, dbapi_connection: Any) -> None:
        dbapi_connection.autocommit = True  # each read sees the latest commit, holds no snapshot
        result = dbapi_connection.pgconn.prepare(self.STATEMENT, self.sql)
        self._check(result, "COMMAND_OK")

    def _read(self, article_slug: str) -> Hashable:
        pgconn = self._connection().pgconn
        result = pgconn.exec_prepared(self.STATEMENT, [article_slug.encode()])
        self._check(result, "TUPLES_OK")
        return result.get_value(0, 0), result.get_value(0, 1)

    def _check(self, result: Any, expected: str) -> None:
        from psycopg import OperationalError as DriverError
        from psycopg.pq import ExecStatus

        if result.status != getattr(ExecStatus, expected):
            message = (result.error_message or b"").decode(errors="replace")
            raise DriverError(f"comment revision query failed: {message}")


class Freshness:
    """The freshness keys of shared pages for one app (app.extensions["freshness"])."""

    def __init__(self, engine: Engine, read_revision: ReadRevision, query: Select) -> None:
        url = engine.url
        self.engine = engine
        self.read_revision = read_revision
        self.reader: _RevisionReader | None = None
        if url.get_backend_name() == "sqlite":
            if url.database not in (None, "", ":memory:"):
                self.reader = SqliteChangeProbe(engine, read_revision)
        elif url.get_driver_name() == "psycopg":
            self.reader = PreparedRevisionQuery(engine, read_revision, query)

    def article_revision(self, article_slug: str) -> Hashable:
        """Raises SQLAlchemy's OperationalError (or another SQLAlchemyError) when unavailable."""
        if self.reader is None:
            return self.read_revision(article_slug, self.engine)
        return self.reader.revision(article_slug)


def article_revision(app: Flask, article_slug: str) -> Hashable:
    """The version of an article's public page (the registered revision) in `app`'s database."""
    freshness: Freshness = app.extensions["freshness"]
    return freshness.article_revision(article_slug)


def register_revision(app: Flask, read_revision: ReadRevision, query: Select) -> None:
    """Called by the feature whose data changes article pages: `read_revision(slug, engine)`, and
    the same read as one statement with a `slug` bind parameter (prepared on PostgreSQL)."""
    with app.app_context():
        app.extensions["freshness"] = Freshness(db.engine, read_revision, query)
