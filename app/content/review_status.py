"""What the records say about an article's checks: the one rule behind what the article page,
the home page, the About page and the structured data say about them (docs/architecture.md,
"Languages")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app.content import Article
from app.content.review import (
    ENGLISH,
    SOURCES_CHECK,
    Review,
    current_reviews,
    next_review_due,
    read_reviews,
    reviews_path,
)
from app.i18n.files import translations_dir
from app.i18n.locales import SOURCE_LOCALE, current_locale


@dataclass(frozen=True)
class EnglishStatus:
    """The checks of the English text, which every language's page reports."""

    version: dt.date  # the current English version
    checked_on: dt.date | None  # its check against the sources, if one is recorded
    last_check: dt.date | None  # the latest sources check of any English version
    reviews: tuple[Review, ...] = ()  # every record of the current English, oldest first

    @property
    def next_due(self) -> dt.date | None:
        """The last check plus the yearly policy; None while nothing has been checked."""
        return next_review_due(self.last_check) if self.last_check else None

    def is_due(self, today: dt.date, *, warning_days: int = 30) -> bool:
        """Never checked, or its next check falls within `warning_days` of today (or has passed)."""
        return self.next_due is None or today >= self.next_due - dt.timedelta(days=warning_days)

    def is_overdue(self, today: dt.date) -> bool:
        return self.next_due is None or today > self.next_due

    @property
    def other_reviews(self) -> tuple[Review, ...]:
        """Reviews of the current English by a named person (a clinician, parents)."""
        return tuple(review for review in self.reviews if review.method != SOURCES_CHECK)


def english_status(article: Article, translations: Path) -> EnglishStatus:
    record = read_reviews(reviews_path(translations, ENGLISH))
    current = record.current_for(article)
    checks = [review for review in record.reviews if review.slug == article.slug and review.method == SOURCES_CHECK]
    checked = [review.reviewed_on for review in current if review.method == SOURCES_CHECK]
    return EnglishStatus(
        version=article.source_version,
        checked_on=max(checked) if checked else None,
        last_check=max((review.reviewed_on for review in checks), default=None),
        reviews=current,
    )


@dataclass(frozen=True)
class ReviewStatus:
    is_translation: bool
    review: Review | None  # the latest review of the article's current English, if one is recorded
    reviews: tuple[Review, ...] = ()  # every review of the current English (one per method)
    english: EnglishStatus | None = None

    @property
    def awaits_medical_review(self) -> bool:
        """A translation nobody has medically reviewed yet: its pages must say so."""
        return self.is_translation and self.review is None

    @property
    def page_reviews(self) -> tuple[Review, ...]:
        """The recorded reviews of this page's own language: the only ones its structured data may claim."""
        if self.is_translation:
            return self.reviews
        return self.english.reviews if self.english else ()


def review_status(article: Article) -> ReviewStatus:
    site_locale = current_locale()
    english = english_status(article, translations_dir())
    if site_locale.code == SOURCE_LOCALE.code:
        return ReviewStatus(is_translation=False, review=None, english=english)
    reviews = current_reviews(article, translations_dir(), site_locale.catalogue)
    return ReviewStatus(is_translation=True, review=reviews[-1] if reviews else None, reviews=reviews, english=english)
