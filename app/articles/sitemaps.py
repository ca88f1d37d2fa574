"""The sitemap: /sitemap.xml is a sitemap index (sitemaps.org) naming one sitemap per language,
in numbered parts well inside the protocol's limits (50,000 URLs and 50 MB a file), each page
listed with the languages it exists in as hreflang alternates."""

from __future__ import annotations

from math import ceil

from flask import Response, abort, current_app, render_template, url_for

from app.articles import bp
from app.articles.a_to_z import page_number
from app.caching import public_page
from app.content.listing import entries, letter_key, letters
from app.content.listing import letter_page as letter_page_of
from app.content.publication import published_locales
from app.i18n.locales import SiteLocale, current_locale, listed_locales

# URLs per sitemap file: an entry with its alternates is about 1 KB, so a part stays near 10 MB.
URLS_PER_PART = 10_000

Page = tuple[str, dict[str, object], tuple[SiteLocale, ...], bool]  # endpoint, args, languages, alternates


def pages_in(site_locale: SiteLocale) -> list[Page]:
    """Every public page of the language, in the order the sitemap lists them."""
    locales = listed_locales()  # a language not yet listed is not offered to search engines
    pages: list[Page] = [
        ("articles.home", {}, locales, True),
        ("articles.about", {}, locales, True),
        ("articles.emergency_numbers", {}, locales, True),
    ]
    found = entries(site_locale)
    for letter in letters(found):
        key = letter_key(letter)
        count = letter_page_of(found, key, 1).count
        pages.append(("articles.letter", {"letter": key}, (site_locale,), False))
        more = range(2, count + 1)
        pages += [("articles.letter_more", {"letter": key, "page": number}, (site_locale,), False) for number in more]
    for entry in found:
        # An article is listed, with its alternates, only in the languages that publish it.
        alternates = tuple(published_locales(entry.article, locales))
        pages.append(("articles.article", {"slug": entry.article.slug}, alternates, True))
    return pages


@bp.get("/sitemap.xml")
@public_page()
def sitemap():
    site = current_app.config["SITE_URL"]
    parts = [
        site + url_for("articles.sitemap_part", locale=loc.code, number=number)
        for loc in listed_locales()
        for number in range(1, ceil(len(pages_in(loc)) / URLS_PER_PART) + 1)
    ]
    return Response(render_template("articles/sitemap_index.xml", parts=parts), mimetype="application/xml")


@bp.get("/sitemaps/<locale>/<number>.xml")
@public_page()
def sitemap_part(locale: str, number: str):
    site_locale = current_locale()
    if not site_locale.listed:  # not offered to search engines until listed (TRANSLATING.md)
        abort(404)
    pages = pages_in(site_locale)
    start = (page_number(number, smallest=1) - 1) * URLS_PER_PART
    if start >= len(pages):
        abort(404)
    chosen = pages[start : start + URLS_PER_PART]
    site = current_app.config["SITE_URL"]
    xml = render_template("articles/sitemap.xml", pages=chosen, language=site_locale, site=site)
    return Response(xml, mimetype="application/xml")
