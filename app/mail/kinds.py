"""The kinds of mail the outbox carries, each registered by the feature that sends it (the
newsletter's confirm, welcome and announcement mails; moderation's digest). The outbox asks a
mail's kind, never its name, whether the mail should still go and whether it may go twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from app.mail.models import OutboxMail

_KINDS = "mail_kinds"


def _always(_mail: OutboxMail) -> bool:
    return True


@dataclass(frozen=True)
class MailKind:
    name: str
    # Asked when a queued mail's turn comes: False cancels it (its recipient left, or turned it off).
    still_wanted: Callable[[OutboxMail], bool] = _always
    # Whether a mail whose sending was cut off may go again: yes only where a second copy is
    # harmless and a lost one is not (a confirmation link). Others wait for an operator.
    resent_when_interrupted: bool = False


def register_kind(app: Flask, kind: MailKind) -> None:
    """Called by a feature (from its blueprint, at start-up) for each kind of mail it queues."""
    app.extensions.setdefault(_KINDS, {})[kind.name] = kind


def kind_named(name: str) -> MailKind:
    """The registered kind; a kind nobody registered is always wanted and never resent."""
    return current_app.extensions.get(_KINDS, {}).get(name) or MailKind(name)
