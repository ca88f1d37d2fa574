"""The PostgreSQL test databases handed from one test to the next (tests/postgres_reuse.py):
the next test finds what a fresh copy of the migrated template holds, or a new database."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import MIGRATED, _drop_postgres_database, _postgres_database
from tests.postgres_reuse import ReusedDatabases

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")


ADD_SUBSCRIBER = (
    "INSERT INTO subscribers (email, status, locale, consent_text, source_page, consented_at, created_at)"
    " VALUES ('{email}', 'ACTIVE', 'en', 'I agree', '/en/subscribe', now(), now())"
)


@pytest.fixture
def server() -> str:
    return os.environ["TEST_DATABASE_URL"]


@pytest.fixture
def template_url(server: str) -> str:
    return MIGRATED.postgres_template(server)


@pytest.fixture
def reused(server: str):
    databases = ReusedDatabases()
    yield databases
    for url in databases.drain():
        _drop_postgres_database(url)


def _run(url: str, *statements: str) -> list:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            results = [connection.execute(text(statement)) for statement in statements]
            return [result.all() if result.returns_rows else None for result in results]
    finally:
        engine.dispose()


def test_a_used_database_comes_back_empty_with_its_counters_restarted(server, template_url, reused):
    url = _postgres_database(server, make_url(template_url).database)
    _run(url, ADD_SUBSCRIBER.format(email="a@example.org"))
    left_open = create_engine(url)
    # A connection the finished test left open, in a transaction that read a table (its lock
    # would hold the emptying up), does not stop it.
    held = left_open.connect()
    held.execute(text("SELECT count(*) FROM subscribers"))
    try:
        assert reused.give_back(server, url, template_url)
    finally:
        held.invalidate()
        left_open.dispose()
    assert reused.take(server) == url
    assert reused.take(server) is None
    [[count], [new_id]] = _run(
        url,
        "SELECT count(*) FROM subscribers",
        ADD_SUBSCRIBER.format(email="b@example.org") + " RETURNING id",
    )
    assert count == (0,) and new_id == (1,)
    _drop_postgres_database(url)


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE subscribers ADD COLUMN extra text",
        "CREATE TABLE leftover (id int)",
        "CREATE INDEX leftover_index ON subscribers (locale)",
        "UPDATE alembic_version SET version_num = 'other'",
        "CREATE FUNCTION leftover() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE SCHEMA leftover",
    ],
)
def test_a_database_whose_structure_changed_is_not_handed_on(server, template_url, reused, change):
    url = _postgres_database(server, make_url(template_url).database)
    try:
        _run(url, change)
        assert not reused.give_back(server, url, template_url)
        assert reused.take(server) is None
    finally:
        _drop_postgres_database(url)
