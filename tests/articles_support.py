"""A second article for tests: the shipped articles plus the test-only fixture article in one
temporary folder, loaded through ARTICLES_DIR like any articles folder a deployment points at."""

from __future__ import annotations

import re
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


def seed_copies(destination: Path, titles: dict[str, str]) -> Path:
    """The shipped articles plus copies of the first one under each slug -> English title."""
    destination.mkdir(parents=True, exist_ok=True)
    seed = shipped_articles()[0]
    text = seed.read_text(encoding="utf-8")
    for path in shipped_articles():
        shutil.copyfile(path, destination / path.name)
    for slug, title in titles.items():
        copy = text.replace(f"slug: {seed.stem}", f"slug: {slug}", 1)
        copy = re.sub(r"(title:\n  text: ).*", rf"\g<1>{title}", copy, count=1)
        (destination / f"{slug}.yaml").write_text(copy, encoding="utf-8")
    return destination
