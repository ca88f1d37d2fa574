"""Settings read from the environment (docs/deploy.md, "Configure"), with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ (never committed)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def trusted_hosts(configured: str | None, site_url: str) -> list[str]:
    """TRUSTED_HOSTS (comma-separated) if set, else SITE_URL's host; a site on a loopback name
    (a laptop) answers to every loopback name."""
    if configured:
        return [host.strip() for host in configured.split(",") if host.strip()]
    host = urlsplit(site_url).hostname or "localhost"
    return list(LOOPBACK_NAMES) if host in LOOPBACK_NAMES else [host]


def settings_from_environment(instance_path: Path) -> dict[str, object]:
    env = os.environ.get
    database_url = env("DATABASE_URL") or f"sqlite:///{instance_path / 'child-health-guide.db'}"
    site_url = (env("SITE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SITE_URL": site_url,
        "MAIL_SERVER": env("MAIL_SERVER") or "",
        "MAIL_PORT": int(env("MAIL_PORT") or 25),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USERNAME": env("MAIL_USERNAME") or "",
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or "",
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER") or "Child Health Guide <no-reply@localhost>",
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI") or "memory://",
        # A Redis that hangs rather than refuses must not hold a request until gunicorn kills it.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1}
        if (env("RATELIMIT_STORAGE_URI") or "").startswith(("redis", "rediss"))
        else {},
        "PROXY_FIX_HOPS": int(env("PROXY_FIX_HOPS") or 0),
        # Seconds a statement waits for a lock (a table locked by a migration or an operator)
        # before the request answers 503 with the input kept: well inside gunicorn's timeout, so
        # no worker is killed while holding a reader's post.
        "DATABASE_LOCK_TIMEOUT": float(env("DATABASE_LOCK_TIMEOUT") or 10),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        # Newsletter mailings: mails per second handed to the SMTP server.
        "NEWSLETTER_SEND_RATE": float(env("NEWSLETTER_SEND_RATE") or 5),
        # Where the .po/.mo catalogues live (a translator may point this at a working copy).
        "BABEL_TRANSLATION_DIRECTORIES": env("BABEL_TRANSLATION_DIRECTORIES") or Defaults.BABEL_TRANSLATION_DIRECTORIES,
        # Development only (`make run`): a recompiled catalogue shows on the next page load.
        "RELOAD_CATALOGUES": _flag("RELOAD_CATALOGUES", False),
        # The folder of article files (docs/authoring.md): the site, `flask translate extract`,
        # `check`, `stats`, `flask articles` and the sitemap all read articles from here.
        "ARTICLES_DIR": env("ARTICLES_DIR") or Defaults.ARTICLES_DIR,
        # Stored public pages answered in front of Flask (off: every request goes through Flask).
        "PUBLIC_PAGE_LAYER": _flag("PUBLIC_PAGE_LAYER", True),
        # Seconds a shared cache keeps a public page, and may serve it stale while refetching:
        # a change (an approved comment) reaches every reader within their sum.
        "PUBLIC_SHARED_MAX_AGE": int(env("PUBLIC_SHARED_MAX_AGE") or 5),
        "PUBLIC_STALE_WHILE_REVALIDATE": int(env("PUBLIC_STALE_WHILE_REVALIDATE") or 5),
        # Seconds a worker trusts an article page's revision (its comments) before reading it
        # again: a moderation decision through another worker or host shows within this time.
        "PAGE_REVISION_MAX_AGE": float(env("PAGE_REVISION_MAX_AGE") or 1),
        # Seconds a shared cache may serve its copy while the site fails or is down (a week).
        "PUBLIC_STALE_IF_ERROR": int(env("PUBLIC_STALE_IF_ERROR") or 7 * 24 * 3600),
        # Host names the site answers to; any other Host header gets 400 (never reflected).
        "TRUSTED_HOSTS": trusted_hosts(env("TRUSTED_HOSTS"), site_url),
        "COMMENT_RATE_LIMIT": env("COMMENT_RATE_LIMIT") or "5/minute;20/day",
        "MODERATION_LOGIN_LIMIT": env("MODERATION_LOGIN_LIMIT") or "5/minute;30/hour",
        # Failed sign-ins at one account from one client network (/24, /48): each window is
        # longer than the last, so persistent guessing backs off to a few tries a day.
        "MODERATION_LOGIN_ACCOUNT_LIMIT": env("MODERATION_LOGIN_ACCOUNT_LIMIT") or "5/minute;10/hour;20/day",
        # Where readers report a mistake in an article or a translation (the About page's mailto link).
        "CONTACT_EMAIL": env("CONTACT_EMAIL") or "corrections@localhost",
    }


class Defaults:
    """Values that do not come from the environment."""

    # hide_parameters: a logged database error never shows the values (addresses, comments).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 6 * 3600
    MAX_CONTENT_LENGTH = 64 * 1024
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    ARTICLES_DIR = str(Path(__file__).resolve().parent / "content" / "articles")
    RATELIMIT_HEADERS_ENABLED = True
    # The rate-limit storage (Redis) down: Flask-Limiter counts in each process's memory until it
    # is back, and a storage error is logged, never a 500 (a post is never lost to it).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    COMMENTS_PER_PAGE = 20
    # Werkzeug's method for moderators' password hashes: "scrypt" is its strong default cost
    # (n=32768, r=8, p=1). Only the test suite lowers it, as "scrypt:<n>:8:1".
    PASSWORD_HASH_METHOD = "scrypt"
    COMMENT_IP_RETENTION_DAYS = 30
