"""What makes the article trustworthy on the page: warnings worded and ranked by urgency,
sources cited per section and listed in their own language, an honest notice while a
translation has no medical review, the "About our information" page, and JSON-LD."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import gettext

from app.config import settings_from_environment
from app.content import URGENCIES, article_by_slug, parse_article
from app.content.rendering import render_article
from app.content.review_status import english_status
from app.content.structured_data import embeddable_json, medical_web_page
from app.security import CONTENT_SECURITY_POLICY
from tests.conftest import ARTICLE_SLUG, LOCALE_CODES, ReadOnlyApps
from tests.html_tree import Element, parse_html
from tests.i18n_helpers import SHIPPED_TRANSLATIONS, copy_translations

TRANSLATED = [code for code in LOCALE_CODES if code != "en"]
PAGE_LANG = {"en": "en", "es": "es", "fr": "fr", "zh-hans": "zh-Hans", "ar": "ar"}
ARTICLE = article_by_slug(ARTICLE_SLUG)
# The recorded checks of the English (translations/en/medical-reviews.txt).
ENGLISH = english_status(ARTICLE, SHIPPED_TRANSLATIONS)
UNREVIEWED_HOME_LINE = "Not yet checked by a medical reviewer."


def article_url(locale: str) -> str:
    return f"/{locale}/articles/{ARTICLE_SLUG}"


def page(client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, url
    return parse_html(response.get_data(as_text=True))


def spoken(element: Element) -> str:
    """An element's text as a screen reader reads it: without aria-hidden parts."""

    def raw(node: Element) -> str:
        return "".join(
            child if isinstance(child, str) else raw(child)
            for child in node.children
            if isinstance(child, str) or child.attrs.get("aria-hidden") != "true"
        )

    return " ".join(raw(element).split())


def translated(app: Flask, locale: str, msgid: str) -> str:
    """What a page in `locale` shows for a UI string (the English while it is untranslated)."""
    with app.test_request_context(f"/{locale}/"):
        return gettext(msgid)


# Warnings -----------------------------------------------------------------------------------

ENGLISH_CALLOUT_HEADINGS = {
    "emergency": {"Emergency: Call your local emergency number now"},
    "urgent": {"Urgent: Get medical help now", "Urgent: Get medical help today"},
    "routine": {"Advice: See a doctor"},
}


def urgency_of(callout: Element) -> str:
    (urgency,) = [
        name.removeprefix("callout--") for name in callout.classes if name.removeprefix("callout--") in URGENCIES
    ]
    return urgency


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_emergency_callout_comes_first_and_every_callout_has_an_h3_spoken_urgency_first(read_only_client, locale):
    root = page(read_only_client, article_url(locale))
    callouts = root.find_all("div", class_="callout")
    urgencies = [urgency_of(callout) for callout in callouts]
    assert urgencies[0] == "emergency"
    assert set(urgencies) == set(URGENCIES)
    assert [URGENCIES.index(u) for u in urgencies] == sorted(URGENCIES.index(u) for u in urgencies)
    ids = []
    for callout in callouts:
        # Not a landmark or a named note: its heading is its only label, read once.
        assert "role" not in callout.attrs and "aria-labelledby" not in callout.attrs
        headings = [element for element in callout.iter() if element.tag in {"h2", "h3", "h4"}]
        assert [heading.tag for heading in headings] == ["h3"]
        heading = headings[0]
        section = next(node for node in heading.ancestors() if node.tag == "section")
        assert section.children and section.find("h2") is not None, "the callout's h3 must sit under an h2"
        # The urgency word is seen as well as heard: a visible part of the heading, first.
        prefix = heading.find("span", class_="callout__urgency")
        assert prefix is not None and prefix.text()
        assert not any("visually-hidden" in node.classes for node in [prefix, *prefix.ancestors()])
        assert spoken(heading).startswith(prefix.text()), "the urgency word must be spoken first"
        assert heading.attrs.get("id")
        ids.append(heading.attrs["id"])
        if locale == "en":
            assert spoken(heading) in ENGLISH_CALLOUT_HEADINGS[urgency_of(callout)]
    assert len(ids) == len(set(ids))
    all_ids = [element.attrs["id"] for element in root.iter() if element.attrs.get("id")]
    assert len(all_ids) == len(set(all_ids)), "ids must be unique on the page"


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_callout_has_a_heading_of_its_own(read_only_client, locale):
    """Skimming headings, "get help now" and "get help today" must not sound the same."""
    root = page(read_only_client, article_url(locale))
    headings = [spoken(c.find("h3")) for c in root.find_all("div", class_="callout")]
    assert len(headings) == len(set(headings)) >= len(URGENCIES) + 1, headings


