"""Shared pages served before Flask's request pipeline, to readers with nothing of their own on them.

A plain GET of a home or article page by a reader whose session holds at most their CSRF token
is answered from the page cache (app/page_cache.py) here, in front of Flask: the same bytes and
headers the Flask view would give, without the per-request hooks (CSRF check, size guard,
Flask-Login, compression negotiation, ETag, security headers, locale cookie) that cost several
times a hello-world request. Everything else, and any request this module is unsure about, goes
to Flask: another method, a query string, a body, a range or date condition, an unknown cookie,
a session with anything else in it (a status message, a pending comment, a login), a page not
yet rendered for the current freshness, a database error.

The session cookie and CSRF token come from app/reader_session.py (Flask's and Flask-WTF's own
serializers and settings), the form stamp from the comment form's own function, freshness from
app/freshness.py like the view, gzip from app/gzip_splice.py. tests/test_fast_path.py proves the
responses are the ones Flask gives, header for header, and that their tokens work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask
from werkzeug.http import dump_cookie, parse_accept_header, parse_cookie, parse_etags

from app import page_cache
from app.gzip_splice import gzip_member, stored_block
from app.i18n import LOCALE_COOKIE
from app.reader_session import ReaderSession
from app.security import HSTS_HEADER, SECURITY_HEADERS
from app.templating import locale_cookie_options

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
# Request headers that make the answer depend on more than the page and the reader's token.
_CONDITIONS_WE_LEAVE_TO_FLASK = (
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_AUTHORIZATION",
)


@lru_cache(maxsize=64)
def _accepts_gzip(accept_encoding: str) -> bool:
    return parse_accept_header(accept_encoding).quality("gzip") > 0


@lru_cache(maxsize=32)
def _locale_cookie(code: str, secure: bool, _second: int) -> str:
    # The cookie's Expires is a date: made again each second, like the view's would be.
    return dump_cookie(LOCALE_COOKIE, code, **locale_cookie_options(secure))


class SharedPageFastPath:
    """WSGI middleware in front of the Flask app: see the module docstring."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.served = 0  # how many requests this path answered (tests and curiosity)
        self._routes: dict[str, tuple[Hashable, str, str | None]] | None = None
        self._session: ReaderSession | None = None

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if self.app.config["PAGE_CACHE_FAST_PATH"] and self.app.config["PAGE_CACHE"] and self._is_plain_get(environ):
            try:
                answer = self._answer(environ)
            except Exception:  # the database, a bad cookie, anything: Flask knows what to do
                logger.debug("fast path declined", exc_info=True)
                answer = None
            if answer is not None:
                status, headers, body = answer
                self.served += 1
                start_response(status, headers)
                return [body]
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _is_plain_get(environ: dict) -> bool:
        return (
            environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and not environ.get("SCRIPT_NAME")
            and environ.get("CONTENT_LENGTH") in (None, "", "0")
            and not environ.get("HTTP_TRANSFER_ENCODING")
            and not any(name in environ for name in _CONDITIONS_WE_LEAVE_TO_FLASK)
        )

    def _shared_routes(self) -> dict[str, tuple[Hashable, str, str | None]]:
        """Path → (page key, locale, article slug for freshness): the pages the views share."""
        if self._routes is None:
            from app.content import all_articles
            from app.i18n import registered_locales

            routes: dict[str, tuple[Hashable, str, str | None]] = {}
            with self.app.app_context():
                locales, articles = registered_locales(), all_articles()
            for loc in locales:
                routes[f"/{loc.code}/"] = (page_cache.home_key(loc.code), loc.code, None)
                for article in articles:
                    page_key = page_cache.article_key(loc.code, article.slug)
                    routes[f"/{loc.code}/articles/{article.slug}"] = (page_key, loc.code, article.slug)
            self._routes = routes
        return self._routes

    def _answer(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
        route = self._shared_routes().get(environ.get("PATH_INFO", ""))
        if route is None:
            return None
        page_key, locale_code, slug = route
        session = self._session or ReaderSession(self.app)
        self._session = session
        cookie_header = environ.get("HTTP_COOKIE")
        cookies = parse_cookie(cookie_header) if cookie_header else {}
        if set(cookies) - {session.cookie_name, LOCALE_COOKIE}:
            return None  # a login or some other state: the full pipeline decides
        try:
            raw_token = session.token_in(cookies.get(session.cookie_name))
        except LookupError:
            return None
        freshness = self.app.extensions["freshness"].article_revision(slug) if slug else None
        key = (page_key, freshness)
        secure = environ.get("wsgi.url_scheme") == "https"
        headers = [(name, value) for name, value in SECURITY_HEADERS.items()]
        if secure:
            headers.append(HSTS_HEADER)
        headers += [("Cache-Control", "private, no-cache"), ("Vary", "Accept-Encoding, Cookie")]

        if raw_token is not None:
            etag = page_cache.etag_for(key, raw_token)
            wanted = parse_etags(environ.get("HTTP_IF_NONE_MATCH"))
            if any(tag.split(":", 1)[0] == etag for tag in wanted.as_set()):
                return "304 NOT MODIFIED", [("ETag", f'"{etag}"'), *headers], b""
        page = self.app.extensions["page_cache"].get(key)
        if page is None:
            return None  # Flask renders it and keeps it for the next reader

        if raw_token is None:
            raw_token = session.new_token()
            headers.append(("Set-Cookie", session.set_cookie_header(raw_token, secure)))
        if cookies.get(LOCALE_COOKIE) != locale_code:
            secure_cookie = bool(self.app.config["SESSION_COOKIE_SECURE"]) or secure
            headers.append(("Set-Cookie", _locale_cookie(locale_code, secure_cookie, int(time.time()))))
        values = {fill.name: self._value(fill, session, raw_token) for fill in page.fills}
        plain = [values[piece.name] if isinstance(piece, page_cache.Fill) else piece for piece in page.pieces]
        etag = page_cache.etag_for(key, raw_token)
        if _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            blocks = [
                stored_block(values[piece.name]) if isinstance(piece, page_cache.Fill) else piece
                for piece in page.deflated_pieces
            ]
            body = gzip_member(blocks, plain)
            headers += [("ETag", f'"{etag}:gzip"'), ("Content-Encoding", "gzip")]
        else:
            body = b"".join(plain)
            headers.append(("ETag", f'"{etag}"'))
        headers += [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        return "200 OK", headers, body

    def _value(self, fill: page_cache.Fill, session: ReaderSession, raw_token: str) -> bytes:
        if fill.name == page_cache.CSRF_FILL:
            return session.form_token(raw_token).encode()
        if fill.clock_only:
            return self._this_seconds_value(fill, int(time.time()))
        with self.app.app_context():
            return fill.compute().encode()

    @lru_cache(maxsize=64)  # noqa: B019 - one instance per app, living as long as the app
    def _this_seconds_value(self, fill: page_cache.Fill, _second: int) -> bytes:
        with self.app.app_context():
            return fill.compute().encode()


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_FAST_PATH", True)
    app.extensions["fast_path"] = app.wsgi_app = SharedPageFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
