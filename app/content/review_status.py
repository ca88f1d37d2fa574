"""Whether the page's translation of an article has a current medical review: the one rule
behind what the article page and the home page say about it."""

from __future__ import annotations

from dataclasses import dataclass

from app.content import Article
from app.content.review import Review, current_reviews
from app.i18n import SOURCE_LOCALE, current_locale
from app.i18n_tools.catalogues import translations_dir


@dataclass(frozen=True)
class ReviewStatus:
    is_translation: bool
    review: Review | None  # the latest review of the article's current English, if one is recorded
    reviews: tuple[Review, ...] = ()  # every review of the current English (one per method)

    @property
    def described_reviews(self) -> tuple[Review, ...]:
        """The reviews whose record says how the translation was checked."""
        return tuple(review for review in self.reviews if review.method is not None)

    @property
    def awaits_medical_review(self) -> bool:
        """A translation nobody has medically reviewed yet: its pages must say so."""
        return self.is_translation and self.review is None


def review_status(article: Article) -> ReviewStatus:
    site_locale = current_locale()
    if site_locale.code == SOURCE_LOCALE.code:
        return ReviewStatus(is_translation=False, review=None)
    reviews = current_reviews(article, translations_dir(), site_locale.catalogue)
    return ReviewStatus(is_translation=True, review=reviews[-1] if reviews else None, reviews=reviews)
