"""`flask translate`: catalogue tooling for translators (extract, update, compile, init, stats, check)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = PROJECT_ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    completed = subprocess.run(command, cwd=PROJECT_ROOT)
    if completed.returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


@click.group()
def translate() -> None:
    """Translation and localisation commands."""


@translate.command()
def extract() -> None:
    """Write translations/messages.pot from the code, templates and articles."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "--add-comments=Translators:",
             "--sort-by-file", "--project=Child Health Guide", "-o", str(POT), ".")


@translate.command()
def compile() -> None:  # noqa: A001 - the verb translators know
    """Compile every catalogue to .mo files."""
    _pybabel("compile", "-d", str(TRANSLATIONS))
