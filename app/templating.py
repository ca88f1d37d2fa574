"""Template globals: the locale registry and alternate-language URLs; the gap after a label."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime

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


# Full-width colons (Chinese, Japanese) carry their own spacing; a space after one shows as a
# double gap ("最近审核日期： 2026年").
_SELF_SPACED_ENDINGS = ("\uff1a", "\ufe30")


def label_gap(label: str) -> str:
    """The space that goes between a translated label ("Last reviewed:") and what follows it."""
    return "" if str(label).endswith(_SELF_SPACED_ENDINGS) else " "


def init_app(app: Flask) -> None:
    app.jinja_env.filters["label_gap"] = label_gap
    app.jinja_env.globals.update(
        current_locale=current_locale,
        registered_locales=registered_locales,
        url_in_locale=url_in_locale,
        format_date=format_date,
        format_datetime=format_datetime,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
