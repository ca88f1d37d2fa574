"""What happens to every response Flask answers, in this order and in this one place:

1. security headers (app/security.py), so a stored page carries them like any other;
2. the public/private rule (app/caching/policy.py): Cache-Control, no cookie on a public page;
3. a public page is stored whole and sent in the encoding the request takes, any other response
   is compressed if worth it (app/caching/sending.py), so every encoding gets its own ETag;
4. a reader whose copy is current gets 304 (Werkzeug's conditional response), after the ETag of
   the encoding is known.

Before Flask, in front of these steps, the WSGI middleware: the body limit for chunked bodies, the
trusted-proxy fix, the host check, the refusal of non-canonical paths and the public-page layer,
which sends stored pages through step 4 (app/__init__.py, `_wrap_wsgi`). After these steps Flask
saves the session, which a public response never carries (app/security.py, SessionInterface).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.wrappers import Response

from app.caching.policy import apply_policy
from app.caching.sending import answer_conditionally, store_or_compress
from app.security import add_security_headers

RESPONSE_STEPS: tuple[Callable[[Response], Response], ...] = (
    add_security_headers,
    apply_policy,
    store_or_compress,
    answer_conditionally,
)


def finish_response(response: Response) -> Response:
    for step in RESPONSE_STEPS:
        response = step(response)
    return response


def init_app(app: Flask) -> None:
    """Register before every other response hook: Flask runs them last-registered-first, so this
    one sees what the others (e.g. Flask-Login's remember cookie) did to the response."""
    app.after_request(finish_response)
