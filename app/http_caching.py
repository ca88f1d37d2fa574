"""Conditional GETs and compression: an ETag on every page, 304 for If-None-Match, gzip/brotli."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

compress = Compress()

CONDITIONAL_TYPES = {"text/html", "application/xml", "text/plain", "application/json"}


def add_etag(response: Response) -> Response:
    """Strong ETag from the body; pages are private and revalidated (they carry per-reader forms)."""
    if (
        request.method in {"GET", "HEAD"}
        and response.status_code == 200
        and response.mimetype in CONDITIONAL_TYPES
        and not response.direct_passthrough
    ):
        response.headers.setdefault("Cache-Control", "private, no-cache")
        response.add_etag()
        return response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        ["text/html", "text/css", "text/plain", "application/xml", "application/json"],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # after_request handlers run last-registered-first: compression must run after the ETag.
    compress.init_app(app)
    app.after_request(add_etag)
