"""Shared page cache: what every reader sees is rendered once; what is theirs is put in per request.

A page is rendered with placeholders for the per-reader values (the CSRF token, the comment
form's signed timestamp) and kept per (page, freshness key). The freshness key is read from the
database on every request, so an approval through any worker or host is shown at once: process
memory only holds renderings, never the truth about what is current. Readers with something of
their own on the page (a status message, their pending comment, a form filled back in) get a
fresh rendering that is never stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from app.gzip_splice import deflate_block

_NONCE = secrets.token_hex(8)
_CSRF_SESSION_KEY = "csrf_token"  # Flask-WTF's raw token in the session (WTF_CSRF_FIELD_NAME)


CSRF_FILL = "csrf"  # the name of the per-reader CSRF token fill


@dataclass(frozen=True)
class Fill:
    """A per-request value on a shared page: where it goes, what it is, how to compute it.

    `clock_only`: the value depends on nothing but the clock at one-second resolution (like an
    itsdangerous timestamp), so the same value may be given to every reader within a second.
    """

    placeholder: str
    name: str
    compute: Callable[[], str]
    clock_only: bool = False


@dataclass(frozen=True)
class CachedPage:
    html: str
    fills: tuple[Fill, ...]

    def filled(self, values: dict[str, str]) -> str:
        html = self.html
        for fill in self.fills:
            html = html.replace(fill.placeholder, values[fill.name])
        return html

    @cached_property
    def pieces(self) -> tuple[bytes | Fill, ...]:
        """The page as UTF-8 text between its fills, in order (for the WSGI fast path)."""
        if not self.fills:
            return (self.html.encode(),)
        by_placeholder = {fill.placeholder: fill for fill in self.fills}
        pattern = "(" + "|".join(re.escape(p) for p in by_placeholder) + ")"
        return tuple(
            by_placeholder[part] if index % 2 else part.encode()
            for index, part in enumerate(re.split(pattern, self.html))
            if index % 2 or part
        )

    @cached_property
    def deflated_pieces(self) -> tuple[bytes | Fill, ...]:
        """`pieces` with the text compressed as independent, byte-aligned deflate blocks, so a
        gzip body is the shared blocks with each reader's few bytes stored in between."""
        return tuple(piece if isinstance(piece, Fill) else deflate_block(piece) for piece in self.pieces)


class RenderingStore:
    """A small thread-safe LRU of renderings, keyed by page and freshness."""

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> CachedPage | None:
        with self._lock:
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, key: Hashable, page: CachedPage) -> None:
        with self._lock:
            self._items[key] = page
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def per_reader(name: str, compute: Callable[[], str], *, clock_only: bool = False) -> str:
    """A value that differs per reader or request: a placeholder while a shared page is being
    rendered (`clock_only`: see Fill)."""
    fills = g.get("_shared_render_fills")
    if fills is None:
        return compute()
    placeholder = f"__per-reader-{name}-{_NONCE}__"
    fills[placeholder] = Fill(placeholder, name, compute, clock_only)
    return placeholder


def do_not_store() -> None:
    """The page being rendered is incomplete (e.g. comments unavailable): serve it, never keep it."""
    g._shared_render_incomplete = True


def _fresh_csrf_token() -> str:
    g.pop(_CSRF_SESSION_KEY, None)
    return generate_csrf()


def _render_shared(render: Callable[[], str]) -> CachedPage:
    g._shared_render_fills = {}
    # Flask-WTF reuses g.csrf_token within a request: the forms render the placeholder instead.
    g.csrf_token = per_reader(CSRF_FILL, _fresh_csrf_token)
    try:
        html = render()
        fills = tuple(g._shared_render_fills.values())
    finally:
        g.pop("_shared_render_fills", None)
        g.pop(_CSRF_SESSION_KEY, None)
    return CachedPage(html, fills)


def home_key(locale: str) -> Hashable:
    """The cache key of a locale's home page (the views and app/fast_path.py agree on it here)."""
    return ("home", locale)


def article_key(locale: str, slug: str, comments_page: str | None = None) -> Hashable:
    """The cache key of an article page, per page of its comments."""
    return ("article", locale, slug, comments_page)


def etag_for(key: Hashable, reader_token: str | None) -> str:
    # The reader's raw CSRF token is part of the tag: a 304 keeps a page whose forms still work.
    return hashlib.sha1(f"{key!r}|{reader_token}".encode(), usedforsecurity=False).hexdigest()


def _matches(etag: str) -> bool:
    # Flask-Compress tags compressed variants "<etag>:gzip" / "<etag>:br".
    return any(candidate.split(":", 1)[0] == etag for candidate in request.if_none_match.as_set())


def serve_shared(page_key: Hashable, freshness: Hashable, render: Callable[[], str]) -> Response:
    """Serve a page every reader shares, rendering it only when page_key or freshness is new."""
    store: RenderingStore = current_app.extensions["page_cache"]
    key = (page_key, freshness)
    reader_token = session.get(_CSRF_SESSION_KEY)
    if reader_token and _matches(etag_for(key, reader_token)):
        response = Response(status=304)
        response.set_etag(etag_for(key, reader_token))
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    page = store.get(key)
    if page is None:
        page = _render_shared(render)
        if not g.pop("_shared_render_incomplete", False):
            store.put(key, page)
    html = page.filled({fill.name: fill.compute() for fill in page.fills})
    response = Response(html, mimetype="text/html")
    response.set_etag(etag_for(key, session.get(_CSRF_SESSION_KEY)))
    return response


def shareable(extra_reader_state: bool = False) -> bool:
    """Whether this request may get (and fill) the shared rendering."""
    return (
        current_app.config["PAGE_CACHE"]
        and request.method == "GET"
        and set(request.args) <= {"comments"}
        and "_flashes" not in session
        and not extra_reader_state
    )


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = RenderingStore(app.config.get("PAGE_CACHE_SIZE", 512))
