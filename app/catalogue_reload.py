"""Development only (`make run` sets RELOAD_CATALOGUES=1): a catalogue compiled with
`flask translate compile` shows on the next page load, without restarting the server.

Before each request, the modification times of the compiled catalogues (.mo files) are compared
with the last ones seen; when one changed, the app's translations (Flask-Babel's cache, the dict
that `AppDomain.get_translations_cache`, its documented hook, returns, and the English stand-ins
of catalogues that could not be read) and the stored public pages are emptied, so both are
rebuilt from the new catalogue. A deployment never sets the flag: it restarts after a catalogue
change (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask

from app.extensions import forget_translations


def compiled_catalogues(app: Flask) -> tuple[tuple[str, int], ...]:
    """(path, modification time) of every .mo file in the app's translation directories."""
    found = []
    for directory in str(app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";"):
        base = Path(directory) if Path(directory).is_absolute() else Path(app.root_path) / directory
        for path in sorted(base.glob("*/LC_MESSAGES/*.mo")):
            try:
                found.append((str(path), path.stat().st_mtime_ns))
            except FileNotFoundError:  # being rewritten by `compile` at this moment
                continue
    return tuple(found)


class CatalogueReloader:
    """WSGI middleware in front of the stored-page layer, so no stored page outlives a catalogue."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.seen = compiled_catalogues(app)

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        current = compiled_catalogues(self.app)
        if current != self.seen:
            self.seen = current
            forget_translations(self.app)
            store = self.app.extensions.get("public_page_store")
            if store is not None:
                store.clear()
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    if app.config.get("RELOAD_CATALOGUES"):
        app.wsgi_app = CatalogueReloader(app, app.wsgi_app)  # type: ignore[method-assign]
