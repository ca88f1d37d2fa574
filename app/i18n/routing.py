"""The locale in every URL (`/<locale>/...`), handled once for the whole app, in routing.

Before any view runs, the URL's locale is checked (a code that is not registered, or not spelt
exactly as registered, is a 404 in the reader's language) and kept as the page's locale, so views
never check it and read it with `current_locale()`. Links built while answering a request get the
page's locale unless they name another (the language switcher, hreflang alternates).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context

from app.i18n.locales import current_locale, locale_or_404

URL_VALUE = "locale"


def check_locale(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and URL_VALUE in values:
        g.site_locale = locale_or_404(values[URL_VALUE])


def add_page_locale(endpoint: str, values: dict[str, Any]) -> None:
    if URL_VALUE in values or not has_request_context():
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, URL_VALUE):
        values[URL_VALUE] = current_locale().code


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(check_locale)
    app.url_defaults(add_page_locale)
