"""Security headers on every response (CSP with no inline script or style), Secure cookies over
https, a size limit checked before any work, and the client network that limits are keyed by."""

from __future__ import annotations

import ipaddress

from flask import Flask, Response, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

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
    """The session cookie is Secure when configured so, or whenever the request came over https,
    directly or through a trusted proxy (PROXY_FIX_HOPS makes X-Forwarded-Proto count)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


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


def refuse_oversize_bodies() -> None:
    """413 before any work, whatever the route does first (a link check, a login check)."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.before_request(refuse_oversize_bodies)
    app.after_request(add_security_headers)
