"""A new language from TRANSLATING.md alone, "Adding a language, end to end", with Persian (fa,
right to left) in a copy of the translations: `init` creates the catalogue, registers the
language in translations/locales.toml (not listed yet) and starts its glossary and urgency list;
a few messages are translated and compiled; the site serves it with lang/dir, its own digits,
untranslated interface text marked as English; it is offered to readers (switcher, browsers,
sitemap) only once `listed = true`, which `check` allows only for a complete interface."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from babel.dates import format_date
from babel.messages.catalog import Catalog

from app.content import article_by_slug
from app.content.publication import publication_contexts
from app.i18n.locales import SiteLocale, read_registry
from app.numerals import in_locale_digits
from tests.conftest import ARTICLE_SLUG, make_test_app
from tests.i18n_helpers import copy_translations, rewrite, set_listed
from tests.test_translate_cli import TITLE_CONTEXT, cli

PERSIAN = {
    "Child Health Guide": "راهنمای سلامت کودکان",
    "Contents": "فهرست مطالب",
    # a form label and a validation error, translated in Python (lazy_gettext), beside English ones
    "Email address": "نشانی ایمیل",
    "Your name": "نام شما",
    "Enter your comment": "دیدگاه خود را بنویسید",
    ("%(num)d comment", "%(num)d comments"): ("%(num)d دیدگاه", "%(num)d دیدگاه"),
    "Translated from the English version of %(date)s.": "ترجمه‌شده از نسخهٔ انگلیسیِ %(date)s.",
}
SWITCHER = re.compile(r'<nav class="language-switcher".*?</nav>', re.S)
LATIN_LETTER = re.compile(r"[A-Za-z]")
PERSIAN_LETTER = re.compile(r"[\u0600-\u065F\u066E-\u06EF\u06FA-\u06FF]")  # not its digits or separators


class AttributeMarkup(HTMLParser):
    """Attribute values holding markup: a sign that a marked string went where tags cannot."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"{tag} {name}={value}" for name, value in attrs if value and "<span" in value]


class TextLanguages(HTMLParser):
    """Each text of an element, with the language of its nearest `lang` (the page's by default)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_lang: str) -> None:
        super().__init__()
        self.langs = [page_lang]
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.langs.append(dict(attrs).get("lang") or self.langs[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.langs.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((self.langs[-1], data.strip()))


def mislabelled_text(html: str) -> list[tuple[str, str]]:
    """Text in Persian's place that is English, and text marked English that is Persian."""
    parser = TextLanguages("fa")
    parser.feed(html)
    return [
        (lang, text)
        for lang, text in parser.texts
        if (lang == "fa" and LATIN_LETTER.search(text)) or (lang == "en" and PERSIAN_LETTER.search(text))
    ]


def markup_in_attributes(html: str) -> list[str]:
    parser = AttributeMarkup()
    parser.feed(html)
    return parser.found


