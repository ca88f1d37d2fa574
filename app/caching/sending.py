"""The last two steps of every response (app/response_pipeline.py): the encoding, then the 304.

- `store_or_compress`: a public page (as the policy marked it, every header set) is stored whole
  and sent in the encoding the request takes; any other response worth compressing is compressed
  here. The site's only compression path (store.compress).
- `answer_conditionally`: the 304, decided by `reader_has_current_copy` (Werkzeug's conditional
  test), the only place a 304 is decided, for pages Flask renders and for stored pages the
  public-page layer sends (app/caching/layer.py).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response

from app.caching.policy import SAFE_METHODS, page_to_store
from app.caching.store import IDENTITY, QUICK, PageStore, StoredPage, compress, encoding_for, variant_etag

COMPRESSIBLE = frozenset({"text/html", "text/css", "text/plain", "application/xml", "application/json"})
MIN_COMPRESSED_SIZE = 500  # bytes; below this, compressing saves less than it costs


def store_or_compress(response: Response) -> Response:
    found = page_to_store()
    if found is None:
        return _compressed(response)
    page, version = found
    stored = StoredPage.from_response(response, version, page.vary)
    if not page.vary:  # a negotiated page differs by request header: shared caches only
        store: PageStore = current_app.extensions["public_page_store"]
        store.put(page.key(request.scheme, request.endpoint or "", request.view_args or {}, request.args), stored)
    return stored.response_for(request.environ)


def _compressed(response: Response) -> Response:
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if (
        not 200 <= response.status_code < 300
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return response
    encoding = encoding_for(request.headers.get("Accept-Encoding"))
    body = response.get_data()
    if encoding == IDENTITY or len(body) < MIN_COMPRESSED_SIZE:
        return response
    response.set_data(compress(body, encoding, QUICK))
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag and not weak:  # a strong validator names one encoding's bytes
        response.set_etag(variant_etag(etag, encoding))
    return response


def reader_has_current_copy(environ: dict[str, Any], etag: str | None, last_modified: str | None = None) -> bool:
    """Whether the request's validators (If-None-Match, If-Modified-Since) name this response:
    Werkzeug's test, as `Response.make_conditional` makes it."""
    if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    if environ.get("REQUEST_METHOD") not in SAFE_METHODS or not (etag or last_modified):
        return False
    return not is_resource_modified(environ, etag, last_modified=last_modified)


def answer_conditionally(response: Response) -> Response:
    """304 when the reader's copy is current (without the Date header `make_conditional` would
    add: the server sends one). Werkzeug sends a 304 without its body or entity headers."""
    etag, last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if reader_has_current_copy(request.environ, etag, last_modified):
        response.status_code = 304
    return response
