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
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

_NONCE = secrets.token_hex(8)
_CSRF_SESSION_KEY = "csrf_token"  # Flask-WTF's raw token in the session (WTF_CSRF_FIELD_NAME)


@dataclass(frozen=True)
class CachedPage:
    html: str
    fills: tuple[tuple[str, Callable[[], str]], ...]  # (placeholder, per-request value)


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


def per_reader(name: str, compute: Callable[[], str]) -> str:
    """A value that differs per reader: a placeholder while a shared page is being rendered."""
    fills = g.get("_shared_render_fills")
    if fills is None:
        return compute()
    placeholder = f"__per-reader-{name}-{_NONCE}__"
    fills[placeholder] = compute
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
    g.csrf_token = per_reader("csrf", _fresh_csrf_token)
    try:
        html = render()
        fills = tuple(g._shared_render_fills.items())
    finally:
        g.pop("_shared_render_fills", None)
        g.pop(_CSRF_SESSION_KEY, None)
    return CachedPage(html, fills)


def _etag_for(key: Hashable, reader_token: str | None) -> str:
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
    if reader_token and _matches(_etag_for(key, reader_token)):
        response = Response(status=304)
        response.set_etag(_etag_for(key, reader_token))
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    page = store.get(key)
    if page is None:
        page = _render_shared(render)
        if not g.pop("_shared_render_incomplete", False):
            store.put(key, page)
    html = page.html
    for placeholder, compute in page.fills:
        html = html.replace(placeholder, compute())
    response = Response(html, mimetype="text/html")
    response.set_etag(_etag_for(key, session.get(_CSRF_SESSION_KEY)))
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
