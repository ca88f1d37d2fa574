"""Shared fixtures: an app on a fresh migrated database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a client, a CLI runner and a live server for browser tests.

The migrations run once per test process, into a template database that every test gets a copy
of (a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL); tests/test_migrations.py
runs them on an empty database and checks the result against the models. Templates compile once
per process too (a shared Jinja bytecode cache).

Read-only apps: `read_only_app` and `read_only_client` share one app, on one database copy, among
the tests of a module that ask for the same `app_config` (building an app and rendering each page
the first time are most of a page test's cost). A test may use them when all it does is read:

- GET and HEAD requests only (any other method fails the test, however it is sent), and no CLI
  command (`test_cli_runner()` fails too);
- nothing written to the database (the module's teardown fails if a row changed);
- no change to the app (its config and views are checked at teardown) or to what it reads:
  a test that monkeypatches settings, time, articles, catalogues or files, sets ARTICLES_DIR,
  or connects to the app's signals, keeps the per-test `app`;
- nothing that depends on being the app's first request: a shared app answers a public page
  from its in-process store once any test has read it, and its page store, caches and rate
  limits hold what earlier tests did. A test about a first render (a cookie set on reading, say:
  Flask saves the session after the page is stored; or HEAD reaching a view), or about the size
  or content of those stores, keeps the per-test `app`.

Each test still gets a client of its own (no cookies carried over from another test). A fixture
whose app needs a setting of its own (a translations folder made once per module, say) gets its
shared app from `read_only_apps.app_for(config)`, under the same rules.

Refused input: `refusing_app` is shared the same way by tests that send input the site must
refuse (an invalid form, say): any method may be sent, and the same teardown check proves
nothing was stored. A test whose request may be accepted keeps the per-test `app`."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from hypothesis import settings
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from app import create_app
from app.caching import store
from app.extensions import db
from tests import extraction_memo
from tests.fast_loop import in_fast_loop
from tests.postgres_reuse import ReusedDatabases

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

# Test apps store each public page once per test, so the best brotli level (about 50 ms a page)
# would dominate the suite: they compress at the quick level. Live servers keep the best one.
store.BEST = store.QUICK
# Moderators' passwords: scrypt at 1/32 of the production cost (about 3 ms a hash instead of
# 100 ms, which dominated the moderation tests); tests/test_security.py checks the production
# setting keeps the full cost.
TEST_PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

# Hypothesis: the full suite (`make test`, which CI runs) tries every property with its full count
# of examples; the fast loop (`make test-fast` loads the "fast" profile) a quarter of them, the
# same strategies and checks.
settings.register_profile("fast")


def hypothesis_examples(full: int) -> int:
    """How many examples a property tries: `full`, or a quarter (at least 15) in the fast loop."""
    return max(15, full // 4) if in_fast_loop() else full


LOCALE_CODES = ["en", "es", "fr", "zh-hans", "ar"]
ARTICLE_SLUG = "muscle-spasms-in-children"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for every app of this test process (keyed by template
    name and source checksum, as Jinja does), so each template compiles once, not once per app."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = _SharedBytecode()


class _MigratedTemplates:
    """One migrated database per test process and server, copied for each test that needs one."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.sqlite: Path | None = None
        self.postgres: dict[str, str] = {}  # server URL -> template database URL

    def _folder(self) -> Path:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="chg-test-templates-"))
        return self.folder

    def _migrate(self, database_url: str) -> None:
        config = {"TESTING": True, "SECRET_KEY": "template", "SQLALCHEMY_DATABASE_URI": database_url}
        app = create_app({**config, "INSTANCE_PATH": str(self._folder() / "instance"), "MAIL_SERVER": ""})
        with app.app_context():
            upgrade()
            db.engine.dispose()

    def copy_sqlite(self, path: Path) -> None:
        if self.sqlite is None:
            template = self._folder() / "migrated.db"
            self._migrate(f"sqlite:///{template}")
            self.sqlite = template
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.sqlite, path)

    def postgres_template(self, base_url: str) -> str:
        """The URL of a migrated database on the server `base_url` names."""
        if base_url not in self.postgres:
            url = _postgres_database(base_url)
            self._migrate(url)
            self.postgres[base_url] = url
        return self.postgres[base_url]

    def remove(self) -> None:
        for url in self.postgres.values():
            _drop_postgres_database(url)
        self.postgres.clear()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = self.sqlite = None


MIGRATED = _MigratedTemplates()
# Migrated PostgreSQL databases of finished tests, emptied for the next (tests/postgres_reuse.py).
REUSED_POSTGRES = ReusedDatabases()


