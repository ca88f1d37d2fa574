"""Every HTTP error as a translated page in the reader's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app import database

HANDLED = (400, 403, 404, 405, 413, 429, 500, 503)


def render_error(error: HTTPException):
    code = error.code or 500
    response = render_template("errors/error.html", code=code), code
    if code == 429 and getattr(error, "retry_after", None):
        return response[0], code, {"Retry-After": str(error.retry_after)}
    return response


def handle_http_error(error: HTTPException):
    if request.path.startswith("/static/") and error.code == 404:
        return "Not Found", 404, {"Content-Type": "text/plain; charset=utf-8"}
    response = error.get_response()
    body, code = render_error(error)[:2]
    headers = {k: v for k, v in response.headers.items() if k in {"Allow", "Retry-After"}}
    return body, code, headers


def handle_csrf_error(error: CSRFError):
    return render_template("errors/error.html", code=400, csrf_failure=True), 400


def handle_database_unavailable(error: Exception):
    """503 while the database is unreachable: the view's own answer (its form with the input
    kept) when it named one, else the translated 503 page. The next request tries again."""
    database.discard_failed_transaction(error)
    answer = database.unavailable_answer()
    if answer is not None:
        try:
            return answer()
        except database.UNAVAILABLE_ERRORS as again:
            database.discard_failed_transaction(again)
    return render_template("errors/error.html", code=503), 503, {"Retry-After": "30"}


def handle_unexpected(error: Exception):
    if database.is_unavailable(error):
        return handle_database_unavailable(error)
    # Operators need the traceback; SQL parameters are hidden by the engine (hide_parameters).
    name = type(error).__name__
    current_app.logger.error("Unhandled %s on %s %s", name, request.method, request.path, exc_info=error)
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    for unavailable in database.UNAVAILABLE_ERRORS:
        app.register_error_handler(unavailable, handle_database_unavailable)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
