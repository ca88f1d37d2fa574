"""Review records: how, by whom, when and against which English version a text was checked.

The English text and each translation keep their records without code, in
`translations/<catalogue>/medical-reviews.txt` (`translations/en/medical-reviews.txt` for the
English), one line per review (blank lines and `#` comments are ignored):

    muscle-spasms-in-children 2026-11-20 2026-11-24 clinical-bilingual-review doctor Dr Ana Ruiz

that is: article slug, the English `source_version` that was reviewed, the date of the review,
the method (one of METHODS), the reviewer's role (one of ROLES), then the reviewer's name.
Every record claims that a named person did a check, whatever its method (an editor's check
against the listed sources, `sources-check editor`, included): a line without the method, the
role or a name is an error, and the page never shows it. An article may have several reviews
(one per method, say).
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
    reviewer: str  # the person (or the reader panel) who did it
    line: int
    method: str  # one of METHODS
    role: str  # one of ROLES

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
        latest: dict[str, Review] = {}
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
        parsed = _parse_record(line, number)
        if isinstance(parsed, Review):
            reviews.append(parsed)
        else:
            errors.append((number, parsed))
    return ReviewFile(tuple(reviews), tuple(errors))


RECORD_FORMAT = "<article slug> <English version date> <review date> <method> <role> <reviewer's name>"
# Words that stand where a name should be but name nobody.
NOT_A_NAME = frozenset(
    {"anonymous", "unknown", "none", "n/a", "tbd", "tbc", "team", "editors", "the editor", "editorial team"}
)


def _parse_record(line: str, number: int) -> Review | str:
    """The review a record line states, or what is wrong with it."""
    fields = line.split(maxsplit=5)
    if len(fields) < 3:
        return f"expected: {RECORD_FORMAT}"
    try:
        source_version, reviewed_on = dt.date.fromisoformat(fields[1]), dt.date.fromisoformat(fields[2])
    except ValueError:
        return "dates must be written YYYY-MM-DD"
    if reviewed_on < source_version:
        return "the review date is before the English version it reviewed"
    method, role, reviewer = (fields[3:] + ["", "", ""])[:3]
    if method not in METHODS and "-" in method and method.islower():
        return f"unknown review method {method!r}: one of {', '.join(METHODS)}"
    if method not in METHODS:
        return f"after the dates, the review method, the reviewer's role and name: {RECORD_FORMAT}"
    if role not in ROLES:
        return f"after the method, the reviewer's role: one of {', '.join(ROLES)}"
    if (method == SOURCES_CHECK) != (role == EDITOR):
        return "a sources check is done by the editor, and an editor's check is a sources check"
    if not names_someone(reviewer):
        return f"a {method} claims that a person did it: name the reviewer after the role"
    return Review(fields[0], source_version, reviewed_on, reviewer, number, method, role)


def names_someone(reviewer: str) -> bool:
    """A name, not a blank, a role, a method or a placeholder standing where a name should be."""
    words = reviewer.casefold()
    return any(character.isalpha() for character in words) and words not in NOT_A_NAME | set(ROLES) | set(METHODS)


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
