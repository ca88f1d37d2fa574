"""A WSGI layer in front of Flask that answers stored public pages.

It matches the request through Flask's own URL map, finds the page's stored version and checks
it against the page's current version (read from the database for article pages, so a change
committed by any worker or host is seen at once), then sends the stored bytes and headers. It
holds nothing of any reader's and reads no cookie. Anything it is unsure about goes to Flask,
which renders, stores and answers: another method, a Range request, a URL that matches no public
page, a page not stored yet or of an older version, a database error.

Host names are checked before this layer (app/trusted_hosts.py), so a stored page is only ever
sent to a request for one of the site's own names.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable, Iterable
from typing import Any

from flask import Flask
from werkzeug.wrappers import Request

from app.caching.policy import SAFE_METHODS, PublicPage, public_pages
from app.caching.sending import reader_has_current_copy
from app.caching.store import PageStore, StoredPage

logger = logging.getLogger(__name__)

Match = tuple[PublicPage, dict[str, Any], Hashable]


class PublicPageLayer:
    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.store: PageStore = app.extensions["public_page_store"]
        # Paths without a query string that matched a stored page, so the URL map is asked once
        # per page, not once per request. Only paths whose page was stored get in: bounded by the
        # site's pages, whatever paths are requested. A page's key names no host (the host was
        # checked before this layer, and pages hold none), so neither does this memo: a Host
        # header with any port, or any trusted name, cannot grow it.
        self._matched: dict[tuple[str, str], Match] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in SAFE_METHODS and "HTTP_RANGE" not in environ:
            answer = self._stored_answer(environ, start_response)
            if answer is not None:
                return answer
        return self.wsgi_app(environ, start_response)

    def _stored_answer(self, environ: dict, start_response: Any) -> Iterable[bytes] | None:
        found = self._match(environ)
        if found is None:
            return None
        page, view_args, key = found
        stored = self.store.get(key)
        if stored is None:
            return None
        try:
            current = page.current_version(self.app, view_args)
        except Exception:  # the database is unreachable: Flask renders what it can and says so
            logger.debug("public page version unavailable for %s", environ.get("PATH_INFO"), exc_info=True)
            return None
        if current != stored.version:
            return None
        return self._send(stored, environ, start_response)

    def _match(self, environ: dict) -> Match | None:
        plain = not environ.get("QUERY_STRING")
        memo_key = (environ.get("wsgi.url_scheme", "http"), environ.get("PATH_INFO", ""))
        if plain and (known := self._matched.get(memo_key)) is not None:
            return known
        try:
            endpoint, view_args = self.app.url_map.bind_to_environ(environ).match()
        except Exception:  # no match, a redirect, a bad path: Flask gives its usual answer
            return None
        page = public_pages(self.app).get(endpoint)
        if page is None:
            return None
        request = Request(environ)
        key = page.key(request.scheme, endpoint, view_args, request.args)
        if plain and self.store.get(key) is not None:
            with self._lock:
                self._matched[memo_key] = (page, view_args, key)
        return page, view_args, key

    @staticmethod
    def _send(stored: StoredPage, environ: dict, start_response: Any) -> Iterable[bytes]:
        """As Flask's last steps send it (app/caching/sending.py): this encoding, or 304."""
        variant = stored.variant_for(environ.get("HTTP_ACCEPT_ENCODING"))
        if reader_has_current_copy(environ, variant.etag_header):
            start_response("304 NOT MODIFIED", list(variant.not_modified_headers))
            return []
        start_response(stored.status_line, list(variant.headers))
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [variant.body]


def init_app(app: Flask) -> None:
    if app.config.get("PUBLIC_PAGE_LAYER", True):
        app.wsgi_app = PublicPageLayer(app, app.wsgi_app)  # type: ignore[method-assign]
