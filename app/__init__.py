"""Application factory: configuration, extensions, security headers, blueprints, CLI."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=None,
    )
    from app import config

    instance = Path(test_config.get("INSTANCE_PATH", app.instance_path) if test_config else app.instance_path)
    app.config.from_object(config.Defaults)
    app.config.update(config.settings_from_environment(instance))
    if test_config:
        app.config.update(test_config)

    _init_extensions(app)
    _register_blueprints(app)
    _report_broken_articles(app)
    _wrap_wsgi(app)
    return app


def _report_broken_articles(app: Flask) -> None:
    """A broken article file is logged, named by file, line and field, and left out; every other
    page keeps serving (docs/architecture.md, "When the database is unavailable"). `flask
    articles check` fails on it.

    Reading every article is the start-up of a process that serves pages (gunicorn's preloaded
    master, `flask run`), not of a command line tool: `flask <command>` reads them only when
    the command does, and reports a broken one its own way (seconds saved at hundreds of
    articles, by `flask translate update`, for one)."""
    if _created_for_a_command_line_tool():
        return
    from app.content import articles_dir, report_broken_articles

    with app.app_context():
        report_broken_articles(articles_dir())


def _created_for_a_command_line_tool() -> bool:
    """The `flask` command created the app for one of its commands other than `run`."""
    import click

    context = click.get_current_context(silent=True)
    return context is not None and context.command.name != "run"


def _wrap_wsgi(app: Flask) -> None:
    """Middleware, innermost first (the public-page layer came with the caching extension): the
    refusal of non-canonical paths (a cache's key must be the page the site answers), the
    host check, then the trusted-proxy fix, so both see the reader's scheme and host as the views
    do; outermost, the body limit for chunked bodies, so no layer sees a body of unknown length."""
    from app import security
    from app.canonical_paths import CanonicalPathsOnly
    from app.trusted_hosts import TrustedHostsOnly

    app.wsgi_app = CanonicalPathsOnly(app.wsgi_app)  # type: ignore[method-assign]

    if app.config.get("TRUSTED_HOSTS"):
        app.wsgi_app = TrustedHostsOnly(app.wsgi_app, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.wsgi_app = security.ChunkedBodyLimit(app.wsgi_app, app)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from app import (  # noqa: F401 (models: schema)
        assets,
        caching,
        catalogue_reload,
        cross_origin,
        database,
        errors,
        models,
        response_pipeline,
        security,
        templating,
    )
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import locales as locale_registry
    from app.i18n import routing as locale_routing
    from app.i18n.locales import babel_locale_selector
    from app.mail import transport as mail_transport
    from app.moderation import auth

    # The first response hook, so it runs after any an extension adds: the whole response side.
    response_pipeline.init_app(app)
    database.init_app(app)
    caching.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    locale_registry.init_app(app)
    babel.init_app(app, locale_selector=babel_locale_selector)
    locale_routing.init_app(app)
    cross_origin.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # No user in every template: loading one touches the session, and public pages must not.
    login_manager.init_app(app, add_context_processor=False)
    auth.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    templating.init_app(app)
    catalogue_reload.init_app(app)  # after caching: in front of the stored-page layer
    errors.init_app(app)
    mail_transport.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from app.articles import bp as articles_bp
    from app.cli import register_commands
    from app.comments.routes import bp as comments_bp
    from app.moderation.routes import bp as moderation_bp

    app.register_blueprint(articles_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(moderation_bp)
    from app.newsletter.routes import bp as newsletter_bp

    app.register_blueprint(newsletter_bp)
    register_commands(app)
