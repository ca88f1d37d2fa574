"""The migrations build the schema the models declare. Every other test gets a copy of a database
these migrations built once per test process (tests/conftest.py), so this is where they run on an
empty database and are checked against the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.conftest import throwaway_database


def _app(url: str, tmp_path):
    config = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": ""}
    return create_app({**config, "INSTANCE_PATH": str(tmp_path / "instance")})


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_the_migrations_build_from_empty_exactly_the_schema_of_the_models(tmp_path):
    with throwaway_database(tmp_path, "empty", migrated=False) as url:
        app = _app(url, tmp_path)
        with app.app_context():
            assert inspect(db.engine).get_table_names() == []
            upgrade()
            try:
                assert _differences() == []
            finally:
                db.engine.dispose()


def test_the_migrations_go_down_to_empty_and_up_again(tmp_path):
    with throwaway_database(tmp_path, "down", migrated=False) as url:
        app = _app(url, tmp_path)
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            try:
                assert _differences() == []
            finally:
                db.engine.dispose()