@pytest.fixture(scope="session", autouse=True)
def _remove_migrated_templates() -> Iterator[None]:
    yield
    for url in REUSED_POSTGRES.drain():
        _drop_postgres_database(url)
    MIGRATED.remove()


@pytest.fixture(scope="session", autouse=True)
def _remember_message_extraction() -> Iterator[None]:
    """Babel reads each unchanged code file and template once per test process, not once per
    `translate extract` (tests/extraction_memo.py)."""
    undo = extraction_memo.install()
    yield
    undo()


def _postgres_database(base_url: str, template: str | None = None) -> str:
    """A fresh PostgreSQL database for one test (dropped with the server's cleanup): empty, or a
    copy of `template`."""
    url = make_url(base_url)
    name = f"chg_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        copy_of = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(database_url: str) -> None:
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def throwaway_database(
    tmp_path: Path, name: str = "test", *, postgres: str | None = None, migrated: bool = True
) -> Iterator[str]:
    """A fresh database URL, migrated (a copy of this process's migrated template) or empty: on
    the PostgreSQL server `postgres` (default: the one TEST_DATABASE_URL names, if set), dropped
    afterwards (a migrated one that is still as migrated is emptied and handed to the next test
    instead: tests/postgres_reuse.py); otherwise a SQLite file in tmp_path."""
    base = postgres if postgres is not None else os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path / f"{name}.db"
        if migrated:
            MIGRATED.copy_sqlite(path)
        yield f"sqlite:///{path}"
        return
    if not migrated:
        url = _postgres_database(base)
        try:
            yield url
        finally:
            _drop_postgres_database(url)
        return
    template_url = MIGRATED.postgres_template(base)
    url = REUSED_POSTGRES.take(base) or _postgres_database(base, make_url(template_url).database)
    try:
        yield url
    finally:
        if not REUSED_POSTGRES.give_back(base, url, template_url):
            _drop_postgres_database(url)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A migrated database URL of its own for each test."""
    with throwaway_database(tmp_path) as url:
        yield url


def make_test_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    """An app on `database_url`, a migrated database (from `throwaway_database`), or a SQLite file
    not there yet (made a copy of the migrated template)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        MIGRATED.copy_sqlite(Path(url.database))
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_ENABLED": False,
        "SITE_URL": "http://localhost",
        "MAIL_SERVER": "",
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
        # Every view reads the article page's revision, so a test sees its own changes and its
        # outages at once (tests/test_page_revision.py covers the 1 s a worker trusts one).
        "PAGE_REVISION_MAX_AGE": 0,
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = SHARED_BYTECODE
    return app


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change settings for `app`."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict[str, object]) -> Iterator[Flask]:
    application = make_test_app(database_url, tmp_path, **app_config)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# Read-only apps shared by a module's tests (the module docstring says when a test may use one).

READ_METHODS = frozenset({"GET", "HEAD"})


