"""Database binding: SQLite gets WAL mode and a busy timeout so several workers can write.

Also what a request does when the database cannot be reached (docs/architecture.md, "When the
database is unavailable": pages that need no database still serve, forms answer 503 with the
input kept): parts of a page that can do without the database read through `optional_read`; a
view that holds a person's input names, with `answer_if_unavailable`, the page that keeps it;
everything else gets the translated 503 page from app/errors.py. Nothing is cached about the
outage, so the next request tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from flask import Flask, g
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.extensions import db

logger = logging.getLogger(__name__)

# What "the database is unavailable" looks like: connection refused or lost, file unopenable,
# lock timeout. Other database errors (integrity, syntax) are bugs and stay 500s.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
T = TypeVar("T")


def is_unavailable(error: BaseException) -> bool:
    return isinstance(error, UNAVAILABLE_ERRORS) or (isinstance(error, DBAPIError) and error.connection_invalidated)


def discard_failed_transaction(error: BaseException | None = None) -> None:
    """Roll the session back so this request (and the pooled connection) can carry on."""
    if error is not None:
        # The driver's message only: the SQL statement and its parameters may hold personal data.
        reason = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0][:200]
        logger.warning("Database unavailable: %s", reason)
    # If the connection itself is gone, the pool drops it and the next checkout reconnects.
    with suppress(DBAPIError):
        db.session.rollback()


def optional_read(read: Callable[[], T], default: T) -> T:
    """`read()`, or `default` when the database is unavailable (for page parts that can wait)."""
    try:
        return read()
    except DBAPIError as error:
        if not is_unavailable(error):
            raise
        discard_failed_transaction(error)
        return default


def commit_or_find(find: Callable[[], T | None]) -> T | None:
    """Commit; if the database became unavailable during the commit, the commit may still have
    happened (the server committed, then the connection died before it said so): `find()`, on a
    fresh connection, says whether what was being stored is there. Returns what it found (the
    caller answers "stored"), None after an ordinary commit; raises the commit's error when it
    was not stored, or when that cannot be told (the caller answers 503 with the input kept)."""
    try:
        db.session.commit()
        return None
    except DBAPIError as error:
        if not is_unavailable(error):
            raise
        discard_failed_transaction(error)
        try:
            found = find()
        except DBAPIError as again:
            discard_failed_transaction(again)
            raise error from None
        if found is None:
            raise
        logger.warning("A commit reported a lost connection but had been stored; answered as stored")
        return found


def answer_if_unavailable(answer: Callable[[], ResponseReturnValue]) -> None:
    """Name the response this request gives if the database turns out to be unavailable
    (e.g. the form again, with what the person typed, status 503)."""
    g.database_unavailable_answer = answer


def unavailable_answer() -> Callable[[], ResponseReturnValue] | None:
    return g.pop("database_unavailable_answer", None)


def _tune_sqlite(dbapi_connection, lock_timeout_ms: int) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={lock_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def end_session(_error: BaseException | None = None) -> None:
    """At the end of every request and CLI command, before Flask-SQLAlchemy's own teardown (which
    then has nothing left to do): close the session, and if its connection died meanwhile, drop
    it rather than let the error escape. The answer has been made by then (the view's, after its
    commit or its 503); a dying connection must not turn it into the server's bare 500."""
    if not db.session.registry.has():
        return
    session = db.session()
    try:
        session.close()
    except DBAPIError as error:
        reason = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0][:200]
        logger.warning("Database connection lost at the end of a request: %s", reason)
        with suppress(DBAPIError):
            session.invalidate()
    db.session.remove()


def engine_of(app: Flask) -> Engine:
    """The app's engine, with no app context needed (the public-page layer runs before Flask)."""
    return app.extensions["database_engine"]


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    lock_timeout = float(app.config.get("DATABASE_LOCK_TIMEOUT", 10))
    lock_timeout_ms = int(lock_timeout * 1000)
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": lock_timeout})
        # A local file never drops a connection: skip the per-checkout ping (a query per request).
        options["pool_pre_ping"] = False
    elif uri.startswith("postgresql"):
        # A lock held longer than this (a migration, an operator's LOCK TABLE) fails the statement
        # (503, the input kept) instead of holding the worker until gunicorn kills it.
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("options", f"-c lock_timeout={lock_timeout_ms}")
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    app.teardown_appcontext(end_session)  # registered after Flask-SQLAlchemy's: runs before it
    with app.app_context():
        app.extensions["database_engine"] = db.engine
    if uri.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", lambda connection, _record: _tune_sqlite(connection, lock_timeout_ms))
