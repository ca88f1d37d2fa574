"""`flask moderators add EMAIL`: create a moderator account (password prompted or from stdin);
`flask moderators notify EMAIL`: their digest mail settings."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from app.extensions import db
from app.i18n.locales import registered_locales
from app.moderation.models import Moderator
from app.moderation.notifications import DIGEST_INTERVALS, InvalidSetting, update_notifications

MIN_PASSWORD_LENGTH = 12


@click.group(cls=AppGroup)
def moderators() -> None:
    """Manage moderator accounts."""


@moderators.command()
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def add(email: str, password_stdin: bool) -> None:
    """Add a moderator who logs in with EMAIL."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if Moderator.by_email(email) is not None:
        raise click.ClickException(f"{email} is already a moderator")
    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    moderator = Moderator(email=email)
    moderator.set_password(password)
    db.session.add(moderator)
    db.session.commit()
    click.echo(f"Added moderator {email}")


@moderators.command()
@click.argument("email")
@click.option("--on/--off", "notify", default=None, help="Send this moderator digests of waiting comments, or not.")
@click.option(
    "--interval",
    type=click.Choice([str(minutes) for minutes in DIGEST_INTERVALS]),
    help="Minutes, at least, between two digests.",
)
@click.option("--language", help="URL code of the digest's language (en, es, fr, zh-hans, ar...).")
def notify(email: str, notify: bool | None, interval: str | None, language: str | None) -> None:
    """Show or change how the moderator EMAIL hears about waiting comments."""
    moderator = Moderator.by_email(email)
    if moderator is None:
        raise click.ClickException(f"no moderator {email}")
    if language is not None and language not in {loc.code for loc in registered_locales()}:
        codes = ", ".join(loc.code for loc in registered_locales())
        raise click.BadParameter(f"choose one of {codes}", param_hint="--language")
    try:
        update_notifications(
            moderator,
            notify=notify,
            interval_minutes=int(interval) if interval is not None else None,
            locale_code=language,
        )
    except InvalidSetting as error:
        raise click.ClickException(str(error)) from error
    state = "on" if moderator.notify else "off"
    click.echo(
        f"{moderator.email}\tnotifications {state}\tevery {moderator.notify_interval_minutes} minutes at most"
        f"\tlanguage {moderator.notify_locale}"
    )
