"""Every response is public or private; this module alone decides which, and sets the headers.

- Public: the same bytes for every reader whatever cookies the request carries, no Set-Cookie,
  `Cache-Control: public` with a short shared lifetime and revalidation, a strong ETag per page
  version and encoding, `Vary: Accept-Encoding` (plus the request headers a page is negotiated
  from, if any). Views opt in with `@public_page(...)`; 404 pages are public too.
- Private: everything else (form errors, confirmations, token links, moderation):
  `Cache-Control: private, no-store`.

Correctness never depends on a shared cache's cookie rules: a public response holds nothing of
any reader's, and a private one may not be stored at all.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from app.caching.store import PageStore
from app.i18n.locales import locale_from_url

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
PRIVATE = "private, no-store"
PUBLISHED_STATUSES = frozenset({200, 301, 302, 308})
_MARK = "_public_page"
_UNREAD = object()


@dataclass(frozen=True)
class PublicPage:
    """How one view's page is shared.

    version: what makes a new version of the page (read before rendering, e.g. the article's
             comment revision); None for pages that change only with a deployment.
    query:   the query-string value(s) that select a different page, parsed and clamped the same
             way the view parses them (e.g. the comment page number); every other query value
             is ignored, so it can neither create new pages nor be reflected.
    vary:    request headers the page is negotiated from, besides Accept-Encoding.
    """

    version: Callable[[Flask, Mapping[str, Any]], Hashable] | None = None
    query: Callable[[Mapping[str, str]], Hashable] | None = None
    vary: tuple[str, ...] = ()

    def key(self, scheme: str, endpoint: str, view_args: Mapping[str, Any], args: Mapping[str, str]) -> Hashable:
        selected = self.query(args) if self.query else None
        return scheme, endpoint, tuple(sorted(view_args.items())), selected

    def current_version(self, app: Flask, view_args: Mapping[str, Any]) -> Hashable:
        """Needs no request or app context: the WSGI layer asks before Flask runs."""
        return self.version(app, view_args) if self.version else None


def public_page(
    version: Callable[[Flask, Mapping[str, Any]], Hashable] | None = None,
    query: Callable[[Mapping[str, str]], Hashable] | None = None,
    vary: tuple[str, ...] = (),
) -> Callable:
    """Declare a view's page public: the same for every reader, shared by every cache."""

    def mark(view: Callable) -> Callable:
        setattr(view, _MARK, PublicPage(version, query, vary))
        return view

    return mark


def public_pages(app: Flask) -> dict[str, PublicPage]:
    """Endpoint -> PublicPage, for every view declared public (looking through decorators)."""
    found = app.extensions.get("public_pages")
    if found is None:
        found = {}
        for endpoint, view in app.view_functions.items():
            while view is not None:
                if (page := getattr(view, _MARK, None)) is not None:
                    found[endpoint] = page
                    break
                view = getattr(view, "__wrapped__", None)
        app.extensions["public_pages"] = found
    return found


def cache_control(app: Flask) -> str:
    """Browsers revalidate every time (cheap: 304); shared caches keep a page for a few seconds and
    may serve it a few more while they fetch the next version, so a change reaches every reader
    within PUBLIC_SHARED_MAX_AGE + PUBLIC_STALE_WHILE_REVALIDATE seconds. While the site answers
    with an error or not at all, a cache may serve its copy for PUBLIC_STALE_IF_ERROR seconds
    (RFC 5861), so readers still get the article through an outage of the site or database."""
    shared, stale = app.config["PUBLIC_SHARED_MAX_AGE"], app.config["PUBLIC_STALE_WHILE_REVALIDATE"]
    on_error = app.config["PUBLIC_STALE_IF_ERROR"]
    return f"public, max-age=0, s-maxage={shared}, stale-while-revalidate={stale}, stale-if-error={on_error}"


def is_public(response: Response) -> bool:
    return bool(response.cache_control.public)


def keep_private() -> None:
    """This answer, though it comes from a public page's view, is for this request alone (a
    redirect to the canonical address, a page number that does not exist): no cache keeps it."""
    g._page_incomplete = True


def mark_incomplete() -> None:
    """The page being rendered lacks something (e.g. comments while the database is down): serve
    it to this reader, but let no cache keep it."""
    keep_private()


def _read_version() -> None:
    """Before the view runs: the version the page will be rendered from (never after, or a change
    committed during rendering could be stored under the older version and hidden)."""
    page = public_pages(current_app).get(request.endpoint or "")
    if page is None or request.method not in SAFE_METHODS:
        return
    try:
        g._public_version = page.current_version(current_app._get_current_object(), request.view_args or {})
    except SQLAlchemyError:
        mark_incomplete()


def _without_cookies(response: Response) -> Response:
    if "Set-Cookie" in response.headers:
        logger.error("A public response tried to set a cookie on %s; it was dropped", request.path)
        del response.headers["Set-Cookie"]
    return response


def _publish_page(page: PublicPage, response: Response) -> Response:
    version = g.pop("_public_version", _UNREAD)
    if version is _UNREAD or response.direct_passthrough:
        return _private(response)
    response.headers["Cache-Control"] = cache_control(current_app)
    g._page_to_store = page, version  # stored next, with every header (app/caching/sending.py)
    return _without_cookies(response)


def page_to_store() -> tuple[PublicPage, Hashable] | None:
    """The public page this response is (with the version it was rendered from), if any."""
    return g.pop("_page_to_store", None)


def _publish_not_found(response: Response) -> Response:
    """A 404 is the same for everyone who asks for that URL (in the language its path names, or
    else the one negotiated from Accept-Language)."""
    response.headers["Cache-Control"] = cache_control(current_app)
    response.vary.add("Accept-Encoding")
    if locale_from_url() is None:
        response.vary.add("Accept-Language")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    return _without_cookies(response)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = PRIVATE
    return response


def apply_policy(response: Response) -> Response:
    """The one place that decides whether a response may be shared."""
    if request.method in SAFE_METHODS and not g.get("_page_incomplete"):
        page = public_pages(current_app).get(request.endpoint or "")
        if page is not None and response.status_code in PUBLISHED_STATUSES:
            return _publish_page(page, response)
        if response.status_code == 404 and not response.direct_passthrough:
            return _publish_not_found(response)
        if is_public(response) and response.status_code in (200, 304):
            return _without_cookies(response)  # fingerprinted static files set their own lifetime
    return _private(response)


def init_app(app: Flask) -> None:
    """`apply_policy` is a step of the response pipeline (app/response_pipeline.py), not a hook."""
    app.config.setdefault("PUBLIC_SHARED_MAX_AGE", 5)
    app.config.setdefault("PUBLIC_STALE_WHILE_REVALIDATE", 5)
    app.config.setdefault("PUBLIC_STALE_IF_ERROR", 7 * 24 * 3600)
    app.extensions["public_page_store"] = PageStore()
    app.before_request(_read_version)
