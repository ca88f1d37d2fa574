"""The emergency-numbers page: verified numbers only, each beside its official source, one step
from every emergency warning, public like any publication, and in the sitemap."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from babel import Locale

from app import content
from app.content import parse_article
from app.content.emergency_numbers import (
    DATA_FILE,
    SERVICES,
    EmergencyNumbersError,
    emergency_numbers,
    load_emergency_numbers,
    parse_emergency_numbers,
)
from app.i18n.locales import LOCALES
from tests.comments_support import article_url
from tests.conftest import LOCALE_CODES
from tests.html_tree import parse_html
from tests.sitemaps import sitemap_text
from tests.test_public_pages import a_reader_with_cookies, assert_public

CATALOGUES = {locale.code: locale.catalogue for locale in LOCALES}


def numbers_page(client, locale: str):
    response = client.get(f"/{locale}/emergency-numbers")
    assert response.status_code == 200
    return parse_html(response.get_data(as_text=True))


# The data ----------------------------------------------------------------------------------------


def every_number():
    for countries in emergency_numbers().values():
        for country in countries:
            for number in country.numbers:
                yield country, number


def test_every_number_is_digits_with_a_service_and_an_official_https_source_checked_on_a_date():
    numbers = list(every_number())
    assert numbers
    for country, number in numbers:
        assert re.fullmatch(r"[0-9]{2,6}", number.digits), (country.country, number.digits)
        assert number.service in SERVICES
        source = number.source
        assert source.url.startswith("https://") and " " not in source.url, source.url
        assert source.title.strip() and source.publisher.strip()
        assert isinstance(source.checked, dt.date) and source.checked <= dt.date.today()


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_data_names_countries_for_every_site_language_by_cldr_codes(locale):
    countries = emergency_numbers()[locale]
    assert countries, f"{locale} has no countries: its page would list nothing"
    for country in countries:
        # The name comes from CLDR in the page's language, never from a translator.
        assert country.name_in(CATALOGUES[locale]) == Locale.parse(CATALOGUES[locale]).territories[country.country]


def test_the_english_page_lists_the_uk_us_canada_australia_and_ireland_in_that_order():
    assert [country.country for country in emergency_numbers()["en"]] == ["GB", "US", "CA", "AU", "IE"]
    digits = {country.country: [n.digits for n in country.numbers] for country in emergency_numbers()["en"]}
    assert digits["GB"][:2] == ["999", "112"] and digits["US"] == ["911"] and digits["AU"] == ["000", "112"]


def test_a_number_that_works_from_mobiles_only_says_so():
    australia = next(country for country in emergency_numbers()["en"] if country.country == "AU")
    assert [(n.digits, n.phones) for n in australia.numbers] == [("000", None), ("112", "mobile")]


def valid_file() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda raw: raw["countries"]["GB"][0].pop("source"), "GB, number 1 (999): every number needs its `source`"),
        (
            lambda raw: raw["countries"]["GB"][0]["source"].update(url="http://example.org"),
            "must start with https://",
        ),
        (lambda raw: raw["countries"]["GB"][0]["source"].pop("checked"), "the source needs `checked`"),
        (lambda raw: raw["countries"]["GB"][0].update(number="9 9 9"), "`number` is the digits in quotes"),
        (lambda raw: raw["countries"]["GB"][0].update(number=999), "`number` is the digits in quotes"),
        (lambda raw: raw["countries"]["GB"][0].update(service="police"), "`service` is one of"),
        (lambda raw: raw["languages"].update(en=["GB", "XX"]), "languages: en: no numbers under `countries` for XX"),
    ],
)
def test_a_broken_entry_is_refused_with_a_message_naming_the_file_and_the_entry(break_it, message):
    raw = valid_file()
    break_it(raw)
    with pytest.raises(EmergencyNumbersError) as refused:
        parse_emergency_numbers(raw)
    assert str(refused.value).startswith("emergency_numbers.yaml: ")
    assert message in str(refused.value)


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path: Path):
    broken = tmp_path / "emergency_numbers.yaml"
    broken.write_text("languages:\n  en: [GB\ncountries: {}\n", encoding="utf-8")
    with pytest.raises(EmergencyNumbersError, match=r"emergency_numbers.yaml: line \d+: not valid YAML"):
        load_emergency_numbers(broken)


# The page ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_page_lists_every_number_next_to_its_source_and_checked_date(read_only_client, locale):
    root = numbers_page(read_only_client, locale)
    main = root.find("main")
    assert len(main.find_all("h1")) == 1
    items = main.find_all("li", class_="emergency-number")
    expected = [(country, number) for country in emergency_numbers()[locale] for number in country.numbers]
    assert len(items) == len(expected)
    headings = [h2.text().strip() for h2 in main.find_all("h2")]
    assert headings == [country.name_in(CATALOGUES[locale]) for country in emergency_numbers()[locale]]
    for item, (country, number) in zip(items, expected, strict=True):
        section = next(node for node in item.ancestors() if node.tag == "section")
        assert section.find("h2").text().strip() == country.name_in(CATALOGUES[locale])
        # An advice line (NHS 111) is drawn apart from the emergency numbers.
        assert f"emergency-number--{number.service}" in item.classes
        dial = item.find("a", class_="emergency-number__dial")
        assert dial.attrs["href"] == f"tel:{number.digits}"
        # Digits isolated left-to-right, so an Arabic page shows 999, not a reordered number.
        assert dial.find("bdi").attrs.get("dir") == "ltr" and dial.text().strip() == number.digits
        # The source is in the same item as the number: its link, and the date it was checked.
        source = item.find("a", href=number.source.url)
        assert source is not None and source.text().strip() == number.source.title
        assert source.attrs.get("hreflang") == number.source.language
        assert item.find("time", datetime=number.source.checked.isoformat()) is not None


def test_the_arabic_page_marks_english_sources_left_to_right(read_only_client):
    root = numbers_page(read_only_client, "ar")
    links = [a for a in root.find("main").find_all("a") if (a.attrs.get("href") or "").startswith("https://")]
    assert links and all(a.attrs.get("lang") == "en" and a.attrs.get("dir") == "ltr" for a in links)


def test_a_service_is_worded_in_the_readers_language(read_only_client):
    english = numbers_page(read_only_client, "en").find("main").text()
    french = numbers_page(read_only_client, "fr").find("main").text()
    assert "All emergencies: ambulance, fire and police" in english
    assert "Urgent medical advice when it is not an emergency" in english
    assert "All emergencies: ambulance, fire and police" not in french
    assert "from a mobile phone" in english


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_the_page_is_public_and_the_same_for_every_reader(app, client, locale):
    path = f"/{locale}/emergency-numbers"
    first = client.get(path)
    assert_public(first, path)
    assert a_reader_with_cookies(app).get(path).data == first.data


def test_an_unknown_locale_has_no_numbers_page(read_only_client):
    assert read_only_client.get("/xx/emergency-numbers").status_code == 404
    assert read_only_client.get("/ZH-hans/emergency-numbers").status_code == 404


def test_the_sitemap_lists_the_page_in_every_language_with_its_alternates(read_only_client):
    xml = sitemap_text(read_only_client)
    for locale in LOCALE_CODES:
        assert f"<loc>http://localhost/{locale}/emergency-numbers</loc>" in xml
    entry = xml.split("<loc>http://localhost/fr/emergency-numbers</loc>", 1)[1].split("</url>", 1)[0]
    for locale in LOCALES:
        assert f'hreflang="{locale.lang}" href="http://localhost/{locale.code}/emergency-numbers"' in entry


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_page_footer_links_to_the_numbers(read_only_client, locale):
    for url in (f"/{locale}/", article_url(locale), f"/{locale}/about", f"/{locale}/emergency-numbers"):
        footer = parse_html(read_only_client.get(url).get_data(as_text=True)).find("footer")
        assert footer.find("a", href=f"/{locale}/emergency-numbers") is not None, url


# Links from the advice ---------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_emergency_warning_links_to_the_numbers_and_keeps_saying_your_local_number(read_only_client, locale):
    root = parse_html(read_only_client.get(article_url(locale)).get_data(as_text=True))
    callouts = root.find_all("div", class_="callout--emergency")
    assert callouts
    for callout in callouts:
        assert callout.find("a", href=f"/{locale}/emergency-numbers") is not None
    if locale == "en":
        assert all("your local emergency number" in callout.text() for callout in callouts)
    # Only the emergency level links to the numbers: "today" and "advice" are not 999 calls.
    for callout in root.find_all("div", class_="callout"):
        if "callout--emergency" not in callout.classes:
            assert callout.find("a", href=f"/{locale}/emergency-numbers") is None


GLANCE_ARTICLE = {
    "slug": "glance-test",
    "source_version": dt.date(2026, 11, 20),
    "title": {"text": "A test article"},
    "summary": {"text": "A summary."},
    "sources": [
        {"id": "nhs", "title": "A page", "publisher": "NHS", "url": "https://www.nhs.uk/", "language": "en"},
    ],
    "sections": [
        {
            "id": "at-a-glance",
            "at_a_glance": True,
            "heading": {"text": "When to call for help now"},
            "sources": ["nhs"],
            "blocks": [{"id": "lead", "text": "Most spasms are harmless."}],
        },
        {
            "id": "overview",
            "heading": {"text": "Overview"},
            "sources": ["nhs"],
            "blocks": [
                {
                    "id": "call",
                    "kind": "warning",
                    "urgency": "emergency",
                    "required": True,
                    "text": "Call if your child:",
                    "items": [{"id": "blue", "text": "turns blue after the seizure stops"}],
                },
            ],
        },
    ],
}


@pytest.fixture
def glance_article(monkeypatch):
    """A small article whose at-a-glance box holds no emergency warning of its own."""
    article = parse_article(GLANCE_ARTICLE)
    real = content.all_articles()
    monkeypatch.setattr(content, "all_articles", lambda: (*real, article))
    # Untranslated, it is published in English only (docs/architecture.md, "Languages"): the layout is under test here,
    # so its Arabic page is drawn as if published, with its English blocks marked lang="en".
    monkeypatch.setattr("app.articles.routes.is_published", lambda found, site_locale: True)
    return article


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_at_a_glance_box_comes_first_and_links_to_the_numbers(client, glance_article, locale):
    root = parse_html(client.get(f"/{locale}/articles/glance-test").get_data(as_text=True))
    main = root.find("main")
    headings = [element for element in main.iter() if element.tag in {"h1", "h2"}]
    assert [h.tag for h in headings[:2]] == ["h1", "h2"] and headings[1].attrs["id"] == "at-a-glance"
    box = headings[1].parent
    assert "article__at-a-glance" in box.classes
    assert box.find("a", href=f"/{locale}/emergency-numbers") is not None
    contents = main.find("nav", class_="contents").find_all("a")
    assert contents[0].attrs["href"] == "#at-a-glance"
    # The warning's points are a list under its lead sentence.
    callout = main.find("div", class_="callout--emergency")
    assert [li.text().strip() for li in callout.find("ul", class_="callout__list").find_all("li")] == [
        "turns blue after the seizure stops"
    ]


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_article_with_an_at_a_glance_box_puts_it_first_with_the_way_to_the_numbers(read_only_client, locale):
    articles = [article for article in content.all_articles() if article.sections[0].at_a_glance]
    assert articles, "no article has an at-a-glance box"
    for article in articles:
        box_id = article.sections[0].id
        html = read_only_client.get(f"/{locale}/articles/{article.slug}").get_data(as_text=True)
        main = parse_html(html).find("main")
        headings = [element for element in main.iter() if element.tag in {"h1", "h2"}]
        assert [h.tag for h in headings[:2]] == ["h1", "h2"] and headings[1].attrs["id"] == box_id
        assert main.find("nav", class_="contents").find("a").attrs["href"] == f"#{box_id}"
        box = headings[1].parent
        assert box.find("a", href=f"/{locale}/emergency-numbers") is not None
