"""Security headers on every response (CSP with no inline script or style), Secure cookies over
https, a size limit checked before any work, whatever the transfer encoding, and the client
network that limits are keyed by."""

from __future__ import annotations

import io
import ipaddress
from collections.abc import Callable, Iterable
from typing import IO, Any

from flask import Flask, Response, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from app.caching.policy import is_public

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


HSTS_HEADER = ("Strict-Transport-Security", "max-age=31536000")  # over https only


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault(*HSTS_HEADER)
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with two rules of this site:

    - A public response (the same for every reader) never carries a session cookie, nor the
      `Vary: Cookie` Flask adds when anything looked at the session.
    - The cookie is Secure when configured so, or whenever the request came over https, directly
      or through a trusted proxy (PROXY_FIX_HOPS makes X-Forwarded-Proto count).
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if is_public(response):
            return
        super().save_session(app, session, response)


def refuse_oversize_bodies() -> None:
    """413 before any work, whatever the route does first (a link check, a login check)."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


# After refusing an oversize chunked body, read on this much more of it before answering, so the
# client (still sending) sees the 413 rather than a connection reset; beyond it, stop reading.
DRAIN_AFTER_REFUSAL = 1024 * 1024
_READ_SIZE = 64 * 1024


class ChunkedBodyLimit:
    """WSGI middleware: a chunked body (no Content-Length) is read here, up to the size limit.

    Werkzeug can only stop reading such a body at the limit, which cuts it short without an error
    (a comment form would lose its later fields). Read here first, a body within the limit is
    handed on with its length known, and a longer one is handed on as "this long and no more
    read", so Flask answers 413 exactly as for a declared Content-Length over the limit. Only
    bodies the server has already de-chunked (`wsgi.input_terminated`, as gunicorn and the
    development server do) are read; of the others Werkzeug reads nothing."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        if limit is not None and _is_chunked(environ):
            _buffer_body(environ, limit)
        return self.wsgi_app(environ, start_response)


def _is_chunked(environ: dict[str, Any]) -> bool:
    return bool(environ.get("wsgi.input_terminated")) and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    received = bytearray()
    while len(received) < size:
        piece = stream.read(min(_READ_SIZE, size - len(received)))
        if not piece:
            break
        received += piece
    return bytes(received)


def _discard_up_to(stream: IO[bytes], size: int) -> None:
    while size > 0 and (piece := stream.read(min(_READ_SIZE, size))):
        size -= len(piece)


def _buffer_body(environ: dict[str, Any], limit: int) -> None:
    """Hand the app the body read here with its length, or, past the limit, no body and a
    length over the limit (limit + 1: at least that much was sent)."""
    stream = environ["wsgi.input"]
    body = _read_up_to(stream, limit + 1)
    environ["CONTENT_LENGTH"] = str(len(body))
    if len(body) > limit:
        _discard_up_to(stream, DRAIN_AFTER_REFUSAL)
        body = b""  # never handled: Flask refuses the request for its length alone
    environ["wsgi.input"] = io.BytesIO(body)
    environ.pop("HTTP_TRANSFER_ENCODING", None)  # de-chunked: the length above now holds


def client_network(address: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) an address belongs to, e.g. "203.0.113.0/24"; None if no address.

    One household, office or mobile carrier usually shares such a prefix, and an IPv6 client can
    pick any address inside one, so limits and stored traces use the prefix, not the address."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def init_app(app: Flask) -> None:
    """`add_security_headers` is a step of the response pipeline (app/response_pipeline.py)."""
    app.session_interface = SessionInterface()
    app.before_request(refuse_oversize_bodies)
