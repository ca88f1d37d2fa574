"""The comment form: name, comment, language and a honeypot.

It carries no per-reader token: it sits on a public page that every reader shares. Posts from
other websites are refused by their origin instead (app/cross_origin.py).
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.comments.sanitise import normalise
from app.i18n.locales import registered_locales
from app.interface_fallback import LazyText, gettext, ngettext
from app.interface_fallback import lazy_gettext as _l
from app.numerals import format_number

NAME_MAX = 80
COMMENT_MAX = 5000


def _normalise(value: str | None) -> str | None:
    return normalise(value) if isinstance(value, str) else value


def locale_number(number: int) -> str:
    """The number as the page's language writes it, in its own digits where CLDR says so."""
    return format_number(number, str(get_locale() or "en"))


def name_hint() -> str:
    # The count picks the plural form; the number itself is written as the locale writes it.
    # Translators: hint under the name field; %(num)s is the largest number of characters
    # allowed, written as your language writes numbers (e.g. "80").
    # The hint and the error about one limit show the same number, written the same way.
    return ngettext("Up to %(num)s character.", "Up to %(num)s characters.", NAME_MAX, num=locale_number(NAME_MAX))


def comment_hint() -> str:
    # Translators: hint under the comment field; %(num)s is the largest number of characters
    # allowed, written as your language writes numbers (e.g. "5,000").
    return ngettext(
        "Up to %(num)s character. Please do not include personal medical details, phone numbers or email addresses.",
        "Up to %(num)s characters. Please do not include personal medical details, phone numbers or email addresses.",
        COMMENT_MAX,
        num=locale_number(COMMENT_MAX),
    )


def _name_too_long() -> str:
    # Translators: error under the name field; %(num)s is the largest number of characters
    # allowed (the same number as in the hint, e.g. "80").
    return gettext("Your name must be %(num)s characters or fewer", num=locale_number(NAME_MAX))


def _comment_too_long() -> str:
    # Translators: error under the comment field; %(num)s is the largest number of characters
    # allowed (the same number as in the hint, e.g. "5,000").
    return gettext("Your comment must be %(num)s characters or fewer", num=locale_number(COMMENT_MAX))


class CommentForm(FlaskForm):
    class Meta:
        csrf = False  # a public page holds no per-reader token; see the module docstring

    # Translators: label of the comment form's name field.
    name = StringField(
        _l("Your name"),
        id="comment-name",
        filters=[_normalise],
        validators=[
            DataRequired(message=_l("Enter your name")),
            Length(max=NAME_MAX, message=LazyText(_name_too_long)),
        ],
    )
    # Translators: label of the comment text field.
    comment = TextAreaField(
        _l("Your comment"),
        id="comment-comment",
        filters=[_normalise],
        validators=[
            DataRequired(message=_l("Enter your comment")),
            Length(max=COMMENT_MAX, message=LazyText(_comment_too_long)),
        ],
    )
    # Translators: label of the list of languages a comment can be written in.
    language = SelectField(_l("Language of your comment"), id="comment-language")
    website = StringField(_l("Website"), id="comment-website")

    def __init__(self, *args, article_slug: str, page_lang: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.article_slug = article_slug
        self.language.choices = [
            (loc.lang, loc.endonym, {"lang": loc.lang, "dir": loc.direction}) for loc in registered_locales()
        ]
        if not self.language.data or self.language.data == "None":
            self.language.data = page_lang

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.website.data or "").strip())
