"""Shared pages served before Flask's request pipeline, to readers with nothing of their own on them.

A plain GET of a home or article page by a reader whose session holds at most their CSRF token
is answered from the page cache (app/page_cache.py) here, in front of Flask: the same bytes and
headers the Flask view would give, without the per-request hooks (CSRF check, size guard,
Flask-Login, compression negotiation, ETag, security headers, locale cookie) that cost several
times a hello-world request. Everything else, and any request this module is unsure about, goes
to Flask: another method, a query string, a body, a range or date condition, an unknown cookie,
a session with anything else in it (a status message, a pending comment, a login), a page not
yet rendered for the current freshness, a database error.

Nothing here re-implements a format: the session cookie is written with Flask's own session
serializer and cookie settings, the CSRF token with Flask-WTF's serializer and salt, the form
stamp by the comment form's own function, freshness by app/freshness.py like the view.
tests/test_fast_path.py proves the responses are the ones Flask gives and that their tokens work.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import time
import zlib
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any

from flask import Flask
from itsdangerous import BadSignature, Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from werkzeug.http import dump_cookie, parse_accept_header, parse_cookie, parse_etags

from app import page_cache
from app.i18n import LOCALE_COOKIE
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
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no mtime, unknown OS
_FINAL_EMPTY_BLOCK = b"\x03\x00"


class QuickDumps:
    """`serializer.dumps(obj)` for an itsdangerous URL-safe timed serializer, minus two costs
    that are most of its time: the signing key is derived once, and no zlib compression is tried
    (it never shortens a random token, and `loads` reads uncompressed payloads as it always has).
    The result is a token of the same format, which the same serializer's `loads` accepts."""

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        self.serializer = serializer
        self.signer = serializer.make_signer()
        key = self.signer.derive_key()
        self.signer.derive_key = lambda *_args: key  # type: ignore[method-assign]

    def __call__(self, obj: object) -> str:
        payload = base64_encode(Serializer.dump_payload(self.serializer, obj))
        return self.signer.sign(payload).decode("ascii")


class ReaderSession:
    """The reader's cookie session and CSRF token, read and written with Flask's and Flask-WTF's
    own serializers and Flask's cookie settings."""

    def __init__(self, app: Flask) -> None:
        interface = app.session_interface
        serializer = interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        if serializer is None:
            raise RuntimeError("SECRET_KEY is required")
        self.serializer = serializer
        self.cookie_name = interface.get_cookie_name(app)
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        self.token_key = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        csrf_secret = app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
        self.csrf_serializer = URLSafeTimedSerializer(csrf_secret, salt="wtf-csrf-token")
        self._dump_session, self._dump_form_token = QuickDumps(serializer), QuickDumps(self.csrf_serializer)
        options = {
            "domain": interface.get_cookie_domain(app),
            "path": interface.get_cookie_path(app),
            "httponly": interface.get_cookie_httponly(app),
            "samesite": interface.get_cookie_samesite(app),
            "partitioned": interface.get_cookie_partitioned(app),
        }
        always_secure = bool(app.config["SESSION_COOKIE_SECURE"])
        self._cookie_templates = {
            secure: dump_cookie(self.cookie_name, "{value}", secure=always_secure or secure, **options)
            for secure in (False, True)
        }

    def token_in(self, cookie_value: str | None) -> str | None:
        """The raw CSRF token of a session that holds nothing else; None for no (valid) session.
        Raises LookupError for a session with anything else in it."""
        if not cookie_value:
            return None
        try:
            data = self.serializer.loads(cookie_value, max_age=self.max_age)
        except BadSignature:
            return None  # Flask starts a new session for a forged or expired cookie too
        if not isinstance(data, dict):
            raise LookupError("the session is not a plain dictionary")
        if not data:
            return None
        token = data.get(self.token_key)
        if set(data) != {self.token_key} or not isinstance(token, str):
            raise LookupError("the session holds more than a CSRF token")
        return token

    def new_token(self) -> str:
        return hashlib.sha1(os.urandom(64)).hexdigest()  # Flask-WTF's raw token

    def form_token(self, raw_token: str) -> str:
        return self._dump_form_token(raw_token)

    def set_cookie_header(self, raw_token: str, secure: bool) -> str:
        value = self._dump_session({self.token_key: raw_token})
        return self._cookie_templates[secure].replace("{value}", value, 1)


@lru_cache(maxsize=64)
def _accepts_gzip(accept_encoding: str) -> bool:
    return parse_accept_header(accept_encoding).quality("gzip") > 0


@lru_cache(maxsize=32)
def _locale_cookie(code: str, secure: bool, _second: int) -> str:
    # The cookie's Expires is a date: made again each second, like the view's would be.
    return dump_cookie(LOCALE_COOKIE, code, **locale_cookie_options(secure))


def _stored_block(data: bytes) -> bytes:
    """`data` as non-final stored deflate blocks (RFC 1951 §3.2.4): the reader's few bytes are
    not worth compressing, and the shared blocks before them end on a byte boundary."""
    out = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        out += [b"\x00", struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF), chunk]
    return b"".join(out)


def _gzip(pieces: Iterable[bytes | page_cache.Fill], plain: Iterable[bytes], values: dict[str, bytes]) -> bytes:
    """A gzip member of shared deflate blocks and each reader's values deflated in between."""
    crc, size = 0, 0
    for chunk in plain:
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    blocks = [_stored_block(values[piece.name]) if isinstance(piece, page_cache.Fill) else piece for piece in pieces]
    return b"".join([_GZIP_HEADER, *blocks, _FINAL_EMPTY_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)])


class SharedPageFastPath:
    """WSGI middleware in front of the Flask app: see the module docstring."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.served = 0  # how many requests this path answered (tests and curiosity)
        self._routes: dict[str, tuple[Hashable, str | None]] | None = None
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

    def _shared_routes(self) -> dict[str, tuple[Hashable, str | None]]:
        """Path → (page key, article slug for freshness): the pages app/articles/routes.py shares."""
        if self._routes is None:
            from app.content import all_articles
            from app.i18n import registered_locales

            routes: dict[str, tuple[Hashable, str | None]] = {}
            with self.app.app_context():
                locales, articles = registered_locales(), all_articles()
            for loc in locales:
                routes[f"/{loc.code}/"] = (("home", loc.code), None)
                for article in articles:
                    page_key = ("article", loc.code, article.slug, None)
                    routes[f"/{loc.code}/articles/{article.slug}"] = (page_key, article.slug)
            self._routes = routes
        return self._routes

    def _answer(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
        route = self._shared_routes().get(environ.get("PATH_INFO", ""))
        if route is None:
            return None
        page_key, slug = route
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
        locale_code = page_key[1]
        if cookies.get(LOCALE_COOKIE) != locale_code:
            secure_cookie = bool(self.app.config["SESSION_COOKIE_SECURE"]) or secure
            headers.append(("Set-Cookie", _locale_cookie(locale_code, secure_cookie, int(time.time()))))
        values = {fill.name: self._value(fill, session, raw_token) for fill in page.fills}
        plain = [values[piece.name] if isinstance(piece, page_cache.Fill) else piece for piece in page.pieces]
        etag = page_cache.etag_for(key, raw_token)
        if _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = _gzip(page.deflated_pieces, plain, values)
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