@pytest.mark.slow
def test_persian_end_to_end_from_the_guide(database_url, tmp_path):
    translations = copy_translations(tmp_path / "translations", term_lists=True)

    # 1. init: catalogue, registry entry (not listed), glossary and urgency list started.
    result = cli(tmp_path, translations, "init", "fa")
    assert result.exit_code == 0, result.output
    assert "right to left" in result.output
    catalogue = translations / "fa" / "LC_MESSAGES" / "messages.po"
    assert '"Language: fa\\n"' in catalogue.read_text(encoding="utf-8")
    # 2. the registry, a file translators edit: right to left, named in Persian, not listed.
    assert read_registry(translations / "locales.toml")[-1] == SiteLocale(
        "fa", "fa", "fa", "rtl", "فارسی", listed=False
    )
    for started in (translations / "glossary" / "fa.csv", translations / "urgency" / "fa.csv"):
        assert started.read_text(encoding="utf-8") == "source,target,description\n"

    # 3. a few messages, then compile.
    def translate_a_few(catalog: Catalog) -> None:
        for english, persian in PERSIAN.items():
            catalog.get(english if isinstance(english, str) else english[0]).string = persian

    rewrite(catalogue, translate_a_few)
    assert cli(tmp_path, translations, "compile").exit_code == 0

    # `check` passes a partial language, saying what waits (never silently).
    checked = cli(tmp_path, translations, "check")
    assert checked.exit_code == 0, checked.output
    assert re.search(
        r"fa/LC_MESSAGES/messages.po:1: note: fa is not listed yet .*: \d+ interface message", checked.output
    )
    # The summary names the kinds of note; every line of them is one option away.
    detailed = cli(tmp_path, translations, "check", "--details").output
    assert "glossary/fa.csv:1: note: no approved translation yet for " in detailed
    assert "urgency/fa.csv:1: note: no approved translation yet for " in detailed

    # 4. the site, reading the registry of its translations directory (no Python edited).
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    client = app.test_client()
    home = client.get("/fa/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert '<html lang="fa" dir="rtl"' in html
    assert "راهنمای سلامت کودکان" in html
    # Untranslated interface text is English, marked so, and never inside an attribute or the title.
    assert '<span lang="en" dir="ltr">' in html
    assert '<span lang="en" dir="ltr">راهنمای' not in html
    assert markup_in_attributes(html) == []
    title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
    assert "<" not in title and "راهنمای سلامت کودکان" in title
    # Form labels and validation errors come from Python: English ones are marked, Persian not.
    subscribe = client.post("/fa/subscribe", data={"email": "", "website": ""})
    assert subscribe.status_code == 422
    form_page = subscribe.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', form_page, re.S)[0]
    form = re.search(r'<form class="subscribe-form".*?</form>', form_page, re.S)[0]
    assert '<label for="subscribe-email">نشانی ایمیل</label>' in form
    error = '<span lang="en" dir="ltr">Enter your email address</span>'
    assert f'<a href="#subscribe-email">{error}</a>' in summary and error in form
    assert mislabelled_text(summary) == [] and mislabelled_text(form) == []
    assert markup_in_attributes(form_page) == []
    assert "<" not in re.search(r"<title>(.*?)</title>", form_page, re.S)[1]
    # A number filled into a message in Python (%(max)d), in Persian digits, English text or not.
    too_long = client.post("/fa/subscribe", data={"email": "a" * 250 + "@example.org", "website": ""})
    assert '<span lang="en" dir="ltr">Enter an email address of ۲۵۴ characters or fewer</span>' in too_long.get_data(
        as_text=True
    )
    # The switcher of its own pages shows it (a translator's preview); other pages do not offer it.
    assert 'hreflang="fa"' in SWITCHER.search(html)[0]
    spanish = client.get("/es/").get_data(as_text=True)
    assert 'hreflang="fa"' not in SWITCHER.search(spanish)[0]
    assert 'hreflang="fa"' not in spanish
    assert client.get("/", headers={"Accept-Language": "fa"}).headers["Location"].startswith("/en/")
    assert "/fa/" not in client.get("/sitemap.xml").get_data(as_text=True)
    # Articles follow their publication rule: the warnings are not translated, so the English.
    response = client.get(f"/fa/articles/{ARTICLE_SLUG}")
    assert response.status_code == 302 and response.headers["Location"] == f"/en/articles/{ARTICLE_SLUG}"

    # Once its title, summary and warnings are translated, the article appears in Persian,
    # its dates in Persian digits as CLDR writes Persian.
    article = article_by_slug(ARTICLE_SLUG)

    def translate_what_publishes(catalog: Catalog) -> None:
        for message in catalog:
            if message.context in publication_contexts(article):
                message.string = f"[fa] {message.id}"
        catalog.get("Muscle spasms in children", context=TITLE_CONTEXT).string = "گرفتگی عضلات در کودکان"

    rewrite(catalogue, translate_what_publishes)
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    page = app.test_client().get(f"/fa/articles/{ARTICLE_SLUG}").get_data(as_text=True)
    persian_date = in_locale_digits(format_date(article.source_version, "long", locale="fa"), "fa")
    assert re.search(r"[۰-۹]{4}", persian_date)
    assert f">{persian_date}</time>" in page
    assert "گرفتگی عضلات در کودکان" in page
    # Counts filled into a message (ngettext's %(num)d in a template) are in Persian digits too.
    assert '<h2 id="comments-heading">۰ دیدگاه</h2>' in page
    # The comment form: its labels and hints (Python) marked where English, Persian ones not;
    # its errors after an empty post too.
    comment_form = re.search(r'<form class="comment-form".*?</form>', page, re.S)[0]
    assert '<label for="comment-name">نام شما</label>' in comment_form
    assert '<label for="comment-comment"><span lang="en" dir="ltr">Your comment</span></label>' in comment_form
    assert mislabelled_text(comment_form) == []
    posted = app.test_client().post(f"/fa/articles/{ARTICLE_SLUG}/comments", data={"name": "", "comment": ""})
    assert posted.status_code == 422, posted.status_code
    posted_html = posted.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', posted_html, re.S)[0]
    assert '<a href="#comment-name"><span lang="en" dir="ltr">Enter your name</span></a>' in summary
    assert '<a href="#comment-comment">دیدگاه خود را بنویسید</a>' in summary
    comment_form = re.search(r'<form class="comment-form".*?</form>', posted_html, re.S)[0]
    assert mislabelled_text(summary) == [] and mislabelled_text(comment_form) == []
    assert markup_in_attributes(posted_html) == []

    # 5. listed = true: `check` now holds it to a complete interface, like every shipped language.
    set_listed(translations / "locales.toml", "fa")
    listed = cli(tmp_path, translations, "check", "--details")
    assert listed.exit_code == 1
    assert re.search(r"fa/LC_MESSAGES/messages.po:\d+: untranslated: ", listed.output)
    assert re.search(r"glossary/fa.csv:1: no approved translation yet for ", listed.output)
    # and the site offers it: in every page's switcher, to browsers that prefer it.
    app = make_test_app(database_url, tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    client = app.test_client()
    assert 'hreflang="fa"' in SWITCHER.search(client.get("/es/").get_data(as_text=True))[0]
    assert client.get("/", headers={"Accept-Language": "fa"}).headers["Location"].startswith("/fa/")
    # `check` holds a listed language to a complete interface: the site marks nothing as English.
    assert '<span lang="en" dir="ltr">' not in client.get("/fa/").get_data(as_text=True)


def test_numbers_and_dates_take_the_digits_cldr_gives_the_language():
    day = dt.date(2026, 12, 6)
    assert in_locale_digits(format_date(day, "long", locale="fa"), "fa") == "۶ دسامبر ۲۰۲۶"
    assert in_locale_digits(format_date(day, "long", locale="ar"), "ar") == format_date(day, "long", locale="ar")
    assert in_locale_digits("5", "es") == "5"
