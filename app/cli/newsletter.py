"""`flask newsletter send SLUG` announces an article; `flask newsletter drain` sends due mail;
`flask newsletter requeue-interrupted` queues again mails cut off mid-send."""

from __future__ import annotations

import sys
import time
from collections import Counter

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from app.content import article_by_slug
from app.database import discard_failed_transaction, is_unavailable
from app.extensions import db
from app.mail import outbox
from app.mail.addresses import mask_address
from app.mail.models import OutboxMail
from app.newsletter import service
from app.newsletter.mails import subscriber_locale
from app.newsletter.models import Subscriber


@click.group(cls=AppGroup)
def newsletter() -> None:
    """Newsletter mailings and the mail outbox."""


def _waiting_line(slug: str, waiting: list[Subscriber]) -> str:
    """Who is left out because the article is not published in their language yet."""
    per_language = Counter(subscriber_locale(subscriber).code for subscriber in waiting)
    languages = ", ".join(f"{code}: {count}" for code, count in sorted(per_language.items()))
    return (
        f"{len(waiting)} subscribers not sent {slug!r}: it is not published in their language yet "
        f"({languages}). Run this command again once it is."
    )


def _report_line(report: outbox.DeliveryReport) -> str:
    return f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}, cancelled {report.cancelled}"


@newsletter.command("send")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Show who would get which mail; send and record nothing.")
@click.option("--rate", type=float, default=None, help="Mails per second (default: NEWSLETTER_SEND_RATE).")
def send(slug: str, dry_run: bool, rate: float | None) -> None:
    """Announce the article SLUG to every confirmed subscriber, in their language.

    Each subscriber gets at most one mail per article, ever: run it again after an
    interruption and it carries on with those who have not had theirs. Subscribers of a
    language where the article is not published yet get nothing now; run it again once the
    translation is published and they get it then, in their language.
    """
    article = article_by_slug(slug)
    if article is None:
        raise click.ClickException(f"No article with the slug {slug!r}.")
    rate = current_app.config["NEWSLETTER_SEND_RATE"] if rate is None else rate
    subscribers = service.active_subscribers()
    waiting = [subscriber for subscriber in subscribers if service.awaits_translation(article, subscriber)]

    if dry_run:
        to_send = 0
        for subscriber in subscribers:
            existing = outbox.find_mail(service.announcement_key(article, subscriber))
            if existing is not None:
                state = f"already {existing.status}"
            elif subscriber in waiting:
                state = "waits for the translation"
            else:
                state = "would send"
                to_send += 1
            click.echo(f"{subscriber.email}\t{subscriber_locale(subscriber).code}\t{state}")
        if waiting:
            click.echo(_waiting_line(slug, waiting))
        click.echo(f"Dry run: {to_send} of {len(subscribers)} confirmed subscribers would get {slug!r}.")
        return

    queued = 0
    for subscriber in subscribers:
        if service.queue_announcement(article, subscriber) is not None:
            queued += 1
            db.session.commit()  # one by one: a crash here leaves a consistent queue
    prefix = f"announce:{slug}:"
    # This run's own mailing: retried now even where a back-off would make it wait.
    mail_ids = outbox.due_mail_ids(dedupe_prefix=prefix, include_waiting=True)
    if waiting:
        click.echo(_waiting_line(slug, waiting))
    click.echo(f"Queued {queued} new mails; sending {len(mail_ids)} at up to {rate:g} per second.")

    total = len(mail_ids)

    def progress(mail: OutboxMail, report: outbox.DeliveryReport) -> None:
        if report.handled % 10 == 0 or report.handled == total:
            click.echo(f"  {report.handled}/{total}: {_report_line(report)}")

    report = outbox.deliver(mail_ids, rate=rate, on_progress=progress)
    click.echo(f"Done: {_report_line(report)}.")
    if interrupted := outbox.interrupted_mail_count(prefix):
        click.echo(
            f"{interrupted} mails were cut off while being sent in an earlier run; they are not "
            "resent, because the server may have delivered them (see `flask newsletter requeue-interrupted`).",
        )
    if report.stopped_early:
        raise click.ClickException("The mail server could not be reached; run the command again later.")
    if report.retrying or report.failed:
        raise click.ClickException("Some mails were not sent; see the log. Run the command again later.")


def _describe_interrupted(mail: OutboxMail) -> str:
    claimed_until = f"{mail.next_attempt_at:%Y-%m-%d %H:%M} UTC"
    return f"{mail.id}\t{mail.kind}\t{mask_address(mail.to_address)}\tclaimed until {claimed_until}"


def _drain_once(quiet: bool = False) -> bool:
    """One pass; False when something needs an operator (printed). `quiet`: say nothing about a
    pass that had nothing to do (the --every service)."""
    done, failed = service.process_subscribe_requests()
    if done or failed:
        click.echo(f"Subscribe requests: {done} carried out, {failed} failed (kept, tried again next run).")
    for mail in outbox.requeue_interrupted_resendable():
        click.echo(f"Sending again a {mail.kind} mail cut off while being sent: {_describe_interrupted(mail)}")
    report = outbox.deliver_due(rate=current_app.config["NEWSLETTER_SEND_RATE"])
    if report.handled or not quiet:
        click.echo(f"Outbox: {_report_line(report)}.")
    interrupted = outbox.interrupted_mails()
    for mail in interrupted:
        click.echo(f"  interrupted: {_describe_interrupted(mail)}")
    if interrupted:
        click.echo(
            f"WARNING: {len(interrupted)} mails were cut off while being sent; they are not resent, because "
            "the server may have delivered them (see `flask newsletter requeue-interrupted`)."
        )
    return not interrupted and not failed


@newsletter.command("drain")
@click.option(
    "--every",
    type=float,
    default=None,
    metavar="SECONDS",
    help="Keep running, draining again every SECONDS (as a service, instead of cron).",
)
def drain(every: float | None) -> None:
    """Carry out stored subscribe requests and send every queued mail that is due (retries use
    back-off); confirmation and welcome mails cut off mid-send are sent again. Run it from cron,
    or as a service with --every. Exits 1 when mails need an operator (listed)."""
    if every is None:
        if not _drain_once():
            raise SystemExit(1)
        return
    while True:
        try:
            _drain_once(quiet=True)
        except DBAPIError as error:  # an outage: the service waits and tries again
            if not is_unavailable(error):
                raise
            discard_failed_transaction(error)
            click.echo("The database is unavailable; trying again.", err=True)
        sys.stdout.flush()
        db.session.remove()
        time.sleep(every)


@newsletter.command("requeue-interrupted")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def requeue_interrupted(yes: bool) -> None:
    """Queue again the mails cut off while being sent (a crash or kill mid-send).

    The mail server may already have delivered them, so their recipients may get them twice:
    check the mail server's log first. The next `drain` (or `send`) sends them.
    """
    mails = outbox.interrupted_mails()
    if not mails:
        click.echo("No interrupted mails.")
        return
    for mail in mails:
        claimed_until = f"{mail.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        click.echo(f"{mail.id}\t{mail.kind}\t{mask_address(mail.to_address)}\tclaimed until {claimed_until}")
    if not yes:
        click.confirm(f"Queue these {len(mails)} mails again? Some recipients may get them twice.", abort=True)
    requeued = outbox.requeue_interrupted(mail.id for mail in mails)
    click.echo(f"Requeued {requeued} mails; `flask newsletter drain` sends them.")
