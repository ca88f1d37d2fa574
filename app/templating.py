"""Template globals: the locale registry and alternate-language URLs; the gap after a label."""

from __future__ import annotations

from babel.lists import format_list
from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_timedelta, get_locale
from markupsafe import Markup

from app.content import article_by_slug
from app.content.publication import published_locales
from app.i18n.locales import SiteLocale, current_locale, listed_locales, registered_locales
from app.numerals import format_number, in_locale_digits


def url_in_locale(target: SiteLocale, *, external: bool = False) -> str:
    """The current page in another language, or that language's home page."""
    args = dict(request.view_args or {})
    if request.endpoint and "locale" in args and request.url_rule is not None:
        args["locale"] = target.code
        path = url_for(request.endpoint, **args)
    else:
        path = url_for("articles.home", locale=target.code)
    return current_app.config["SITE_URL"] + path if external else path


def page_locales() -> tuple[SiteLocale, ...]:
    """The languages the current page exists in: an article's, only those that publish it."""
    if "letter" in (request.view_args or {}):
        # A letter of the A to Z is a page of its own language: other languages have other letters.
        return (current_locale(),)
    slug = (request.view_args or {}).get("slug")
    article = article_by_slug(slug) if isinstance(slug, str) else None
    if article is None:
        return listed_locales()
    return tuple(published_locales(article, listed_locales()))


def switcher_locales() -> tuple[SiteLocale, ...]:
    """The listed languages, and the page's own while it is not listed yet (a translator's preview)."""
    here = current_locale()
    listed = listed_locales()
    return listed if here in listed else (*listed, here)


def locale_format_date(*args, **kwargs) -> str:
    """Flask-Babel's format_date in the digits CLDR gives the page's language (Persian ۶ دسامبر ۲۰۲۶)."""
    return in_locale_digits(format_date(*args, **kwargs), str(get_locale() or "en"))


def locale_format_datetime(*args, **kwargs) -> str:
    return in_locale_digits(format_datetime(*args, **kwargs), str(get_locale() or "en"))


def list_in_words(items: list[str]) -> str:
    """ "a, b and c" with the separators of the page's (or mail's) language. Items already
    escaped for HTML (macro output) stay so: joining them adds only the locale's separators."""
    items = list(items)
    joined = format_list([str(item) for item in items], locale=get_locale() or "en")
    return Markup(joined) if items and all(isinstance(item, Markup) for item in items) else joined


def x_default_url(endpoint: str | None, args: dict, *, external: bool = False) -> str:
    """Where a reader whose language the site does not have should land (hreflang="x-default").

    For the home page (and a letter of the A to Z, which differs per language) that is `/`, which
    picks a language from the browser's preferences; any other page has no such address, so it is
    the English (source) version.
    """
    if endpoint == "articles.home" or "letter" in args:
        path = url_for("articles.root")
    else:
        path = url_for(endpoint, **{**args, "locale": registered_locales()[0].code})
    return current_app.config["SITE_URL"] + path if external else path


def current_x_default_url() -> str:
    args = dict(request.view_args or {})
    if request.endpoint and "locale" in args and request.url_rule is not None:
        return x_default_url(request.endpoint, args, external=True)
    return x_default_url("articles.home", {}, external=True)


# Full-width colons (Chinese, Japanese) carry their own spacing; a space after one shows as a
# double gap ("最近审核日期： 2026年").
_SELF_SPACED_ENDINGS = ("\uff1a", "\ufe30")


def label_gap(label: str) -> str:
    """The space that goes between a translated label ("Important:") and what follows it."""
    return "" if str(label).endswith(_SELF_SPACED_ENDINGS) else " "


def locale_format_number(number: float) -> str:
    """Flask-Babel's `numberformat`, in the page language's own digits where CLDR says so
    (Persian "۱۲"); the same text as Flask-Babel's in languages on Latin digits."""
    return format_number(number, str(get_locale() or "en"))


def locale_digits(number: int) -> str:
    """A whole number in the page language's own digits, without separators (a page number)."""
    return in_locale_digits(str(number), str(get_locale() or "en"))


def init_app(app: Flask) -> None:
    from app import interface_fallback

    interface_fallback.init_app(app)
    app.jinja_env.filters["label_gap"] = label_gap
    app.jinja_env.filters["numberformat"] = locale_format_number
    app.jinja_env.filters["locale_digits"] = locale_digits
    app.jinja_env.globals.update(
        current_locale=current_locale,
        registered_locales=registered_locales,
        url_in_locale=url_in_locale,
        page_locales=page_locales,
        x_default_url=x_default_url,
        current_x_default_url=current_x_default_url,
        switcher_locales=switcher_locales,
        format_date=locale_format_date,
        format_datetime=locale_format_datetime,
        format_timedelta=format_timedelta,
        list_in_words=list_in_words,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
