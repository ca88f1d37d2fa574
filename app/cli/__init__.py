"""Command-line groups: articles, translate, comments, moderators, subscribers, newsletter."""

from __future__ import annotations

from flask import Flask

from app.cli import articles, comments, moderators, newsletter, subscribers, translate


def register_commands(app: Flask) -> None:
    app.cli.add_command(articles.articles)
    app.cli.add_command(translate.translate)
    app.cli.add_command(comments.comments)
    app.cli.add_command(moderators.moderators)
    app.cli.add_command(newsletter.newsletter)
    app.cli.add_command(subscribers.subscribers)
