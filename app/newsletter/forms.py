"""The subscribe form (full page and article aside) and the one-button confirm/leave forms."""

from __future__ import annotations

from email_validator import EmailNotValidError
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.interface_fallback import gettext as _
from app.interface_fallback import lazy_gettext as _l
from app.mail.addresses import normalise_email

# RFC 5321 limits a forward path to 254 characters.
MAX_EMAIL_LENGTH = 254


class SubscribeForm(FlaskForm):
    class Meta:
        csrf = False  # on public pages shared by every reader; posts from other sites are refused by origin

    # Ids carry a prefix so this form can sit on the article page beside the comment form.
    email = EmailField(
        # Translators: label of the newsletter's email address field.
        _l("Email address"),
        id="subscribe-email",
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Length(
                max=MAX_EMAIL_LENGTH,
                # Translators: %(max)d is a number of characters.
                message=_l("Enter an email address of %(max)d characters or fewer", max=MAX_EMAIL_LENGTH),
            ),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    website = StringField(id="subscribe-website")  # honeypot: people never see it
    source = HiddenField(id="subscribe-source")  # the page the form was on

    def validate_email(self, field: EmailField) -> None:
        if len(field.data or "") > MAX_EMAIL_LENGTH:
            return  # the Length message already says what is wrong
        try:
            field.data = normalise_email(field.data)
        except EmailNotValidError as error:
            raise ValidationError(_l("Enter an email address in the correct format, like name@example.com")) from error

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class ActionForm(FlaskForm):
    """A form that is only a button (confirm, unsubscribe, send a new link).

    No per-reader token: the pages carry a signed token in their URL and set no cookie; posts from
    other sites are refused by origin."""

    class Meta:
        csrf = False


def consent_wording() -> str:
    """What the person agrees to, shown beside the field and stored with their subscription."""
    # Translators: shown under the newsletter's email field; it is also stored as the consent given.
    return _(
        "We will email you when we publish or update an article, in this language. "
        "First we send a link to confirm. Every email has a link to unsubscribe at once."
    )
