"""Template globals: the locale registry, alternate-language URLs, and the locale cookie."""

from __future__ import annotations

from flask import Flask, Response, current_app, request, url_for
from flask_babel import format_date, format_datetime

from app.i18n import LOCALE_COOKIE, SiteLocale, current_locale, locale_from_url, registered_locales


def url_in_locale(target: SiteLocale, *, external: bool = False) -> str:
    """The current page in another language, or that language's home page."""
    args = dict(request.view_args or {})
    if request.endpoint and "locale" in args and request.url_rule is not None:
        args["locale"] = target.code
        path = url_for(request.endpoint, **args)
    else:
        path = url_for("articles.home", locale=target.code)
    return current_app.config["SITE_URL"] + path if external else path


def remember_locale_choice(response: Response) -> Response:
    """A reader on a page of one language has chosen it: remember it for `/`."""
    chosen = locale_from_url() if request.view_args else None
    if (
        chosen is not None
        and request.method == "GET"
        and response.status_code == 200
        and response.mimetype == "text/html"
        and request.cookies.get(LOCALE_COOKIE) != chosen.code
    ):
        secure = current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure
        response.set_cookie(LOCALE_COOKIE, chosen.code, **locale_cookie_options(secure))
    return response


def locale_cookie_options(secure: bool) -> dict[str, object]:
    """How the locale cookie is set (also by app/fast_path.py): a year, Lax, never read by scripts."""
    return {"max_age": 365 * 24 * 3600, "samesite": "Lax", "httponly": True, "secure": secure}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_locale=current_locale,
        registered_locales=registered_locales,
        url_in_locale=url_in_locale,
        format_date=format_date,
        format_datetime=format_datetime,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.after_request(remember_locale_choice)
