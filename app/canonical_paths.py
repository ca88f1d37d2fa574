"""Only canonical paths reach the site: a path with a dot segment (`/./`, `/../`, however it was
percent-encoded) or an empty segment (`//`) gets a plain 400 that no cache may keep.

A shared cache keys pages by the path it normalises (nginx's `$uri` resolves `/x/../` and merges
slashes) while the site would see the path as sent: if the site answered such a spelling at all,
its answer (a 404) would be stored under the real page's key. Refused here and in
deploy/nginx.conf, a spelling never has an answer of its own to store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Response

REFUSAL = "This address is not written the way the site writes it.\n"
PRIVATE = "private, no-store"


def is_canonical(path: str) -> bool:
    """`path` as the server decoded it (PATH_INFO): no `.` or `..` segment, no empty segment
    except the one after a trailing slash."""
    if not path.startswith("/"):
        return path == ""
    segments = path[1:].split("/")
    inner, last = segments[:-1], segments[-1]
    return all(segment not in ("", ".", "..") for segment in inner) and last not in (".", "..")


class CanonicalPathsOnly:
    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        if is_canonical(environ.get("PATH_INFO", "")):
            return self.wsgi_app(environ, start_response)
        refusal = Response(REFUSAL, status=400, mimetype="text/plain")
        refusal.headers["Cache-Control"] = PRIVATE
        return refusal(environ, start_response)
