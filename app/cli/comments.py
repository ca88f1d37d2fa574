"""`flask comments pending|approve ID…|reject ID…|spam ID…`: the moderation queue from a shell;
`flask comments digest`: mail moderators what waits (run from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.comments.models import CommentStatus
from app.moderation.decisions import decide, pending_queue
from app.moderation.digest import send_digests
from app.moderation.models import Moderator


@click.group(cls=AppGroup)
def comments() -> None:
    """Moderate comments."""


@comments.command()
def pending() -> None:
    """List pending comments, oldest first: one per line, id first."""
    for comment in pending_queue(limit=100_000):
        text = " ".join(comment.body.split())
        name = " ".join(comment.author_name.split())
        flags = comment.flags or "-"
        click.echo(
            f"{comment.id}\t{comment.created_at:%Y-%m-%d %H:%M}\t{comment.article_slug}\t"
            f"{comment.language}\tflags:{flags}\t{name}\t{text}"
        )


def _decide_command(status: CommentStatus, verb: str):
    @click.argument("ids", nargs=-1, required=True, type=int)
    @click.option("--moderator", "email", help="Email of the moderator taking the decision.")
    def command(ids: tuple[int, ...], email: str | None) -> None:
        moderator = None
        if email:
            moderator = Moderator.by_email(email)
            if moderator is None:
                raise click.ClickException(f"no moderator {email}")
        changed = decide(ids, status, moderator)
        for comment_id in changed:
            click.echo(f"{comment_id}\t{status.value}")
        missing = sorted(set(ids) - set(changed))
        if missing:
            raise click.ClickException("no such comment: " + " ".join(map(str, missing)))

    command.__doc__ = f"{verb} the comments with these ids."
    return command


comments.command("approve")(_decide_command(CommentStatus.APPROVED, "Approve"))
comments.command("reject")(_decide_command(CommentStatus.REJECTED, "Reject"))
comments.command("spam")(_decide_command(CommentStatus.SPAM, "Mark as spam"))


@comments.command("digest")
def digest() -> None:
    """Mail each moderator who asked for it a digest of the waiting comments. Run it from cron.

    At most one digest per moderator per interval, only when new comments arrived: running it
    again, or on several hosts at once, sends nothing twice. A digest held back by a mail
    outage is retried by the next run (or by `flask newsletter drain`).
    """
    report = send_digests()
    click.echo(f"Digests: sent {report.sent}, to retry {report.retrying}, failed {report.failed}.")
    if report.stopped_early:
        raise click.ClickException("The mail server could not be reached; the digests stay queued.")
