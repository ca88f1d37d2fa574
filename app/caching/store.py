"""Public pages kept whole: one rendering per page and version, compressed once per encoding.

A stored page is what Flask answered (status, headers, body) with the body pre-compressed with
gzip and brotli. Every reader gets the same bytes for the same request headers; nothing in it
belongs to a reader. The store holds one version per page key and page keys come only from
routes that exist (see `policy.PublicPage.key`), so requests cannot grow it.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import brotli
from werkzeug.datastructures import Headers
from werkzeug.http import parse_accept_header, quote_etag
from werkzeug.wrappers import Request, Response

ENCODINGS = ("br", "gzip")  # the server's preference when a client accepts several equally
IDENTITY = "identity"
# Headers that depend on the body's encoding: set per variant, never stored.
_PER_VARIANT = {"content-length", "content-encoding", "etag", "vary"}


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=11)
    return gzip.compress(body, compresslevel=9, mtime=0)


def variant_etag(base: str, encoding: str) -> str:
    """The strong validator of one encoding of a page (the only place the suffix is chosen)."""
    return base if encoding == IDENTITY else f"{base}-{encoding}"


@dataclass(frozen=True)
class StoredPage:
    version: Hashable
    status: int
    headers: tuple[tuple[str, str], ...]
    bodies: dict[str, bytes] = field(repr=False)
    etag: str = ""

    @classmethod
    def from_response(cls, response: Response, version: Hashable, vary: Iterable[str]) -> StoredPage:
        body = response.get_data()
        bodies = {IDENTITY: body, **{encoding: _compress(body, encoding) for encoding in ENCODINGS}}
        headers = [(name, value) for name, value in response.headers if name.lower() not in _PER_VARIANT]
        headers.append(("Vary", ", ".join(["Accept-Encoding", *vary])))
        etag = hashlib.sha256(body).hexdigest()[:32]
        return cls(version, response.status_code, tuple(headers), bodies, etag)

    def encoding_for(self, accept_encoding: str | None) -> str:
        accepted = parse_accept_header(accept_encoding or "")
        return accepted.best_match(ENCODINGS, default=IDENTITY)

    def response_for(self, request: Request) -> Response:
        """This page as `request` should get it: its encoding, or 304 when the reader's copy is current."""
        encoding = self.encoding_for(request.headers.get("Accept-Encoding"))
        etag = variant_etag(self.etag, encoding)
        headers = Headers(self.headers)
        headers["ETag"] = quote_etag(etag)
        if request.if_none_match.contains(etag):
            for entity_header in ("Content-Type",):
                headers.pop(entity_header, None)
            return Response(status=304, headers=headers)
        if encoding != IDENTITY:
            headers["Content-Encoding"] = encoding
        # Werkzeug sets Content-Length and sends no body to a HEAD request.
        return Response(self.bodies[encoding], status=self.status, headers=headers)


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
