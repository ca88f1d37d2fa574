"""Medical review records: which English version of an article a medical translator checked, and when.

Translators record a review without code, in `translations/<catalogue>/medical-reviews.txt`,
one line per article (blank lines and `#` comments are ignored):

    muscle-spasms-in-children 2026-11-20 2026-11-24 Dr Ana Ruiz

that is: article slug, the English `source_version` that was reviewed, the date of the review,
then optionally who reviewed it. (A `.po` header field would be lost: Babel drops unknown
headers whenever it rewrites or compiles a catalogue.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.content import Article

REVIEWS_FILE = "medical-reviews.txt"


@dataclass(frozen=True)
class Review:
    slug: str
    source_version: dt.date  # the English version the reviewer checked the translation against
    reviewed_on: dt.date
    reviewer: str
    line: int

    def is_current_for(self, article: Article) -> bool:
        return self.slug == article.slug and self.source_version == article.source_version


@dataclass(frozen=True)
class ReviewFile:
    reviews: tuple[Review, ...]
    errors: tuple[tuple[int, str], ...]  # (line, what is wrong), for `flask translate check`

    def for_article(self, slug: str) -> Review | None:
        # The last line about an article wins, so a newer review is simply added below.
        return next((review for review in reversed(self.reviews) if review.slug == slug), None)


def reviews_path(translations: Path, catalogue: str) -> Path:
    return translations / catalogue / REVIEWS_FILE


def parse_reviews(text: str) -> ReviewFile:
    reviews: list[Review] = []
    errors: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split(maxsplit=3)
        if len(fields) < 3:
            errors.append((number, "expected: <article slug> <English version date> <review date> [reviewer]"))
            continue
        try:
            source_version, reviewed_on = dt.date.fromisoformat(fields[1]), dt.date.fromisoformat(fields[2])
        except ValueError:
            errors.append((number, "dates must be written YYYY-MM-DD"))
            continue
        if reviewed_on < source_version:
            errors.append((number, "the review date is before the English version it reviewed"))
            continue
        reviewer = fields[3] if len(fields) > 3 else ""
        reviews.append(Review(fields[0], source_version, reviewed_on, reviewer, number))
    return ReviewFile(tuple(reviews), tuple(errors))


def read_reviews(path: Path) -> ReviewFile:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return ReviewFile((), ())
    return _read_cached(path, stamp)


@lru_cache(maxsize=64)
def _read_cached(path: Path, stamp: int) -> ReviewFile:
    try:
        return parse_reviews(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ReviewFile((), ((1, "the file cannot be read as UTF-8 text"),))


def current_review(article: Article, translations: Path, catalogue: str) -> Review | None:
    """The review of this translation, if a medical translator checked the article's current English."""
    review = read_reviews(reviews_path(translations, catalogue)).for_article(article.slug)
    return review if review is not None and review.is_current_for(article) else None