class _RefuseWrites:
    """Outermost WSGI layer of a shared app: any request but GET or HEAD fails the test that
    sent it, whichever client sent it (an exception Flask's error handling does not catch)."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in READ_METHODS:
            pytest.fail(
                f"{method} {environ.get('PATH_INFO', '')} sent to a shared read-only app: a test that "
                "sends anything but GET or HEAD needs the per-test `app` and `client` fixtures",
                pytrace=False,
            )
        return self.wsgi_app(environ, start_response)


class _NoCommands(FlaskCliRunner):
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        pytest.fail("a CLI command run on a shared read-only app: use the per-test `runner`", pytrace=False)


def _database_rows(app: Flask) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the models, in a stable order."""
    with app.app_context():
        rows = {
            table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return rows


class _SharedApp:
    """One shared app and what it started with: its database's rows, its config and its views."""

    def __init__(self, app_config: Mapping[str, object], app: Flask, *, refused_posts: bool = False) -> None:
        self.app_config = dict(app_config)
        self.app = app
        self.refused_posts = refused_posts
        self.rows = _database_rows(app)
        self.config = dict(app.config)
        self.views = dict(app.view_functions)

    def changes(self) -> list[str]:
        """What the tests that shared this app changed: nothing, if they only read."""
        found = []
        rows = _database_rows(self.app)
        for table, before in self.rows.items():
            if len(rows[table]) != len(before):
                found.append(f"table {table}: {len(before)} rows before, {len(rows[table])} after")
            elif rows[table] != before:
                found.append(f"table {table}: rows changed")
        config = dict(self.app.config)
        for key in sorted(self.config.keys() | config.keys()):
            if config.get(key, "<unset>") != self.config.get(key, "<unset>"):
                found.append(f"config {key}: {self.config.get(key, '<unset>')!r} -> {config.get(key, '<unset>')!r}")
        views = dict(self.app.view_functions)
        for endpoint in sorted(self.views.keys() | views.keys()):
            if views.get(endpoint) is not self.views.get(endpoint):
                found.append(f"view {endpoint} replaced")
        return found


class ReadOnlyApps:
    """A module's shared apps, one per distinct `app_config`, each on a database copy of its own."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, databases: ExitStack) -> None:
        self._tmp_path_factory = tmp_path_factory
        self._databases = databases
        self.shared: list[_SharedApp] = []

    def app_for(self, app_config: Mapping[str, object], *, refused_posts: bool = False) -> Flask:
        """The shared app for `app_config`. With `refused_posts`, a separate one that takes any
        request, for tests that send input the site must refuse and store nothing of (the same
        check at the module's teardown proves nothing was stored)."""
        for shared in self.shared:
            if shared.app_config == app_config and shared.refused_posts == refused_posts:
                return shared.app
        tmp_path = self._tmp_path_factory.mktemp("read-only-app")
        url = self._databases.enter_context(throwaway_database(tmp_path, "read-only"))
        application = make_test_app(url, tmp_path, **app_config)
        if not refused_posts:
            application.wsgi_app = _RefuseWrites(application.wsgi_app)  # type: ignore[method-assign]
        application.test_cli_runner_class = _NoCommands
        self.shared.append(_SharedApp(app_config, application, refused_posts=refused_posts))
        return application

    def close(self) -> list[str]:
        """Check every shared app is as it started, let go of its database, and say what changed."""
        changes = []
        for shared in self.shared:
            changes += [f"app_config {shared.app_config!r}: {change}" for change in shared.changes()]
            with shared.app.app_context():
                db.session.remove()
                db.engine.dispose()
        return changes


@pytest.fixture(scope="module")
def read_only_apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadOnlyApps]:
    """This module's shared read-only apps: `read_only_apps.app_for(config)` for a fixture whose
    app needs settings of its own (a folder the module prepares once, say)."""
    with ExitStack() as databases:
        apps = ReadOnlyApps(tmp_path_factory, databases)
        yield apps
        changes = apps.close()
    if changes:
        pytest.fail(
            "tests sharing a read-only app changed it; the test that did needs the per-test `app`:\n"
            + "\n".join(changes),
            pytrace=False,
        )


@pytest.fixture
def read_only_app(read_only_apps: ReadOnlyApps, app_config: dict[str, object]) -> Flask:
    """The app the tests of this module with this `app_config` share: for tests that only read
    (the docstring of tests/conftest.py says what that means)."""
    return read_only_apps.app_for(app_config)


@pytest.fixture
def read_only_client(read_only_app: Flask) -> FlaskClient:
    """A client of its own (no cookies from other tests) for the shared read-only app."""
    return read_only_app.test_client()


@pytest.fixture
def refusing_app(read_only_apps: ReadOnlyApps, app_config: dict[str, object]) -> Flask:
    """The app shared by this module's tests whose every POST must be refused (invalid input, say)
    and store nothing: any method may be sent, and the module's teardown fails if a row, the
    config or a view changed. A test whose POST may be accepted needs the per-test `app`."""
    return read_only_apps.app_for(app_config, refused_posts=True)


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token_from(html: str) -> str:
    """The first CSRF token in a rendered page."""
    match = CSRF_PATTERN.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1) or match.group(2)


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One migrated app for the whole browser session (read-mostly pages), serving the shipped
    articles and the test-only second one (tests/articles_support.py): every page is checked
    with two articles, the second published in English only."""
    from tests.articles_support import articles_folder

    tmp_path = tmp_path_factory.mktemp("live")
    with throwaway_database(tmp_path, "live") as url:
        application = make_test_app(url, tmp_path, ARTICLES_DIR=str(articles_folder(tmp_path / "articles")))
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture
def two_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """ARTICLES_DIR (environment, so the CLI and module-level code see it too) pointing at the
    shipped articles plus the test-only second article."""
    from tests.articles_support import articles_folder, forget_articles

    folder = articles_folder(tmp_path / "articles")
    monkeypatch.setenv("ARTICLES_DIR", str(folder))
    forget_articles()
    yield folder
    forget_articles()
