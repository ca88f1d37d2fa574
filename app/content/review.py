"""Review records: how, by whom, when and against which English version a text was checked.

The English text and each translation keep their records without code, in
`translations/<catalogue>/medical-reviews.txt` (`translations/en/medical-reviews.txt` for the
English), one line per review (blank lines and `#` comments are ignored):

    muscle-spasms-in-children 2026-11-20 2026-11-24 clinical-bilingual-review doctor Dr Ana Ruiz

that is: article slug, the English `source_version` that was reviewed, the date of the review,
the method (one of METHODS), the reviewer's role (one of ROLES), then the reviewer's
name. A check of the English against its listed sources by the editorial team is
`sources-check editor` (no name needed); every other method claims that a person did it, so its
record names that person. Lines written before methods were recorded (`slug version date
[name]`) still count, as a review of unknown method. An article may have several reviews (one per method, say).
(A `.po` header field would be lost: Babel drops unknown headers whenever it rewrites or
compiles a catalogue.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.content import Article

REVIEWS_FILE = "medical-reviews.txt"
# The English text's records live beside the translations', under this name.
ENGLISH = "en"
# The steps of the WHO translation process that a record of a translation can name.
TRANSLATION_METHODS = ("clinical-bilingual-review", "back-translation", "reader-testing")
# What a record of the English can name: the editor's check against the sources, a clinician's
# review of the English, a test with parents.
ENGLISH_METHODS = ("sources-check", "clinical-review", "reader-testing")
METHODS = tuple(dict.fromkeys(TRANSLATION_METHODS + ENGLISH_METHODS))
ROLES = ("editor", "medical-translator", "doctor", "nurse", "pharmacist", "reader-panel")
# The only method an editor's own check may claim, and the only role it is done in.
SOURCES_CHECK, EDITOR = "sources-check", "editor"
# How often every article is checked again at the latest (the About page's promise).
REVIEW_INTERVAL_YEARS = 1


@dataclass(frozen=True)
class Review:
    slug: str
    source_version: dt.date  # the English version the reviewer checked the translation against
    reviewed_on: dt.date
    reviewer: str
    line: int
    method: str | None = None  # one of METHODS; None in a record written before methods were kept
    role: str | None = None  # one of ROLES

    def is_current_for(self, article: Article) -> bool:
        return self.slug == article.slug and self.source_version == article.source_version


@dataclass(frozen=True)
class ReviewFile:
    reviews: tuple[Review, ...]
    errors: tuple[tuple[int, str], ...]  # (line, what is wrong), for `flask translate check`

    def for_article(self, slug: str) -> Review | None:
        # The last line about an article wins, so a newer review is simply added below.
        return next((review for review in reversed(self.reviews) if review.slug == slug), None)

    def current_for(self, article: Article) -> tuple[Review, ...]:
        """Every review of the article's current English, the latest of each method, oldest first."""
        latest: dict[str | None, Review] = {}
        for review in self.reviews:
            if review.is_current_for(article):
                latest[review.method] = review
        return tuple(sorted(latest.values(), key=lambda review: (review.reviewed_on, review.line)))


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
        rest = line.split(maxsplit=3)[3].split(maxsplit=2) if len(fields) > 3 else []
        if rest and rest[0] in METHODS:
            if len(rest) < 2 or rest[1] not in ROLES:
                errors.append((number, f"after the method, the reviewer's role: one of {', '.join(ROLES)}"))
                continue
            method, role, reviewer = rest[0], rest[1], rest[2] if len(rest) > 2 else ""
            if (method == SOURCES_CHECK) != (role == EDITOR):
                errors.append(
                    (number, "a sources check is done by the editor, and an editor's check is a sources check")
                )
                continue
            if method != SOURCES_CHECK and not reviewer:
                errors.append((number, f"a {method} claims that a person did it: name the reviewer after the role"))
                continue
            reviews.append(Review(fields[0], source_version, reviewed_on, reviewer, number, method, role))
            continue
        if rest and "-" in rest[0] and rest[0].islower():
            errors.append((number, f"unknown review method {rest[0]!r}: one of {', '.join(METHODS)}"))
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


def current_reviews(article: Article, translations: Path, catalogue: str) -> tuple[Review, ...]:
    """The reviews of this translation against the article's current English (older ones lapse)."""
    return read_reviews(reviews_path(translations, catalogue)).current_for(article)


def next_review_due(checked_on: dt.date) -> dt.date:
    """The date by which an article checked on `checked_on` must be checked again."""
    year = checked_on.year + REVIEW_INTERVAL_YEARS
    try:
        return checked_on.replace(year=year)
    except ValueError:  # 29 February
        return checked_on.replace(year=year, day=28)


def wrong_language_methods(record: ReviewFile, catalogue: str) -> list[tuple[int, str]]:
    """Records whose method does not apply to this text: a sources check is of the English."""
    allowed = ENGLISH_METHODS if catalogue == ENGLISH else TRANSLATION_METHODS
    text = "the English" if catalogue == ENGLISH else "a translation"
    return [
        (review.line, f"{review.method} is not a review of {text}: use one of {', '.join(allowed)}")
        for review in record.reviews
        if review.method is not None and review.method not in allowed
    ]
