"""Whether the page's translation of an article has a current medical review: the one rule
behind what the article page and the home page say about it."""

from __future__ import annotations

from dataclasses import dataclass

from app.content import Article
from app.content.review import Review, current_review
from app.i18n import SOURCE_LOCALE, current_locale
from app.i18n_tools.catalogues import translations_dir


@dataclass(frozen=True)
class ReviewStatus:
    is_translation: bool
    review: Review | None  # a review of the article's current English, if one is recorded

    @property
    def awaits_medical_review(self) -> bool:
        """A translation nobody has medically reviewed yet: its pages must say so."""
        return self.is_translation and self.review is None


def review_status(article: Article) -> ReviewStatus:
    site_locale = current_locale()
    if site_locale.code == SOURCE_LOCALE.code:
        return ReviewStatus(is_translation=False, review=None)
    return ReviewStatus(is_translation=True, review=current_review(article, translations_dir(), site_locale.catalogue))
