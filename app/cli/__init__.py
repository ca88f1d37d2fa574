"""Command-line groups: articles, translate, comments, moderators, subscribers, newsletter."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from app.cli import articles, comments, moderators, translate

    app.cli.add_command(articles.articles)
    app.cli.add_command(translate.translate)
    app.cli.add_command(comments.comments)
    app.cli.add_command(moderators.moderators)
    from app.cli import newsletter, subscribers

    app.cli.add_command(newsletter.newsletter)
    app.cli.add_command(subscribers.subscribers)
