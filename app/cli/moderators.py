"""`flask moderators add EMAIL`: create a moderator account (password prompted or from stdin)."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.moderation.models import Moderator

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
    exists = db.session.execute(select(Moderator.id).where(func.lower(Moderator.email) == email)).first()
    if exists:
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
