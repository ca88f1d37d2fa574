"""Static files under content-hashed names, served as immutable for a year; /favicon.ico."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, url_for

from app.caching import public_page

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class StaticFile:
    name: str  # e.g. css/site.css
    fingerprinted: str  # e.g. css/site.1a2b3c4d5e.css
    digest: str
    path: Path


def _fingerprinted(filename: str, digest: str) -> str:
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{filename}.{digest}"


@cache
def static_files() -> dict[str, StaticFile]:
    """Every file under static/, by its fingerprinted name, resolved once (the files change only
    with a deployment). Only these names are ever answered: any other spelling of a path is a
    404, and requests can add nothing to this table."""
    found: dict[str, StaticFile] = {}
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = path.relative_to(STATIC_DIR).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            entry = StaticFile(name, _fingerprinted(name, digest), digest, path)
            found[entry.fingerprinted] = entry
    return found


@cache
def _by_name() -> dict[str, StaticFile]:
    return {entry.name: entry for entry in static_files().values()}


def fingerprint(filename: str) -> str:
    """`css/site.css` -> `css/site.1a2b3c4d5e.css`, from the file's content (KeyError: no such file)."""
    return _by_name()[filename].fingerprinted


def static_url(filename: str) -> str:
    return url_for("assets.static_file", fingerprinted=fingerprint(filename))


@bp.get("/static/<path:fingerprinted>")
def static_file(fingerprinted: str):
    entry = static_files().get(fingerprinted)
    if entry is None:
        abort(404)
    # Small files, read whole (not streamed) so they can be compressed like pages; the 304 comes
    # from the response pipeline (app/response_pipeline.py), as for every response.
    mimetype = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
    response = Response(entry.path.read_bytes(), mimetype=mimetype)
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(entry.digest)
    return response


# Browsers and crawlers ask for /favicon.ico whatever the page links to: answered here, as a
# public page like robots.txt, rather than taken for a locale code.
@bp.get("/favicon.ico")
@public_page()
def favicon():
    return Response((STATIC_DIR / "favicon.ico").read_bytes(), mimetype="image/vnd.microsoft.icon")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["static_url"] = static_url
