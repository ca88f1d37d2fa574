"""The comment form: name, comment, language, honeypot and a signed timestamp bound to the article."""

from __future__ import annotations

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.comments.sanitise import normalise
from app.i18n import registered_locales
from app.page_cache import per_reader

NAME_MAX = 80
COMMENT_MAX = 5000
_STAMP_SALT = "comment-form-time"

# What the signed timestamp says about a post.
STAMP_OK = "ok"
STAMP_TOO_FAST = "too-fast"
STAMP_STALE = "stale"
STAMP_FORGED = "forged"


def _normalise(value: str | None) -> str | None:
    return normalise(value) if isinstance(value, str) else value


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_STAMP_SALT)


def issue_stamp(article_slug: str) -> str:
    return _serializer().dumps(article_slug)


def check_stamp(stamp: str | None, article_slug: str) -> str:
    """Whether the form was shown for this article, long enough ago and not too long ago."""
    if not stamp:
        return STAMP_FORGED
    max_age = current_app.config["COMMENT_MAX_FORM_AGE"]
    try:
        slug, signed_at = _serializer().loads(stamp, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        return STAMP_STALE
    except BadSignature:
        return STAMP_FORGED
    if slug != article_slug:
        return STAMP_FORGED
    if time.time() - signed_at.timestamp() < current_app.config["COMMENT_MIN_SECONDS"]:
        return STAMP_TOO_FAST
    return STAMP_OK


def name_hint() -> str:
    return ngettext("Up to %(num)d character.", "Up to %(num)d characters.", NAME_MAX)


def comment_hint() -> str:
    return ngettext(
        "Up to %(num)d character. Please do not include personal medical details, phone numbers or email addresses.",
        "Up to %(num)d characters. Please do not include personal medical details, phone numbers or email addresses.",
        COMMENT_MAX,
    )


class CommentForm(FlaskForm):
    # Translators: label of the comment form's name field.
    name = StringField(
        _l("Your name"),
        id="comment-name",
        filters=[_normalise],
        validators=[
            DataRequired(message=_l("Enter your name")),
            Length(max=NAME_MAX, message=_l("Your name must be 80 characters or fewer")),
        ],
    )
    # Translators: label of the comment text field.
    comment = TextAreaField(
        _l("Your comment"),
        id="comment-comment",
        filters=[_normalise],
        validators=[
            DataRequired(message=_l("Enter your comment")),
            Length(max=COMMENT_MAX, message=_l("Your comment must be 5,000 characters or fewer")),
        ],
    )
    # Translators: label of the list of languages a comment can be written in.
    language = SelectField(_l("Language of your comment"), id="comment-language")
    website = StringField(_l("Website"), id="comment-website")
    form_time = HiddenField(id="comment-form-time")

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

    def stamp_verdict(self) -> str:
        return check_stamp(self.form_time.data, self.article_slug)

    def refresh_stamp(self) -> None:
        slug = self.article_slug
        # A signed timestamp of the article (one-second resolution), the same for every reader.
        self.form_time.data = per_reader("comment-stamp", lambda: issue_stamp(slug), clock_only=True)

    @property
    def csrf_errors(self) -> list[str]:
        return list(self.csrf_token.errors) if hasattr(self, "csrf_token") else []
