"""Template globals: the locale registry and alternate-language URLs."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_timedelta

from app.i18n import SiteLocale, current_locale, registered_locales


def url_in_locale(target: SiteLocale, *, external: bool = False) -> str:
    """The current page in another language, or that language's home page."""
    args = dict(request.view_args or {})
    if request.endpoint and "locale" in args and request.url_rule is not None:
        args["locale"] = target.code
        path = url_for(request.endpoint, **args)
    else:
        path = url_for("articles.home", locale=target.code)
    return current_app.config["SITE_URL"] + path if external else path


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_locale=current_locale,
        registered_locales=registered_locales,
        url_in_locale=url_in_locale,
        format_date=format_date,
        format_datetime=format_datetime,
        format_timedelta=format_timedelta,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
