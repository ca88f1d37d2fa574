"""Moderation forms: login, the queue's one-by-one and bulk decisions, notification settings."""

from __future__ import annotations

import datetime as dt

from flask_babel import format_timedelta
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.i18n.locales import registered_locales
from app.interface_fallback import EnglishText, gettext
from app.interface_fallback import lazy_gettext as _l
from app.moderation.models import Moderator
from app.moderation.notifications import DIGEST_INTERVALS


def no_control_characters(_form: FlaskForm, field: EmailField) -> None:
    """A NUL or another control character can be in no address (PostgreSQL refuses NUL in text
    outright): a clear form error, before any query."""
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in field.data or ""):
        raise ValidationError(_l("Enter an email address in the correct format, like name@example.com"))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        id="login-email",
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Length(max=254),
            no_control_characters,
        ],
    )
    password = PasswordField(
        _l("Password"),
        id="login-password",
        validators=[DataRequired(message=_l("Enter your password")), Length(max=1024)],
    )


ACTIONS = ("approve", "reject", "spam")


class DecisionForm(FlaskForm):
    """One form around the queue: `one` is "ACTION:ID" from a row's button; bulk uses `ids` + `action`."""

    ids = SelectMultipleField(id="queue-ids", coerce=str, validate_choice=False)
    action = StringField()
    one = StringField()

    def decision(self) -> tuple[str, list[int]] | None:
        """(action, ids) asked for, or None when the request makes no sense."""
        if self.one.data:
            action, _, raw_id = self.one.data.partition(":")
            ids = [raw_id]
        else:
            action, ids = self.action.data or "", list(self.ids.data or [])
        if action not in ACTIONS:
            return None
        numbers = [int(i) for i in ids if i.isdigit() and len(i) < 12]
        return (action, numbers) if numbers else None


def _option(value: str, label: str) -> tuple[str, str, dict[str, str]]:
    """A select's option: text only (an option holds no markup), so a label the page's language
    has not translated yet is marked English by the option's own attributes."""
    english = {"lang": "en", "dir": "ltr"} if isinstance(label, EnglishText) else {}
    return value, str(label), english


class NotificationSettingsForm(FlaskForm):
    """Whether, how often and in which language a moderator gets the digest of waiting comments."""

    # Translators: label of the on/off choice for the digest emails about waiting comments.
    notify = SelectField(_l("Email notifications"), id="settings-notify")
    # Translators: label of the choice of how often, at most, a moderator gets a digest email.
    interval = SelectField(_l("How often, at most"), id="settings-interval", coerce=int)
    # Translators: label of the choice of language for a moderator's digest emails.
    locale = SelectField(_l("Language of the emails"), id="settings-locale")

    def __init__(self, moderator: Moderator, **kwargs: object) -> None:
        # The moderator's current settings, where the posted form (if any) does not say otherwise.
        kwargs.setdefault("notify", "on" if moderator.notify else "off")
        kwargs.setdefault("interval", moderator.notify_interval_minutes)
        kwargs.setdefault("locale", moderator.notify_locale)
        super().__init__(**kwargs)
        self.notify.choices = [
            # Translators: an option of "Email notifications" (they are on: digest emails come).
            _option("on", gettext("On")),
            # Translators: an option of "Email notifications" (they are off: no digest emails).
            _option("off", gettext("Off")),
        ]
        # Durations in words from the locale data ("15 minutes", "1 hour"): plural rules included.
        self.interval.choices = [
            (minutes, format_timedelta(dt.timedelta(minutes=minutes), threshold=1)) for minutes in DIGEST_INTERVALS
        ]
        # Each language in its own name, marked with its own language for screen readers.
        self.locale.choices = [
            (loc.code, loc.endonym, {"lang": loc.lang, "dir": loc.direction}) for loc in registered_locales()
        ]
