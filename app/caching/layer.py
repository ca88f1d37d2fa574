"""A WSGI layer in front of Flask that answers stored public pages.

It matches the request through Flask's own URL map, finds the page's stored version and checks
it against the page's current version (read from the database for article pages, so a change
committed by any worker or host is seen at once), then answers with the stored response. It
holds nothing of any reader's and reads no cookie. Anything it is unsure about goes to Flask,
which renders, stores and answers: another method, a Range request, a host not trusted, a URL
that matches no public page, a page not stored yet or of an older version, a database error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request
from werkzeug.wsgi import get_host

from app.caching.policy import SAFE_METHODS, public_pages

logger = logging.getLogger(__name__)


class PublicPageLayer:
    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.store = app.extensions["public_page_store"]

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        answer = None
        if environ.get("REQUEST_METHOD") in SAFE_METHODS and "HTTP_RANGE" not in environ:
            answer = self._stored_answer(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        return answer(environ, start_response)

    def _stored_answer(self, environ: dict) -> Any:
        try:
            get_host(environ, self.app.config.get("TRUSTED_HOSTS"))
            endpoint, view_args = self.app.url_map.bind_to_environ(environ).match()
        except (HTTPException, RequestRedirect, ValueError):
            return None  # Flask gives the same answer it always gives (404, 308, 400)
        except Exception:  # noqa: BLE001 - e.g. werkzeug's SecurityError for an untrusted host
            return None
        page = public_pages(self.app).get(endpoint)
        if page is None:
            return None
        request = Request(environ)
        stored = self.store.get(page.key(request.scheme, endpoint, view_args, request.args))
        if stored is None:
            return None
        try:
            current = page.current_version(self.app, view_args)
        except Exception:  # the database is unreachable: Flask renders what it can and says so
            logger.debug("public page version unavailable for %s", request.path, exc_info=True)
            return None
        if current != stored.version:
            return None
        return stored.response_for(request)


def init_app(app: Flask) -> None:
    if app.config.get("PUBLIC_PAGE_LAYER", True):
        app.wsgi_app = PublicPageLayer(app, app.wsgi_app)  # type: ignore[method-assign]
