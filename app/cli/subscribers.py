"""`flask subscribers list|export|delete EMAIL|resend-pending`: records and privacy requests."""

from __future__ import annotations

import csv
import io
import json

import click
from email_validator import EmailNotValidError
from flask.cli import AppGroup

from app.mail import outbox
from app.mail.addresses import normalise_email
from app.newsletter import service
from app.newsletter.models import Subscriber

EXPORT_FIELDS = (
    "email",
    "status",
    "locale",
    "consent_text",
    "source_page",
    "consented_at",
    "confirmed_at",
    "unsubscribed_at",
)


def _record(subscriber: Subscriber) -> dict[str, str | None]:
    record: dict[str, str | None] = {}
    for name in EXPORT_FIELDS:
        value = getattr(subscriber, name)
        record[name] = value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)
    return record


@click.group(cls=AppGroup)
def subscribers() -> None:
    """Newsletter subscribers."""


@subscribers.command("list")
def list_subscribers() -> None:
    """One subscriber per line: address, status, locale, consent time."""
    for subscriber in service.all_subscribers():
        click.echo(
            f"{subscriber.email}\t{subscriber.status}\t{subscriber.locale}\t{subscriber.consented_at.isoformat()}"
        )


@subscribers.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--email", default=None, help="Only this person (a subject access request).")
def export(fmt: str, email: str | None) -> None:
    """Every stored field of every subscriber (or one), as CSV or JSON on standard output."""
    people = service.all_subscribers()
    if email is not None:
        people = [s for s in people if s.email == email.strip().lower()]
    records = [_record(s) for s in people]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(records)
    click.echo(buffer.getvalue(), nl=False)


@subscribers.command("delete")
@click.argument("email")
def delete(email: str) -> None:
    """Erase EMAIL: the subscriber and every mail queued or sent to them."""
    try:
        address = normalise_email(email)
    except EmailNotValidError:
        address = email.strip().lower()
    if not service.delete_subscriber(address):
        raise click.ClickException("No subscriber with that address.")
    click.echo("Deleted.")


@subscribers.command("resend-pending")
def resend_pending() -> None:
    """Send confirmation mails that never went out (e.g. the mail server was down)."""
    mail_ids = service.requeue_pending_confirmations()
    report = outbox.deliver(mail_ids)
    click.echo(
        f"Confirmation mails: {len(mail_ids)} to send; sent {report.sent}, "
        f"to retry {report.retrying}, failed {report.failed}."
    )
    if report.retrying or report.failed:
        raise click.ClickException("Some confirmation mails were not sent; see the log.")
