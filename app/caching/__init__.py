"""Public pages as publications: the same bytes for every reader, standard HTTP caching headers,
and one whole-response store in front of Flask (a shared HTTP cache such as nginx goes in front
of that). Everything about which response may be shared, and how, lives in this package.

- `policy`: which responses are public and which private, and the headers each kind gets.
- `sending`: the last steps of a response: storing a public page or compressing, then the 304.
- `store`: public pages kept whole per version, compressed once with gzip and brotli.
- `layer`: a WSGI layer answering stored pages through Flask's own URL map.
- `revision`: the version of an article page, read through SQLAlchemy on every request (the read
  is registered by the feature whose data changes the page).

The order of the steps is app/response_pipeline.py. A page's version (what makes a stored copy
stale) is the feature's to say: `@public_page(version=...)`.
"""

from __future__ import annotations

from flask import Flask

from app.caching import layer, policy
from app.caching.policy import keep_private, mark_incomplete, public_page

__all__ = ["init_app", "keep_private", "mark_incomplete", "public_page"]


def init_app(app: Flask) -> None:
    policy.init_app(app)
    layer.init_app(app)
