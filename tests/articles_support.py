"""A second article for tests: the shipped articles plus the test-only fixture article in one
temporary folder, loaded through ARTICLES_DIR like any articles folder a deployment points at."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.content import DEFAULT_ARTICLES_DIR, article_translations, clear_cache

FIXTURE_ARTICLES = Path(__file__).parent / "fixtures" / "articles"
SECOND_SLUG = "fever-in-children"


def shipped_articles() -> list[Path]:
    return sorted(DEFAULT_ARTICLES_DIR.glob("*.yaml"))


def articles_folder(destination: Path, *extra: Path) -> Path:
    """A copy of the shipped article files plus `extra` ones (by default the fixture article)."""
    destination.mkdir(parents=True, exist_ok=True)
    extra = extra or (FIXTURE_ARTICLES / f"{SECOND_SLUG}.yaml",)
    shipped = {path.name for path in shipped_articles()}
    for path in extra:
        # A real article of the same name must never be silently replaced by the fixture.
        assert path.name not in shipped, f"{path.name}: rename the test article, a shipped one has its name"
    for path in [*shipped_articles(), *extra]:
        shutil.copyfile(path, destination / path.name)
    return destination


def forget_articles() -> None:
    """Drop loaded articles and compiled translations read (a test changed the folder or its catalogues)."""
    clear_cache()
    article_translations.forget()
