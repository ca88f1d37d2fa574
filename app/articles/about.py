"""The "About our information" page: how articles are written, checked and translated."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template

from app.articles import bp
from app.caching import public_page
from app.content import Article, all_articles
from app.content.review import Review, current_reviews
from app.i18n.files import translations_dir
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, registered_locales


@dataclass(frozen=True)
class TranslationChecks:
    """How one language's translations were checked, from its review records (docs/architecture.md, "Languages")."""

    locale: SiteLocale
    reviews: tuple[tuple[Article, tuple[Review, ...]], ...]  # per article, its current reviews

    @property
    def has_review(self) -> bool:
        return any(reviews for _, reviews in self.reviews)


def translation_checks() -> list[TranslationChecks]:
    directory = translations_dir()
    return [
        TranslationChecks(
            loc,
            tuple((article, current_reviews(article, directory, loc.catalogue)) for article in all_articles()),
        )
        for loc in registered_locales()
        if loc.code != SOURCE_LOCALE.code
    ]


@bp.get("/<locale>/about")
@public_page()
def about(locale: str):
    return render_template(
        "articles/about.html",
        contact_email=current_app.config["CONTACT_EMAIL"],
        translation_checks=translation_checks(),
    )