# Sources ------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_section_links_to_the_sources_it_relies_on(read_only_client, locale):
    root = page(read_only_client, article_url(locale))
    listed = {li.attrs["id"]: li for li in root.find("ol", class_="source-list").find_all("li")}
    numbers = {f"source-{source.id}": number for number, source in enumerate(ARTICLE.sources, start=1)}
    for section in ARTICLE.sections:
        heading = root.find("h2", id=section.id)
        element = next(ancestor for ancestor in heading.ancestors() if ancestor.tag == "section")
        line = element.find("div", class_="section-sources")
        assert line is not None, section.id
        # The pointers are a list (a screen reader says how many), one link per item.
        items = line.find("ul").find_all("li")
        links = line.find_all("a")
        assert len(items) == len(links) and all(len(item.find_all("a")) == 1 for item in items), section.id
        targets = [link.attrs["href"].removeprefix("#") for link in links]
        assert targets, section.id
        assert set(targets) == {f"source-{source_id}" for source_id in section.source_ids}
        assert [numbers[target] for target in targets] == sorted(numbers[target] for target in targets)
        for link, target in zip(links, targets, strict=True):
            assert target in listed, f"{section.id} links to a missing list item {target}"
            title = next(source.title for source in ARTICLE.sources if f"source-{source.id}" == target)
            name = spoken(link)
            # Out of context (a list of links) the name still says which source.
            assert str(numbers[target]) in name and title in name
            assert link.text().startswith(str(numbers[target]))  # what sighted readers see first
            if locale == "en":
                assert name == f"Source {numbers[target]}: {title}"


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_sources_section_lists_every_source_in_its_own_language(read_only_client, locale):
    root = page(read_only_client, article_url(locale))
    heading = root.find("h2", id="article-sources")
    assert heading is not None
    contents = root.find("nav", class_="contents")
    assert contents.find("a", href="#article-sources") is not None
    # Near the end: after every article section, before the byline.
    order = [element.attrs.get("id") for element in root.iter() if element.tag == "h2"]
    assert order.index("article-sources") == order.index("byline-heading") - 1
    items = root.find("ol", class_="source-list").find_all("li")
    assert [item.attrs["id"] for item in items] == [f"source-{source.id}" for source in ARTICLE.sources]
    for item, source in zip(items, ARTICLE.sources, strict=True):
        link = item.find("a", href=source.url)
        assert link is not None and link.text() == " ".join(source.title.split())
        assert source.publisher in item.text()
        if locale == "en":
            # en-GB or en-US on an English page: nothing to announce.
            assert "hreflang" not in link.attrs and "lang" not in link.attrs
        else:
            assert link.attrs["hreflang"] == source.language and link.attrs["lang"] == source.language
            assert item.find("span", class_="source-list__publisher").attrs["lang"] == source.language
        assert link.attrs.get("dir") == ("ltr" if locale == "ar" else None)


# The unreviewed-translation notice ------------------------------------------------------------


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translation_without_a_review_record_says_so_and_links_to_the_english(read_only_client, read_only_app, locale):
    root = page(read_only_client, article_url(locale))
    notice = root.find(id="unreviewed-translation")
    assert notice is not None
    assert root.find(id="medical-review") is None
    (link,) = notice.find_all("a")
    assert link.attrs["href"] == article_url("en") and link.attrs["hreflang"] == "en"
    assert "lang" not in link.attrs  # the link's words are in the page's language
    # Near the top: in the article's header block (after the title and the at-a-glance box),
    # before the Contents.
    intro = root.find("div", class_="article__header")
    assert notice in list(intro.iter()), "the notice belongs near the top, in the article header"
    home = read_only_client.get(f"/{locale}/").get_data(as_text=True)
    assert translated(read_only_app, locale, UNREVIEWED_HOME_LINE) in home


