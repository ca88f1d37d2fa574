"""Static files under content-hashed names, served as immutable for a year; /favicon.ico."""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, request, url_for

from app.caching import public_page

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("assets", __name__)


@cache
def fingerprint(filename: str) -> str:
    """`css/site.css` -> `css/site.1a2b3c4d5e.css`, from the file's content."""
    digest = hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:10]
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{filename}.{digest}"


def static_url(filename: str) -> str:
    return url_for("assets.static_file", fingerprinted=fingerprint(filename))


@bp.get("/static/<path:fingerprinted>")
def static_file(fingerprinted: str):
    stem, _, suffix = fingerprinted.rpartition(".")
    original_stem, _, digest = stem.rpartition(".")
    original = f"{original_stem}.{suffix}"
    path = (STATIC_DIR / original).resolve()
    if not original_stem or not path.is_relative_to(STATIC_DIR) or not path.is_file():
        abort(404)
    if fingerprint(original) != fingerprinted:
        abort(404)
    # Small files, read whole (not streamed) so they can be gzip-compressed like pages.
    mimetype = mimetypes.guess_type(original)[0] or "application/octet-stream"
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(fingerprinted.rsplit(".", 2)[-2])
    return response.make_conditional(request)


# Browsers and crawlers ask for /favicon.ico whatever the page links to: answered here, as a
# public page like robots.txt, rather than taken for a locale code.
@bp.get("/favicon.ico")
@public_page()
def favicon():
    return Response((STATIC_DIR / "favicon.ico").read_bytes(), mimetype="image/vnd.microsoft.icon")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["static_url"] = static_url
