"""Refuse unsafe requests that a browser sends on behalf of another website.

Public forms carry no per-reader token (their pages are shared by every reader), so cross-site
request forgery is stopped by where a request comes from, as Go's http.CrossOriginProtection
does: a browser's `Sec-Fetch-Site` must say `same-origin` or `none` (typed in, bookmarked);
without it, an `Origin` header, if present, must be the site's own origin, taken from SITE_URL
(never from the Host header, which a proxy or an attacker may set). A request with neither
header does not come from a browser, so no one's cookies or trust can be borrowed by it.

Every unsafe request is checked before its view runs. A view whose form holds a person's words
checks for itself (`@checked_in_view` and `refused()`), so it can answer 403 with the text kept.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Request, abort, current_app, request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})
_MARK = "_cross_origin_checked_in_view"


def site_origin(site_url: str) -> str:
    """ "https://example.org:8443/path" -> "https://example.org:8443" (default ports dropped)."""
    parts = urlsplit(site_url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{host}{port}"


def is_cross_origin(req: Request, own_origin: str) -> bool:
    if req.method in SAFE_METHODS:
        return False
    fetch_site = req.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in TRUSTED_FETCH_SITES
    origin = req.headers.get("Origin")
    if origin is None:
        return False  # not a browser
    try:
        return site_origin(origin.strip()) != own_origin
    except ValueError:  # not a URL at all (a bad port, say): not this site
        return True


def refused() -> bool:
    """Whether the current request comes from another website and must be refused."""
    return is_cross_origin(request, site_origin(current_app.config["SITE_URL"]))


def checked_in_view(view: Callable) -> Callable:
    """The view calls `refused()` itself, to answer with the person's words kept."""
    setattr(view, _MARK, True)
    return view


def _checks_itself(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint)  # type: ignore[arg-type]  # None: no route matched
    while view is not None:
        if getattr(view, _MARK, False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def refuse_cross_origin_requests() -> None:
    if request.method not in SAFE_METHODS and not _checks_itself(request.endpoint) and refused():
        abort(403)


def init_app(app: Flask) -> None:
    app.before_request(refuse_cross_origin_requests)
