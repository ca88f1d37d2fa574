"""The A to Z of a language's published articles: letters, and pages of articles under a letter.

Letters come from each article's title in the page's language: its first letter, accents set
aside (É under E) and, in Arabic, the forms of alef (أ إ آ) under ا. Chinese has no alphabet, and
sorting by pinyin needs a dictionary (ICU) the site does not carry: the Chinese index is by the
first letter of the article's English web address (its slug), which the page says. Anything that
does not start with a letter is under "#". Titles come from the language's compiled index, so
the letters of a thousand articles cost one small file, not a thousand.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from math import ceil

from app.content import Article, all_articles
from app.content.article_translations import NOTHING, read_index
from app.content.publication import is_published
from app.i18n.files import catalogue_path, translations_dir
from app.i18n.locales import SOURCE_LOCALE, SiteLocale

OTHER = "#"
# The URL segment of the "#" letter ("#" itself would start a fragment).
OTHER_KEY = "other"
# Locales whose index is by the English slug: no alphabet to sort titles by without ICU.
BY_SLUG = frozenset({"zh-hans"})
ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
PER_PAGE = 40


def _folded(text: str) -> str:
    """Accents removed, case folded, alef forms as one: the key titles are sorted by."""
    decomposed = unicodedata.normalize("NFD", text.translate(ALEF_FORMS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def letter_of(text: str) -> str:
    first = _folded(text.strip())[:1]
    return first.upper() if first.isalpha() else OTHER


def letter_key(letter: str) -> str:
    """The letter as written in a URL: lower case, "other" for "#"."""
    return OTHER_KEY if letter == OTHER else letter.lower()


@dataclass(frozen=True)
class Entry:
    article: Article
    title: str  # as the language shows it in the list (English until its title is translated)
    letter: str


def _title(article: Article, site_locale: SiteLocale) -> str:
    if site_locale.code == SOURCE_LOCALE.code:
        return article.title.text
    index = read_index(catalogue_path(translations_dir(), site_locale.catalogue))
    found = index.get(article.slug, NOTHING).text(article.title.context, article.title.text)
    return found or article.title.text


def entries(site_locale: SiteLocale) -> list[Entry]:
    """Every article the language publishes, in the order of its A to Z."""
    found = []
    for article in all_articles():
        if not is_published(article, site_locale):
            continue
        title = _title(article, site_locale)
        sort_text = article.slug if site_locale.code in BY_SLUG else title
        found.append((_folded(sort_text), Entry(article, title, letter_of(sort_text))))
    found.sort(key=lambda pair: (pair[1].letter == OTHER, pair[0]))
    return [entry for _, entry in found]


def letters(found: list[Entry]) -> list[str]:
    return list(dict.fromkeys(entry.letter for entry in found))


@dataclass(frozen=True)
class LetterPage:
    letter: str
    number: int  # from 1
    count: int  # how many pages the letter has
    entries: list[Entry]


def letter_page(found: list[Entry], key: str, number: int) -> LetterPage | None:
    """Page `number` of the articles under the letter a URL names; None when there is none."""
    under = [entry for entry in found if letter_key(entry.letter) == key]
    count = ceil(len(under) / PER_PAGE)
    if not under or not 1 <= number <= count:
        return None
    start = (number - 1) * PER_PAGE
    return LetterPage(under[0].letter, number, count, under[start : start + PER_PAGE])
