"""Interface text a language has not translated yet is marked as English while the language is
not listed (partly translated): screen readers then read it with English pronunciation.

Templates call `_()` and `ngettext()`; here they return such text as `EnglishText`, which Jinja
writes as `<span lang="en" dir="ltr">…</span>` in page text. Where markup cannot go (the
`<title>`, attribute values), templates remove the mark with the `unmarked` filter, which keeps
the text exactly (no-break spaces included). Listed languages
are complete (`flask translate check` fails otherwise), so their pages never change.
"""

from __future__ import annotations

import re

from flask import Flask, has_request_context
from flask_babel import get_translations
from markupsafe import Markup, escape

from app.i18n.locales import SOURCE_LOCALE, current_locale

MARK = re.compile(r'<span lang="en" dir="ltr">([^<]*)</span>')


class EnglishText(str):
    """An untranslated interface message of a partly translated language."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return Markup('<span lang="en" dir="ltr">{}</span>').format(str(self))


def _marked(english: tuple[str, ...], translated: str) -> str:
    if translated not in english or not has_request_context():  # mail is written outside a page
        return translated
    here = current_locale()
    if here.listed or here.code == SOURCE_LOCALE.code or translated not in english:
        return translated
    return EnglishText(translated)


def gettext(string: str) -> str:
    return _marked((string,), get_translations().ugettext(string))


def ngettext(singular: str, plural: str, num: int) -> str:
    return _marked((singular, plural), get_translations().ungettext(singular, plural, num))


def unmarked(value: str) -> Markup:
    """Rendered text without the English marks, for the title and attribute values."""
    return Markup(MARK.sub(r"\1", str(value if isinstance(value, Markup) else escape(value))))


def init_app(app: Flask) -> None:
    """Replace Flask-Babel's Jinja gettext and ngettext (installed by babel.init_app) with the
    marking ones; pgettext (article blocks) keeps its own fallback marking."""
    app.jinja_env.filters["unmarked"] = unmarked
    app.jinja_env.install_gettext_callables(
        gettext=gettext,
        ngettext=ngettext,
        newstyle=True,
        pgettext=lambda context, string: get_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: get_translations().unpgettext(context, singular, plural, num),
    )
