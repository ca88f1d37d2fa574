"""Public pages kept whole: one rendering per page and version, compressed once per encoding.

A stored page is what Flask answered (status, headers, body) with the body pre-compressed with
gzip and brotli. Every reader gets the same bytes for the same request headers; nothing in it
belongs to a reader. The store holds one version per page key and page keys come only from
routes that exist (see `policy.PublicPage.key`), so requests cannot grow it.

Also the site's one compression path (`compress`, `encoding_for`, `variant_etag`): stored pages
are compressed here once at the best level, other responses per request at a quick level
(app/caching/sending.py).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import brotli
from werkzeug.datastructures import Headers
from werkzeug.http import parse_accept_header, quote_etag, remove_entity_headers
from werkzeug.wrappers import Response

ENCODINGS = ("br", "gzip")  # the server's preference when a client accepts several equally
IDENTITY = "identity"
# Headers that depend on the body's encoding: set per variant, never stored.
_PER_VARIANT = {"content-length", "content-encoding", "etag", "vary"}


# (brotli quality, gzip level): the best for pages compressed once and stored, a quick one for
# responses compressed on every request (Flask-Compress's former defaults).
BEST = (11, 9)
QUICK = (4, 6)


def compress(body: bytes, encoding: str, levels: tuple[int, int]) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=levels[0])
    return gzip.compress(body, compresslevel=levels[1], mtime=0)


def variant_etag(base: str, encoding: str) -> str:
    """The strong validator of one encoding of a page (the only place the suffix is chosen)."""
    return base if encoding == IDENTITY else f"{base}-{encoding}"


@dataclass(frozen=True)
class Variant:
    """One encoding of a stored page, ready to send: its body and every header, as WSGI takes them."""

    etag_header: str  # quoted, as sent
    body: bytes = field(repr=False)
    headers: list[tuple[str, str]] = field(repr=False)
    not_modified_headers: list[tuple[str, str]] = field(repr=False)  # what Werkzeug keeps in a 304


@dataclass(frozen=True)
class StoredPage:
    version: Hashable
    status: int
    status_line: str  # e.g. "200 OK", as WSGI's start_response takes it
    variants: dict[str, Variant] = field(repr=False)  # by encoding: identity, br, gzip

    @classmethod
    def from_response(cls, response: Response, version: Hashable, vary: Iterable[str]) -> StoredPage:
        body = response.get_data()
        bodies = {IDENTITY: body, **{encoding: compress(body, encoding, BEST) for encoding in ENCODINGS}}
        headers = [(name, value) for name, value in response.headers if name.lower() not in _PER_VARIANT]
        headers.append(("Vary", ", ".join(["Accept-Encoding", *vary])))
        etag = hashlib.sha256(body).hexdigest()[:32]
        variants = {encoding: _variant(tuple(headers), etag, encoding, bodies[encoding]) for encoding in bodies}
        return cls(version, response.status_code, response.status, variants)

    def variant_for(self, accept_encoding: str | None) -> Variant:
        return self.variants[encoding_for(accept_encoding)]

    def response_for(self, environ: dict[str, Any]) -> Response:
        """This page in the encoding the request takes (the 304 is the next step's, see
        app/caching/sending.py; Werkzeug sends no body to a HEAD request)."""
        variant = self.variant_for(environ.get("HTTP_ACCEPT_ENCODING"))
        return Response(variant.body, status=self.status, headers=variant.headers)


def _variant(headers: tuple[tuple[str, str], ...], base_etag: str, encoding: str, body: bytes) -> Variant:
    etag = variant_etag(base_etag, encoding)
    sent = Headers([*headers, ("ETag", quote_etag(etag)), ("Content-Length", str(len(body)))])
    if encoding != IDENTITY:
        sent.add("Content-Encoding", encoding)
    not_modified = sent.copy()
    remove_entity_headers(not_modified)
    return Variant(quote_etag(etag), body, sent.to_wsgi_list(), not_modified.to_wsgi_list())


@lru_cache(maxsize=256)
def encoding_for(accept_encoding: str | None) -> str:
    """The best encoding a request's Accept-Encoding takes (browsers send a handful of distinct
    values, so the answer is remembered)."""
    return parse_accept_header(accept_encoding or "").best_match(ENCODINGS, default=IDENTITY)


class PageStore:
    """The current version of each public page, shared by the threads of one process."""

    def __init__(self) -> None:
        self._pages: dict[Hashable, StoredPage] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> StoredPage | None:
        return self._pages.get(key)

    def put(self, key: Hashable, page: StoredPage) -> None:
        with self._lock:
            self._pages[key] = page

    def __len__(self) -> int:
        return len(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