def test_notice_says_the_translation_is_unchecked_in_the_page_language(read_only_app):
    html = read_only_app.test_client().get(article_url("es")).get_data(as_text=True)
    notice = parse_html(html).find(id="unreviewed-translation")
    assert (
        translated(read_only_app, "es", "This translation has not yet been checked by a medical reviewer.")
        in notice.text()
    )


def test_english_pages_never_show_the_notice(read_only_client):
    html = read_only_client.get(article_url("en")).get_data(as_text=True)
    assert 'id="unreviewed-translation"' not in html and 'id="medical-review"' not in html
    assert UNREVIEWED_HOME_LINE not in read_only_client.get("/en/").get_data(as_text=True)


@pytest.fixture(scope="module")
def reviewed_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every translation has a review of the current English, except French, whose review is of
    an older English version (so it no longer counts)."""
    translations = copy_translations(tmp_path_factory.mktemp("reviewed") / "translations")
    version = ARTICLE.source_version
    for locale in TRANSLATED:
        catalogue = "zh_Hans" if locale == "zh-hans" else locale
        checked = version if locale != "fr" else version - dt.timedelta(days=30)
        (translations / catalogue / "medical-reviews.txt").write_text(
            f"{ARTICLE_SLUG} {checked} {checked + dt.timedelta(days=2)} "
            "clinical-bilingual-review doctor Dr Test Reviewer\n",
            encoding="utf-8",
        )
    return translations


@pytest.fixture
def reviewed_app(read_only_apps: ReadOnlyApps, reviewed_translations: Path) -> Flask:
    """The site with those records: an app the module's tests only read from, so they share it
    (tests/conftest.py, read-only apps)."""
    return read_only_apps.app_for({"BABEL_TRANSLATION_DIRECTORIES": str(reviewed_translations)})


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_notice_disappears_exactly_when_a_current_review_is_recorded(reviewed_app, locale):
    client = reviewed_app.test_client()
    html = client.get(article_url(locale)).get_data(as_text=True)
    home = client.get(f"/{locale}/").get_data(as_text=True)
    line = translated(reviewed_app, locale, UNREVIEWED_HOME_LINE)
    if locale == "fr":  # reviewed against an older English: not a review of this text
        assert 'id="unreviewed-translation"' in html and 'id="medical-review"' not in html
        assert line in home
    else:
        assert 'id="unreviewed-translation"' not in html and 'id="medical-review"' in html
        assert line not in home


# About our information -------------------------------------------------------------------------


@pytest.fixture
def app_config():
    return {"CONTACT_EMAIL": "fixes@example.org"}


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_about_page_has_one_h1_nested_h2s_and_the_configured_contact(client, locale):
    response = client.get(f"/{locale}/about")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers or "session" not in response.headers["Set-Cookie"]
    root = parse_html(response.get_data(as_text=True))
    assert root.find("html").attrs["lang"] == PAGE_LANG[locale]
    main = root.find("main")
    headings = [element.tag for element in main.iter() if element.tag in {"h1", "h2", "h3", "h4"}]
    assert headings[0] == "h1" and headings.count("h1") == 1 and headings.count("h2") >= 4
    assert set(headings) == {"h1", "h2"}
    for landmark in ("header", "main", "footer"):
        assert root.find(landmark) is not None
    mailto = main.find("a", href="mailto:fixes@example.org")
    assert mailto is not None and mailto.text() == "fixes@example.org"


def test_english_about_page_names_its_sources_and_says_what_the_check_labels_mean(read_only_client):
    text = " ".join(page(read_only_client, "/en/about").find("main").text().split())
    assert "our editors compared each statement of its English text with the sources it lists" in text
    assert "It is not a review by a doctor." in text
    assert "one year after its last check, at the latest" in text
    # Where the article came from, and how the translations were made, said as it happened.
    assert "came from an earlier article published elsewhere" in text
    assert "checked its facts against the sources it lists" in text
    assert "with the help of AI translation tools" in text
    for source in ("NHS", "NICE", "AAP", "WHO", "MedlinePlus"):
        assert source in text


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_every_page_footer_links_to_the_about_page(read_only_client, locale):
    for url in (f"/{locale}/", article_url(locale), f"/{locale}/about", f"/{locale}/no-such-page"):
        footer = parse_html(read_only_client.get(url).get_data(as_text=True)).find("footer")
        assert footer.find("a", href=f"/{locale}/about") is not None, url


def test_contact_email_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("CONTACT_EMAIL", raising=False)
    assert settings_from_environment(tmp_path)["CONTACT_EMAIL"] == "corrections@localhost"
    monkeypatch.setenv("CONTACT_EMAIL", "health@example.org")
    assert settings_from_environment(tmp_path)["CONTACT_EMAIL"] == "health@example.org"


# Structured data -------------------------------------------------------------------------------


def json_ld(html: str) -> dict:
    (block,) = parse_html(html).find("head").find_all("script", type="application/ld+json")
    return json.loads("".join(block.children))


@pytest.mark.parametrize("locale", LOCALE_CODES)
def test_article_page_describes_itself_as_a_medical_web_page(read_only_client, locale):
    response = read_only_client.get(article_url(locale))
    html = response.get_data(as_text=True)
    data = json_ld(html)
    root = parse_html(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
    assert data["name"] == data["headline"] == root.find("h1").text()
    assert data["inLanguage"] == PAGE_LANG[locale]
    assert data["url"] == f"http://localhost{article_url(locale)}"
    # Review claims come only from a recorded review of this page's language: the English has
    # its editor's sources check (no named reviewer, so no reviewedBy); no translation has one.
    assert "reviewedBy" not in data
    if locale == "en" and ENGLISH.checked_on is not None:
        assert data["lastReviewed"] == ENGLISH.checked_on.isoformat()
    else:
        assert "lastReviewed" not in data
    assert data["about"]["@type"] == "MedicalCondition" and data["about"]["name"]
    assert data["audience"] == {"@type": "PeopleAudience", "audienceType": "Parents"}
    assert data["isPartOf"]["@type"] == "WebSite" and data["isPartOf"]["url"] == f"http://localhost/{locale}/"
    assert [c["url"] for c in data["citation"]] == [source.url for source in ARTICLE.sources]
    for citation, source in zip(data["citation"], ARTICLE.sources, strict=True):
        assert citation["@type"] == "CreativeWork" and citation["name"] == source.title
        assert citation["publisher"] == {"@type": "Organization", "name": source.publisher}
        assert citation["inLanguage"] == source.language
    if locale == "en":
        assert "translationOfWork" not in data
    else:
        assert data["translationOfWork"]["url"] == f"http://localhost{article_url('en')}"
    # The data block needs no loosening of the policy: it is never run.
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY


HOSTILE = '</script><script>alert("x")</script> <!-- & Co'


def hostile_article():
    raw = {
        "slug": ARTICLE_SLUG,
        "source_version": ARTICLE.source_version,
        "title": {"text": "Title </script>"},
        "summary": {"text": "Summary"},
        "sources": [
            {
                "id": "x",
                "title": HOSTILE,
                "publisher": "<b>P</b>",
                "url": "https://example.org/?a=1&b=2",
                "language": "en",
            }
        ],
        "sections": [{"id": "s", "heading": {"text": "S"}, "sources": ["x"], "blocks": [{"id": "p", "text": "Text."}]}],
    }
    return parse_article(copy.deepcopy(raw))


def test_embedded_json_can_never_close_its_script_block(read_only_app):
    article = hostile_article()
    with read_only_app.test_request_context("/en/"):
        data = medical_web_page(
            render_article(article, source_locale=True),
            page_lang="en",
            page_url="http://localhost/en/x",
            site_name="Site",
            site_url="http://localhost/en/",
            english_url=None,
        )
    embedded = str(embeddable_json(data))
    assert not {"<", ">", "&"} & set(embedded)
    assert json.loads(embedded) == data
    assert json.loads(embedded)["citation"][0]["name"] == HOSTILE


def test_a_hostile_source_title_stays_inside_the_data_block_on_the_page(client, monkeypatch):
    monkeypatch.setattr("app.articles.routes.article_by_slug", lambda slug: hostile_article())
    html = client.get(article_url("en")).get_data(as_text=True)
    assert html.count("</script>") == 1
    assert json_ld(html)["citation"][0]["name"] == HOSTILE
    assert "&lt;/script&gt;&lt;script&gt;" in html  # the visible title is escaped too
