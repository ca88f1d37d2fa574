"""Command-line groups: translate, comments, moderators, subscribers, newsletter."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from app.cli import translate

    app.cli.add_command(translate.translate)
