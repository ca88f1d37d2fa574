"""A reader's cookie session and CSRF token outside a Flask request (for app/fast_path.py).

Read and written with Flask's own session serializer and cookie settings and Flask-WTF's
serializer and salt, so Flask and Flask-WTF accept what is written here and vice versa
(tests/test_fast_path.py).
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask
from itsdangerous import BadSignature, Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from werkzeug.http import dump_cookie


class QuickDumps:
    """`serializer.dumps(obj)` for an itsdangerous URL-safe timed serializer, minus two costs
    that are most of its time: the signing key is derived once, and no zlib compression is tried
    (it never shortens a random token, and `loads` reads uncompressed payloads as it always has).
    The result is a token of the same format, which the same serializer's `loads` accepts."""

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        self.serializer = serializer
        self.signer = serializer.make_signer()
        key = self.signer.derive_key()
        self.signer.derive_key = lambda *_args: key  # type: ignore[method-assign]

    def __call__(self, obj: object) -> str:
        payload = base64_encode(Serializer.dump_payload(self.serializer, obj))
        return self.signer.sign(payload).decode("ascii")


class ReaderSession:
    """The reader's cookie session and CSRF token, read and written with Flask's and Flask-WTF's
    own serializers and Flask's cookie settings."""

    def __init__(self, app: Flask) -> None:
        interface = app.session_interface
        serializer = interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        if serializer is None:
            raise RuntimeError("SECRET_KEY is required")
        self.serializer = serializer
        self.cookie_name = interface.get_cookie_name(app)
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        self.token_key = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        csrf_secret = app.config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
        self.csrf_serializer = URLSafeTimedSerializer(csrf_secret, salt="wtf-csrf-token")
        self._dump_session, self._dump_form_token = QuickDumps(serializer), QuickDumps(self.csrf_serializer)
        options = {
            "domain": interface.get_cookie_domain(app),
            "path": interface.get_cookie_path(app),
            "httponly": interface.get_cookie_httponly(app),
            "samesite": interface.get_cookie_samesite(app),
            "partitioned": interface.get_cookie_partitioned(app),
        }
        always_secure = bool(app.config["SESSION_COOKIE_SECURE"])
        self._cookie_templates = {
            secure: dump_cookie(self.cookie_name, "{value}", secure=always_secure or secure, **options)
            for secure in (False, True)
        }

    def token_in(self, cookie_value: str | None) -> str | None:
        """The raw CSRF token of a session that holds nothing else; None for no (valid) session.
        Raises LookupError for a session with anything else in it."""
        if not cookie_value:
            return None
        try:
            data = self.serializer.loads(cookie_value, max_age=self.max_age)
        except BadSignature:
            return None  # Flask starts a new session for a forged or expired cookie too
        if not isinstance(data, dict):
            raise LookupError("the session is not a plain dictionary")
        if not data:
            return None
        token = data.get(self.token_key)
        if set(data) != {self.token_key} or not isinstance(token, str):
            raise LookupError("the session holds more than a CSRF token")
        return token

    def new_token(self) -> str:
        return hashlib.sha1(os.urandom(64)).hexdigest()  # Flask-WTF's raw token

    def form_token(self, raw_token: str) -> str:
        return self._dump_form_token(raw_token)

    def set_cookie_header(self, raw_token: str, secure: bool) -> str:
        value = self._dump_session({self.token_key: raw_token})
        return self._cookie_templates[secure].replace("{value}", value, 1)
