"""Interface text a language has not translated yet is marked as English while the language is
not listed (partly translated): screen readers then read it with English pronunciation.

Templates call `_()` and `ngettext()`; here they return such text as `EnglishText`, which Jinja
writes as `<span lang="en" dir="ltr">…</span>` in page text. Python code (form labels, validation
errors, status messages) calls this module's `gettext`, `ngettext`, `lazy_gettext` and
`lazy_ngettext` instead of Flask-Babel's: they return the same `EnglishText`, or a `LazyText`
that becomes one, so the form macros print such a label or error marked too. A flashed message
keeps its mark across the redirect (Flask's session serialiser keeps objects with `__html__` as
markup). Where markup cannot go (the `<title>`, attribute values), the text stays plain:
templates remove the mark with the `unmarked` filter, which keeps the text exactly (no-break
spaces included); a select's option is marked by its own `lang` and `dir` attributes instead.
Listed languages are complete (`flask translate check` fails otherwise), so their pages never
change.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, has_request_context
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.i18n.locales import SOURCE_LOCALE, current_locale
from app.numerals import LATIN, in_locale_digits

MARK = re.compile(r'<span lang="en" dir="ltr">([^<]*)</span>')
# A placeholder that writes a whole number: `%(num)d`, `%(max)d`, `%(count)s`.
NUMBER_PLACEHOLDER = re.compile(r"%\((\w+)\)[dis]")


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


def _own_digits_language() -> str | None:
    """The page's language if CLDR's default numbering system for it is not Latin (Persian)."""
    language = get_locale()
    return str(language) if language and in_locale_digits(LATIN, str(language)) != LATIN else None


def _fill(text: str, variables: dict[str, Any]) -> str:
    """`text % variables`, whole numbers written in the page language's own digits where CLDR
    says it has them: `%(num)d` of 5 is "۵" in Persian, "5" in every language on Latin digits
    (their text is then exactly `text % variables`). Markup stays markup."""
    language = _own_digits_language()
    numbers = {name for name, value in variables.items() if type(value) is int} if language else set()
    if numbers:
        template = NUMBER_PLACEHOLDER.sub(lambda found: f"%({found[1]})s" if found[1] in numbers else found[0], text)
        text = Markup(template) if isinstance(text, Markup) else template
        variables = {
            name: in_locale_digits(str(value), language) if name in numbers else value
            for name, value in variables.items()
        }
    return text % variables if isinstance(text, Markup) else str.__mod__(text, variables)


def _filled(text: str, variables: dict[str, Any]) -> str:
    """The message filled in as Flask-Babel fills one (not at all without variables), keeping the
    English mark."""
    if not variables:
        return text
    filled = _fill(text, variables)
    return EnglishText(filled) if isinstance(text, EnglishText) else filled


def _translated(string: str) -> str:
    return _marked((string,), get_translations().ugettext(string))


def _translated_plural(singular: str, plural: str, count: int) -> str:
    return _marked((singular, plural), get_translations().ungettext(singular, plural, count))


def gettext(string: str, **variables: Any) -> str:
    return _filled(_translated(string), variables)


def ngettext(singular: str, plural: str, count: int, /, **variables: Any) -> str:
    """`num` is the count unless given (a count written in words or grouped digits)."""
    variables.setdefault("num", count)
    return _filled(_translated_plural(singular, plural, count), variables)


class LazyText(LazyString):
    """A message translated when used (form labels, validator messages), as Flask-Babel's
    lazy strings are, whose English text keeps its mark when printed or filled in (WTForms fills
    in a Length message with `%`)."""

    def __html__(self) -> str:
        value = self._func(*self._args, **self._kwargs)
        return value.__html__() if isinstance(value, EnglishText) else str(value)

    def __mod__(self, other: Any) -> str:
        value = self._func(*self._args, **self._kwargs)
        filled = str.__mod__(str(value), other)
        return EnglishText(filled) if isinstance(value, EnglishText) else filled


def lazy_gettext(string: str, **variables: Any) -> LazyText:
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, count: int, /, **variables: Any) -> LazyText:
    return LazyText(ngettext, singular, plural, count, **variables)


@pass_context
def _template_gettext(context: Context, string: str, **variables: Any) -> str:
    """Jinja's new-style `_()`: the message marked if English, always filled in (`%%` is `%`)."""
    text = _translated(string)
    return _fill(Markup(text) if context.eval_ctx.autoescape else text, variables)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, count: int, **variables: Any) -> str:
    variables.setdefault("num", count)
    text = _translated_plural(singular, plural, count)
    return _fill(Markup(text) if context.eval_ctx.autoescape else text, variables)


def unmarked(value: str) -> Markup:
    """Rendered text without the English marks, for the title and attribute values."""
    return Markup(MARK.sub(r"\1", str(value if isinstance(value, Markup) else escape(value))))


def init_app(app: Flask) -> None:
    """Replace Flask-Babel's Jinja gettext and ngettext (installed by babel.init_app) with the
    marking ones, which also write numbers in the page language's digits; pgettext (article
    blocks) keeps its own fallback marking."""
    app.jinja_env.filters["unmarked"] = unmarked
    app.jinja_env.install_gettext_callables(
        gettext=_translated,
        ngettext=_translated_plural,
        newstyle=True,
        pgettext=lambda context, string: get_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: get_translations().unpgettext(context, singular, plural, num),
    )
    # Jinja's new-style wrappers fill messages in with plain `%`; these also write the digits.
    app.jinja_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext)
