"""Public pages as publications: the same bytes for every reader, standard HTTP caching headers,
and one whole-response store in front of Flask (a shared HTTP cache such as nginx goes in front
of that). Everything about which response may be shared, and how, lives in this package.

- `policy`: which responses are public and which private, and the headers each kind gets.
- `store`: public pages kept whole per version, compressed once with gzip and brotli.
- `layer`: a WSGI layer answering stored pages through Flask's own URL map.
- `freshness`: the version of an article page, read from the database on every request (the
  revision query is registered by the feature whose data changes the page).
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

from app.caching import layer, policy
from app.caching.policy import keep_private, mark_incomplete, public_page

__all__ = ["init_app", "keep_private", "mark_incomplete", "public_page"]

compress = Compress()


def init_app(app: Flask) -> None:
    """Register before the security headers: after_request hooks run last-registered-first, so
    compression runs last, after the policy has stored the page with every other header."""
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        ["text/html", "text/css", "text/plain", "application/xml", "application/json"],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    compress.init_app(app)
    policy.init_app(app)
    layer.init_app(app)
