"""The way into many articles: the home page's A to Z and a page per letter, paginated, so no
listing grows with the site (every article within three clicks of the home page)."""

from __future__ import annotations

from flask import abort, render_template

from app.articles import bp
from app.caching import public_page
from app.content.listing import Entry, entries, letter_key, letter_page, letters
from app.content.rendering import RenderedArticle, render_article
from app.i18n.locales import SOURCE_LOCALE, SiteLocale, current_locale

# Up to this many articles the home page lists them all under the A to Z; beyond, the letters.
HOME_LIST_LIMIT = 20


def _rendered(found: list[Entry], site_locale: SiteLocale) -> list[RenderedArticle]:
    is_source = site_locale.code == SOURCE_LOCALE.code
    return [render_article(entry.article, source_locale=is_source) for entry in found]


def home_context(site_locale: SiteLocale) -> dict[str, object]:
    """What the home page shows: the letters, and every article while there are few."""
    found = entries(site_locale)
    listed = found if len(found) <= HOME_LIST_LIMIT else []
    return {"articles": _rendered(listed, site_locale), "letters": letters(found), "letter_key": letter_key}


def page_number(raw: str, *, smallest: int) -> int:
    """A page number written the one way the site writes it (no sign, no leading zero), else a
    404: one address per page, so a cache never keeps a second copy of it."""
    if not raw.isdigit() or raw != str(int(raw)) or int(raw) < smallest:
        abort(404)
    return int(raw)


@bp.get("/<locale>/a-z/<letter>")
@public_page()
def letter(locale: str, letter: str):
    return _letter(locale, letter, 1)


@bp.get("/<locale>/a-z/<letter>/<page>")
@public_page()
def letter_more(locale: str, letter: str, page: str):
    # Page 1 is the letter's own address.
    return _letter(locale, letter, page_number(page, smallest=2))


def _letter(locale: str, key: str, number: int):
    site_locale = current_locale()
    found = entries(site_locale)
    page = letter_page(found, key, number)
    if page is None:
        abort(404)
    return render_template(
        "articles/letter.html",
        page=page,
        articles=_rendered(page.entries, site_locale),
        letters=letters(found),
        letter_key=letter_key,
    )
