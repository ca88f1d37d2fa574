"""Moderation forms: login, and the queue's one-by-one and bulk decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        id="login-email",
        validators=[DataRequired(message=_l("Enter your email address")), Length(max=254)],
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
