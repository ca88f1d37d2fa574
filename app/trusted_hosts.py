"""Answer only to the site's own host names: any other Host header gets a plain 400 before the
app runs, so no redirect, link or cached page can ever be built from an attacker's host name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_host

REFUSAL = "Unknown host.\n"  # never echoes the name it was given


class TrustedHostsOnly:
    def __init__(self, wsgi_app: Any, trusted: Iterable[str]) -> None:
        self.wsgi_app = wsgi_app
        self.trusted = list(trusted)
        self._accepted: set[tuple[str | None, str | None]] = set()  # only good names: bounded

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        seen = (environ.get("HTTP_HOST"), environ.get("SERVER_NAME"))
        if seen in self._accepted:
            return self.wsgi_app(environ, start_response)
        try:
            get_host(environ, self.trusted)
            if len(self._accepted) < 64:
                self._accepted.add(seen)
        except SecurityError:
            refusal = Response(REFUSAL, status=400)  # text/plain, the default
            refusal.headers["Cache-Control"] = "private, no-store"
            return refusal(environ, start_response)
        return self.wsgi_app(environ, start_response)
