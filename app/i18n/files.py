"""Where the translation catalogues are: the translations folder and each catalogue's path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import current_app


def translations_dir() -> Path:
    """The first of the app's translation directories (BABEL_TRANSLATION_DIRECTORIES)."""
    first = str(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";")[0]
    path = Path(first)
    return path if path.is_absolute() else Path(current_app.root_path) / path


def template_path(directory: Path) -> Path:
    return directory / "messages.pot"


def catalogue_path(directory: Path, catalogue: str) -> Path:
    return directory / catalogue / "LC_MESSAGES" / "messages.po"


def catalogue_paths(directory: Path) -> Iterator[tuple[str, Path]]:
    """(catalogue name, path) of every catalogue in the directory, sorted by name."""
    for path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        yield path.parent.parent.name, path
